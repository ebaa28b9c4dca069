/** Progress reporting and cancellation shared by the long-running core functions. */
export interface ProgressOptions {
  onProgress?: (done: number, total: number, stage: string) => void;
  signal?: AbortSignal;
}

/** Throws the signal's reason (an AbortError by default) if the caller has cancelled. */
export function checkAbort(opts?: ProgressOptions): void {
  if (opts?.signal?.aborted) {
    throw opts.signal.reason ?? new DOMException('aborted', 'AbortError');
  }
}
