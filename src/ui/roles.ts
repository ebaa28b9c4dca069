/**
 * What each loaded file is for, guessed from its name (BIDS suffixes first, then plain words) and always shown
 * to the user, who can change it: a wrong guess must be visible, never silent. A name that says nothing the
 * guess recognises is 'unassigned': the file panel asks the user to choose, and no method, metric or COSMOS
 * uses the file until they do (every consumer asks for one named role).
 */
export type Role = 'field' | 'cosmos-field' | 'mask' | 'magnitude' | 'reference' | 'sidecar' | 'ignore' | 'unassigned';

export const ROLE_LABELS: Record<Role, string> = {
  field: 'Local field map (input)',
  'cosmos-field': 'Field map for COSMOS',
  mask: 'Brain mask',
  magnitude: 'Magnitude',
  reference: 'Reference (COSMOS / ground truth)',
  sidecar: 'BIDS JSON sidecar',
  ignore: 'Ignore',
  unassigned: 'Choose a role…',
};

/** The roles a user can give a NIfTI file ('unassigned' is only where a guess failed, never a choice). */
export const NIFTI_ROLES: Role[] = ['field', 'cosmos-field', 'mask', 'magnitude', 'reference', 'ignore'];

/** File name without directories and without .nii / .nii.gz / .json. */
export function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.nii(\.gz)?$/i, '').replace(/\.json$/i, '');
}

/** BIDS suffixes (qMRI / QSM derivatives): the last `_` part of the name decides when it is one of these. */
const BIDS_SUFFIX: Record<string, Role> = {
  chimap: 'reference', mask: 'mask', brainmask: 'mask', magnitude: 'magnitude', mag: 'magnitude',
  t2starw: 'magnitude', phase: 'field', fieldmap: 'field', localfield: 'field', field: 'field',
};

/** Whole words (split at anything but letters and digits) that name a reference; short ones only as words, so "prefrontal" is no "ref". */
const REFERENCE_WORDS = new Set(['ref', 'reference', 'gt', 'truth', 'groundtruth', 'chi', 'chimap', 'cosmos', 'qsm', 'susceptibility']);
const MAGNITUDE_WORDS = new Set(['mag', 'magn', 'magnitude', 't2starw']);

export function guessRole(file: string): Role {
  if (/\.json$/i.test(file)) return 'sidecar';
  const base = baseName(file).toLowerCase();
  const suffix = base.split('_').pop() ?? base;
  if (BIDS_SUFFIX[suffix]) return BIDS_SUFFIX[suffix];
  const words = base.split(/[^a-z0-9]+/).filter(Boolean);
  const hasWord = (set: Set<string>) => words.some((w) => set.has(w));
  if (/mask/.test(base)) return 'mask';
  if (hasWord(REFERENCE_WORDS) || /reference|ground.?truth|cosmos|susc/.test(base)) return 'reference';
  if (hasWord(MAGNITUDE_WORDS) || /magnitude/.test(base)) return 'magnitude';
  if (/field|phase|freq|tissue|lfs|local/.test(base)) return 'field';
  return 'unassigned';
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
