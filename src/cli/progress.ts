/**
 * Progress on stderr: a redrawn bar on a terminal; when stderr is a file or pipe (tests, batch logs),
 * only one final line per step, so logs stay readable.
 */
export type ProgressFn = (done: number, total: number, stage: string) => void;

export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

const BAR = 24;
const REDRAW_MS = 100;

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly t0 = performance.now();

  constructor(
    private readonly label: string,
    private readonly out: ProgressSink = process.stderr,
  ) {}

  readonly update: ProgressFn = (done, total, stage) => {
    if (!this.out.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS && done < total) return;
    this.lastDraw = now;
    const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const filled = Math.round(f * BAR);
    const line = `${this.label} ${stage} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${(100 * f).toFixed(0).padStart(3)}%`;
    const width = Math.max(20, (this.out.columns || 80) - 1); // a pty may report 0 columns
    this.out.write(`\r${line.slice(0, width).padEnd(width)}`);
    this.drawn = true;
  };

  /** Ends the bar with one line saying how long the step took; returns the seconds. */
  finish(note = 'done'): number {
    const seconds = (performance.now() - this.t0) / 1000;
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${this.label}: ${note} in ${seconds.toFixed(2)} s\n`);
    return seconds;
  }

  /** Clears a half-drawn bar so an error message starts on a clean line. */
  abandon(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
  }
}
