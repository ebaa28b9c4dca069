// Entry of a patch-pool worker thread: lets it load TypeScript (tsx's loader, whether or not the parent
// process has it, as under Vitest) and then runs patchWorker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./patchWorker.ts');
