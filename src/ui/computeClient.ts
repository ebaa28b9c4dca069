/** Promise-based client for the compute worker: one job per call, with progress and cancellation. */
import type { Vec3, Volume } from '../core/volume';
import type { NiftiRead } from '../io/readNifti';
import {
  computeTransferables, type ExampleDataset, type ExampleOptions, type FromCompute, type QualityMetrics,
  type ScatterDensity, type ToCompute,
} from '../worker/computeProtocol';
import { copyVolume } from './volumeCopy';

export type Progress = (done: number, total: number, stage: string) => void;

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

interface Pending {
  resolve: (msg: FromCompute) => void;
  reject: (e: Error) => void;
  onProgress?: Progress;
}

export interface Comparison {
  metrics: QualityMetrics;
  difference: Volume;
  scatter: ScatterDensity;
}

export class ComputeClient {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;

  constructor() {
    this.worker = new Worker(new URL('../worker/compute.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromCompute>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`compute worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(msg: FromCompute) {
    const p = this.pending.get(msg.jobId);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total, msg.stage);
      return;
    }
    this.pending.delete(msg.jobId);
    if (msg.type === 'error') p.reject(new Error(msg.message));
    else if (msg.type === 'cancelled') p.reject(new CancelledError());
    else p.resolve(msg);
  }

  private job(make: (jobId: string) => ToCompute, onProgress?: Progress): { jobId: string; done: Promise<FromCompute> } {
    const jobId = `c${++this.nextId}`;
    const msg = make(jobId);
    const done = new Promise<FromCompute>((resolve, reject) => this.pending.set(jobId, { resolve, reject, onProgress }));
    this.worker.postMessage(msg, computeTransferables(msg));
    return { jobId, done };
  }

  cancel(jobId: string) {
    this.worker.postMessage({ type: 'cancel', jobId } satisfies ToCompute);
  }

  /** Reads a NIfTI file in the worker; rejects with the reader's message (which names the file). */
  readNifti(name: string, bytes: ArrayBuffer): Promise<NiftiRead> {
    const { done } = this.job((id) => ({ type: 'read', jobId: id, name, bytes }));
    return done.then((m) => (m as Extract<FromCompute, { type: 'read' }>).read);
  }

  example(options: ExampleOptions, onProgress?: Progress) {
    const { jobId, done } = this.job((id) => ({ type: 'example', jobId: id, options }), onProgress);
    return { jobId, result: done.then((m) => (m as Extract<FromCompute, { type: 'example' }>).dataset as ExampleDataset) };
  }

  cosmos(fields: Volume[], b0Dirs: Vec3[], mask: Volume | undefined, onProgress?: Progress) {
    const { jobId, done } = this.job(
      (id) => ({ type: 'cosmos', jobId: id, fields: fields.map(copyVolume), b0Dirs, mask: mask && copyVolume(mask) }),
      onProgress,
    );
    return { jobId, result: done.then((m) => (m as Extract<FromCompute, { type: 'cosmos' }>).chi) };
  }

  compare(estimate: Volume, reference: Volume, mask: Volume): Promise<Comparison> {
    const { done } = this.job((id) => ({
      type: 'compare', jobId: id, estimate: copyVolume(estimate), reference: copyVolume(reference), mask: copyVolume(mask),
      maxSamples: 400_000, bins: 160,
    }));
    return done.then((m) => {
      const c = m as Extract<FromCompute, { type: 'compare' }>;
      return { metrics: c.metrics, difference: c.difference, scatter: c.scatter };
    });
  }

  dispose() {
    this.worker.terminate();
  }
}
