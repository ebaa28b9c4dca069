/**
 * Runs the `qsm` command in-process for tests, collecting what it prints: stdout lines, and stderr with
 * the progress bars (written as a non-TTY would see them).
 */
import { main } from './main';
import { ProgressBar } from './progress';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = { isTTY: false, write: (s: string) => err.push(s) };
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), progress: (label) => new ProgressBar(label, sink) });
  return { code, out, err: err.join('\n') };
}
