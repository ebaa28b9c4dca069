/** What a command writes to: stdout for results, stderr for assumptions and progress. */
import { ProgressBar, type ProgressSink } from './progress';

export interface CommandContext {
  /** one line of result (stdout) */
  out(line: string): void;
  /** one line of diagnostics (stderr) */
  err(line: string): void;
  progress(label: string): ProgressBar;
}

export function processContext(stdout: ProgressSink = process.stdout, stderr: ProgressSink = process.stderr): CommandContext {
  return {
    out: (line) => void stdout.write(line + '\n'),
    err: (line) => void stderr.write(line + '\n'),
    progress: (label) => new ProgressBar(label, stderr),
  };
}

/** Runs one long step under a progress bar: a final timing line on success, a cleared bar on failure. */
export async function withProgress<T>(ctx: CommandContext, label: string, step: (onProgress: ProgressBar['update']) => T | Promise<T>): Promise<T> {
  const bar = ctx.progress(label);
  try {
    const result = await step(bar.update);
    bar.finish();
    return result;
  } catch (e) {
    bar.abandon();
    throw e;
  }
}
