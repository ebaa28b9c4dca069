import { describe, expect, it } from 'vitest';
import { checkSameGrid } from './checkSameGrid';
import { diagonalAffine, type Vec3 } from '../core/volume';

const grid = (dims: Vec3, affine = diagonalAffine([1, 1, 1])) => ({ dims, affine });

describe('checkSameGrid', () => {
  it('accepts identical grids and differences below 1e-3 mm', () => {
    const a = grid([4, 5, 6]);
    const b = grid([4, 5, 6], a.affine.map((x, i) => (i === 3 ? x + 5e-4 : x)));
    expect(() => checkSameGrid(a, b, 'field.nii', 'mask.nii')).not.toThrow();
  });
  it('names both files when dims differ', () => {
    expect(() => checkSameGrid(grid([4, 5, 6]), grid([4, 5, 7]), 'field.nii', 'mask.nii')).toThrow(
      'mask.nii is 4x5x7 but field.nii is 4x5x6: they must be on the same voxel grid',
    );
  });
  it('refuses a shifted affine with the size of the shift', () => {
    const shifted = diagonalAffine([1, 1, 1]);
    shifted[7] = 0.5;
    expect(() => checkSameGrid(grid([4, 5, 6]), grid([4, 5, 6], shifted), 'field.nii', 'ref.nii')).toThrow(/different voxel-to-world affines \(max difference 0\.500 mm\)/);
  });
  it('refuses NaN in an affine', () => {
    const bad = diagonalAffine([1, 1, 1]);
    bad[0] = NaN;
    expect(() => checkSameGrid(grid([2, 2, 2]), grid([2, 2, 2], bad), 'a', 'b')).toThrow(/different voxel-to-world affines/);
  });
});
