/**
 * What each loaded file is for, guessed from its name (BIDS suffixes first, then plain words) and always shown
 * to the user, who can change it: a wrong guess must be visible, never silent.
 */
export type Role = 'field' | 'cosmos-field' | 'mask' | 'magnitude' | 'reference' | 'sidecar' | 'ignore';

export const ROLE_LABELS: Record<Role, string> = {
  field: 'Local field map (input)',
  'cosmos-field': 'Field map for COSMOS',
  mask: 'Brain mask',
  magnitude: 'Magnitude',
  reference: 'Reference (COSMOS / ground truth)',
  sidecar: 'BIDS JSON sidecar',
  ignore: 'Ignore',
};

export const NIFTI_ROLES: Role[] = ['field', 'cosmos-field', 'mask', 'magnitude', 'reference', 'ignore'];

/** File name without directories and without .nii / .nii.gz / .json. */
export function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.nii(\.gz)?$/i, '').replace(/\.json$/i, '');
}

export function guessRole(file: string): Role {
  if (/\.json$/i.test(file)) return 'sidecar';
  const base = baseName(file).toLowerCase();
  const suffix = base.split('_').pop() ?? base;
  // BIDS suffixes (qMRI / QSM derivatives) decide when present
  const bids: Record<string, Role> = {
    chimap: 'reference', mask: 'mask', brainmask: 'mask', magnitude: 'magnitude', mag: 'magnitude',
    t2starw: 'magnitude', phase: 'field', fieldmap: 'field', localfield: 'field', field: 'field',
  };
  if (bids[suffix]) return bids[suffix];
  if (/mask/.test(base)) return 'mask';
  if (/cosmos|chi|qsm|susc|ground.?truth|\bgt\b/.test(base)) return 'reference';
  if (/mag/.test(base)) return 'magnitude';
  if (/field|phase|freq|tissue|lfs|local/.test(base)) return 'field';
  return 'field';
}

/** Roles for a batch: a second and later file that would be the input field becomes a COSMOS orientation. */
export function guessRoles(files: string[], fieldTaken: boolean): Role[] {
  let haveField = fieldTaken;
  return files.map((f) => {
    const r = guessRole(f);
    if (r !== 'field') return r;
    if (haveField) return 'cosmos-field';
    haveField = true;
    return r;
  });
}
