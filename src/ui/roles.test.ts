import { describe, expect, it } from 'vitest';
import { guessRole, guessRoles } from './roles';

describe('guessRole', () => {
  it.each([
    ['sub-01_Chimap.nii.gz', 'reference'],
    ['sub-01_mask.nii', 'mask'],
    ['sub-01_part-mag_magnitude.nii.gz', 'magnitude'],
    ['sub-01_part-phase_phase.nii.gz', 'field'],
    ['sub-01_phase.json', 'sidecar'],
    ['brain_mask_eroded.nii.gz', 'mask'],
    ['cosmos_ref.nii', 'reference'],
    ['chi_33.nii.gz', 'reference'],
    ['local_field.nii.gz', 'field'],
    ['whatever.nii', 'field'],
  ])('%s -> %s', (name, role) => expect(guessRole(name)).toBe(role));

  it('turns a second field into a COSMOS orientation', () => {
    expect(guessRoles(['a_field.nii', 'b_field.nii', 'mask.nii'], false)).toEqual(['field', 'cosmos-field', 'mask']);
    expect(guessRoles(['c_field.nii'], true)).toEqual(['cosmos-field']);
  });
});
