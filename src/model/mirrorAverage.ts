/**
 * Mirror averaging: every patch goes through the net twice, as it is and mirrored along voxel x (with b_x
 * negated, core/mirror.ts); the second answer is mirrored back and the two are averaged.
 *
 * Both passes solve the same physical problem exactly, so the average is still an answer to it; the net's
 * errors in the two are partly independent and half of that part cancels. Measured on fresh phantoms of the
 * training subjects, never the held-out brains (training/README.md, session 15): adaptive-unet-tl 51.1 -> 49.7 %
 * NRMSE axial, 55.6 -> 53.7 % tilted. Voxel x is the mirror axis because the nets were fine-tuned on brains
 * whose x is left-right, the axis along which anatomy is nearly symmetric; mirrors along y or z turn the brain
 * front to back or upside down, scored 2-4 points worse alone and added nothing to the average.
 *
 * Done per patch rather than per volume so that one backend start, one weight upload and one patch pool serve
 * both passes. A net without side information cannot be told that b_x changed sign, so for it the mirror is
 * exact only when b_x = 0 (every axial acquisition, every tilt about x): otherwise it runs once.
 */
import { sideInfo } from '../core/acquisition';
import { mirrorB0X, mirrorDataX } from '../core/mirror';
import type { Vec3 } from '../core/volume';
import type { PatchNet } from './patchInference';

/** On unless asked off: two passes per patch. */
export const DEFAULT_MIRROR = true;

/** |b_x| below this (of a unit b) counts as 0 for a net that is not given b */
const EXACT_BX = 1e-6;

/** A mirror pass to run: the side information its net is built with (none for a net that is not given b). */
export interface MirrorPass { side?: number[] }

/**
 * The mirror pass for this run, or undefined for none (mirror off, or no exact mirror for this net): a net that
 * takes b gets b with b_x negated; one that does not gets a pass only when b_x = 0, where nothing changes for it.
 */
export function mirrorPass(mirror: boolean, netTakesB0: boolean, voxelSize: Vec3, b0Dir: Vec3): MirrorPass | undefined {
  if (!mirror) return undefined;
  if (netTakesB0) return { side: sideInfo({ voxelSize, b0Dir: mirrorB0X(b0Dir) }) };
  return Math.abs(b0Dir[0]) <= EXACT_BX * Math.hypot(...b0Dir) ? {} : undefined;
}

/** `plain` on each patch, averaged with `mirrored` on the patch's mirror image (mirrored back). */
export function mirrorAveragedNet(plain: PatchNet, mirrored: PatchNet): PatchNet {
  return {
    predict: async (patch: Float32Array, size: Vec3) => {
      // copied: a backend may hand back a view of memory that the next prediction reuses
      const a = (await plain.predict(patch, size)).slice();
      const b = mirrorDataX(await mirrored.predict(mirrorDataX(patch, size), size), size);
      const out = new Float32Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = 0.5 * (a[i] + b[i]);
      return out;
    },
    dispose: () => {
      plain.dispose();
      if (mirrored !== plain) mirrored.dispose();
    },
  };
}
