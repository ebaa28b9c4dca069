/**
 * The workbench's examples rebuilt in the Node test process from the same seeds (and, for the brain, the same
 * bundled anatomy file the browser fetches), so a test can check what the page shows voxel by voxel.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { anatomyFromVolume } from '../src/core/anatomy';
import { anatomyPhantom } from '../src/core/anatomyPhantom';
import { buildExample, isAnatomyRequest, type ExampleRequest } from '../src/core/phantomExample';
import type { Volume } from '../src/core/volume';
import { readNifti } from '../src/io/readNifti';

export const ANATOMY_FILE = path.resolve('public/example/fs_anatomy_labels.nii.gz');

export function bundledAnatomy() {
  return anatomyFromVolume(readNifti(new Uint8Array(readFileSync(ANATOMY_FILE)), ANATOMY_FILE).volume);
}

/** The ground truth chi of example `o` as the worker builds it. */
export function exampleTruth(o: ExampleRequest): Volume {
  if (!isAnatomyRequest(o)) return buildExample(o).groundTruth;
  return anatomyPhantom(bundledAnatomy(), { voxelSize: o.voxelSize, tiltDeg: o.tiltDeg, seed: o.seed, lesions: o.lesions, slabMm: o.slabMm }).chi;
}
