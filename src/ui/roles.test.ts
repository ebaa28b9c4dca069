import { describe, expect, it } from 'vitest';
import { echoOf, guessRole, guessRoles, NIFTI_ROLES, ROLE_LABELS } from './roles';

describe('guessRole', () => {
  it.each([
    ['sub-01_Chimap.nii.gz', 'reference'],
    ['sub-01_mask.nii', 'mask'],
    ['sub-01_part-mag_magnitude.nii.gz', 'magnitude'],
    ['sub-01_part-phase_phase.nii.gz', 'phase'],
    ['sub-01_echo-2_part-phase_MEGRE.nii.gz', 'phase'],
    ['sub-01_echo-2_part-mag_MEGRE.nii.gz', 'magnitude'],
    ['sub-01_phase.nii.gz', 'phase'],
    ['gre_ph_e1.nii', 'phase'],
    ['local_field_from_phase.nii.gz', 'field'],
    ['sub-01_phase.json', 'sidecar'],
    ['brain_mask_eroded.nii.gz', 'mask'],
    ['cosmos_ref.nii', 'reference'],
    ['chi_33.nii.gz', 'reference'],
    ['local_field.nii.gz', 'field'],
  ])('%s -> %s', (name, role) => expect(guessRole(name)).toBe(role));

  // issue 15: a reference by any of its usual names, not "Field map for COSMOS"
  it.each([
    'subj_reference.nii.gz',
    'subj_ref.nii.gz',
    'ref.nii',
    'sub-01_truth.nii.gz',
    'ground_truth.nii',
    'groundtruth.nii.gz',
    'GroundTruth_chi.nii.gz',
    'subj_gt.nii.gz',
    'gt.nii',
    'sub-01_ses-1_Chimap.nii.gz',
    'sub-01_desc-cosmos_Chimap.nii.gz',
    '/data/subj-2/Reference.NII.GZ',
  ])('%s -> reference', (name) => expect(guessRole(name)).toBe('reference'));

  it('takes short reference words only as whole words', () => {
    expect(guessRole('prefrontal_field.nii')).toBe('field');
    expect(guessRole('target.nii.gz')).toBe('unassigned');
    expect(guessRole('image.nii')).toBe('unassigned');
  });

  it('leaves a name it does not recognise unassigned instead of guessing a field', () => {
    for (const name of ['whatever.nii', 'subject01.nii.gz', 'scan_003.nii', 'image.nii']) expect(guessRole(name)).toBe('unassigned');
  });

  it('offers no "unassigned" choice: it is a prompt, not a role', () => {
    expect(NIFTI_ROLES).not.toContain('unassigned');
    expect(ROLE_LABELS.unassigned).toMatch(/choose a role/i);
  });
});

describe('guessRoles', () => {
  it('turns a second field into a COSMOS orientation', () => {
    expect(guessRoles(['a_field.nii', 'b_field.nii', 'mask.nii'], false)).toEqual(['field', 'cosmos-field', 'mask']);
    expect(guessRoles(['c_field.nii'], true)).toEqual(['cosmos-field']);
  });

  it('the 160^3 case of issue 15: field, mask and reference, none of them a COSMOS field', () => {
    expect(guessRoles(['subj_field.nii.gz', 'subj_mask.nii.gz', 'subj_reference.nii.gz'], false)).toEqual(['field', 'mask', 'reference']);
  });

  it('an unknown name neither becomes the field nor a COSMOS orientation', () => {
    expect(guessRoles(['scan1.nii', 'scan2.nii'], false)).toEqual(['unassigned', 'unassigned']);
    expect(guessRoles(['scan1.nii', 'local_field.nii'], false)).toEqual(['unassigned', 'field']);
  });
});

describe('echoOf', () => {
  it.each([
    ['sub-01_echo-3_part-phase_MEGRE.nii.gz', 3],
    ['gre_ph_e2.nii', 2],
    ['mag_echo4.nii.gz', 4],
    ['phase.nii.gz', undefined],
    ['sub-01_T1w.nii', undefined],
  ])('%s -> %s', (name, echo) => expect(echoOf(name)).toBe(echo));
});
