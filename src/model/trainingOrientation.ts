/**
 * A learned inversion run with the volume's voxel axes turned to the networks' training orientation (RAS+,
 * core/orientation.ts) and its answer put back on the input's grid. Exact for the physics (axes permuted and
 * reversed with the voxel size and b), and it keeps the brain the way up the networks learned it: stored as
 * sagittal slices, a held-out case went from 51 % to 99 % NRMSE without it (training/README.md, session 15).
 */
import { inversePlan, isIdentityPlan, orientationCode, rasPlan, reorientData, reorientDirection, reorientVolume } from '../core/orientation';
import type { Vec3, Volume } from '../core/volume';
import { withData } from '../core/volume';

export async function inTrainingOrientation<R extends { chi: Volume }>(
  field: Volume,
  b0Dir: Vec3,
  mask: Volume | undefined,
  run: (field: Volume, b0Dir: Vec3, mask: Volume | undefined) => Promise<R>,
): Promise<R & { storedAs: string }> {
  const plan = rasPlan(field.affine);
  const storedAs = orientationCode(field.affine);
  if (isIdentityPlan(plan)) return { ...(await run(field, b0Dir, mask)), storedAs };
  const res = await run(reorientVolume(field, plan), reorientDirection(b0Dir, plan), mask && reorientVolume(mask, plan));
  return { ...res, chi: withData(field, reorientData(res.chi.data, res.chi.dims, inversePlan(plan))), storedAs };
}
