/** Promise-based client for the compute worker: one job per call, with progress and cancellation. */
import type { Vec3, Volume } from '../core/volume';
import type { LambdaRule } from '../core/lambdaChoice';
import type { NiftiRead } from '../io/readNifti';
import {
  computeTransferables, type ExampleDataset, type ExampleOptions, type FieldRequest, type FromCompute, type LCurve, type QualityMetrics,
  type ScatterDensity, type ToCompute,
} from '../worker/computeProtocol';
import { copyVolume } from './volumeCopy';
import { WorkerRpc, type Progress } from './workerRpc';

export interface Comparison {
  metrics: QualityMetrics;
  difference: Volume;
  scatter: ScatterDensity;
}

export class ComputeClient {
  private readonly rpc: WorkerRpc<ToCompute, FromCompute>;

  constructor() {
    const worker = new Worker(new URL('../worker/compute.worker.ts', import.meta.url), { type: 'module' });
    this.rpc = new WorkerRpc<ToCompute, FromCompute>(worker, {
      name: 'compute',
      idPrefix: 'c',
      idOf: (m) => m.jobId,
      cancel: (jobId) => ({ type: 'cancel', jobId }),
      transferables: computeTransferables,
    });
  }

  private job(make: (jobId: string) => ToCompute, onProgress?: Progress): { jobId: string; done: Promise<FromCompute> } {
    const { id, reply } = this.rpc.request(make, onProgress);
    return { jobId: id, done: reply };
  }

  cancel(jobId: string) {
    this.rpc.cancel(jobId);
  }

  /**
   * Reads a NIfTI file in the worker, rejecting with the reader's message (which names the file): the first volume
   * and, with `allVolumes`, the other volumes of a 4-D file (an echo series).
   */
  readVolumes(name: string, bytes: ArrayBuffer, allVolumes: boolean): Promise<{ read: NiftiRead; more: Volume[] }> {
    const { done } = this.job((id) => ({ type: 'read', jobId: id, name, bytes, allVolumes }));
    return done.then((m) => {
      const r = m as Extract<FromCompute, { type: 'read' }>;
      return { read: r.read, more: r.more ?? [] };
    });
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

  /** The closed-form L2 L-curve of `field` (ppm), for choosing its lambda; cancellable by jobId. */
  lCurve(field: Volume, b0Dir: Vec3, mask: Volume | undefined, onProgress?: Progress) {
    const { jobId, done } = this.job(
      (id) => ({ type: 'lcurve', jobId: id, field: copyVolume(field), b0Dir, mask: mask && copyVolume(mask) }),
      onProgress,
    );
    return { jobId, result: done.then((m) => (m as Extract<FromCompute, { type: 'lcurve' }>).curve as LCurve) };
  }

  /** A network's output made consistent with the field (ppm): the masked form, or the closed form (fixed lambda or rule). */
  dataConsistency(field: Volume, chiNet: Volume, b0Dir: Vec3, mask: Volume | undefined, how: { form?: 'masked' | 'closed'; lambda?: number; rule?: LambdaRule }, onProgress?: Progress) {
    const { jobId, done } = this.job(
      (id) => ({ type: 'dc', jobId: id, field: copyVolume(field), chiNet: copyVolume(chiNet), b0Dir, mask: mask && copyVolume(mask), ...how }),
      onProgress,
    );
    return { jobId, result: done.then((m) => m as Extract<FromCompute, { type: 'dc' }>) };
  }

  /** Scanner phase -> local field with every intermediate; cancellable by jobId. */
  localField(request: FieldRequest, onProgress?: Progress) {
    const copy = { ...request, phases: request.phases.map(copyVolume), magnitudes: request.magnitudes.map(copyVolume), mask: request.mask && copyVolume(request.mask) };
    const { jobId, done } = this.job((id) => ({ type: 'field', jobId: id, request: copy }), onProgress);
    return { jobId, result: done.then((m) => (m as Extract<FromCompute, { type: 'field' }>).outputs) };
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
    this.rpc.terminate();
  }
}
