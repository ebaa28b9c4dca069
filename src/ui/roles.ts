/**
 * What each loaded file is for, guessed from its name (BIDS suffixes first, then plain words) and always shown
 * to the user, who can change it: a wrong guess must be visible, never silent. A name that says nothing the
 * guess recognises is 'unassigned': the file panel asks the user to choose, and no method, metric or COSMOS
 * uses the file until they do (every consumer asks for one named role).
 */
export type Role = 'field' | 'cosmos-field' | 'phase' | 'mask' | 'magnitude' | 'reference' | 'sidecar' | 'ignore' | 'unassigned';

export const ROLE_LABELS: Record<Role, string> = {
  field: 'Local field map (input)',
  'cosmos-field': 'Field map for COSMOS',
  phase: 'Scanner phase (wrapped)',
  mask: 'Brain mask',
  magnitude: 'Magnitude',
  reference: 'Reference (COSMOS / ground truth)',
  sidecar: 'BIDS JSON sidecar',
  ignore: 'Ignore',
  unassigned: 'Choose a role…',
};

/** The roles a user can give a NIfTI file ('unassigned' is only where a guess failed, never a choice). */
export const NIFTI_ROLES: Role[] = ['field', 'cosmos-field', 'phase', 'mask', 'magnitude', 'reference', 'ignore'];

/** File name without directories and without .nii / .nii.gz / .json. */
export function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.nii(\.gz)?$/i, '').replace(/\.json$/i, '');
}

/** BIDS suffixes (qMRI / QSM derivatives): the last `_` part of the name decides when it is one of these. */
const BIDS_SUFFIX: Record<string, Role> = {
  chimap: 'reference', mask: 'mask', brainmask: 'mask', magnitude: 'magnitude', mag: 'magnitude',
  t2starw: 'magnitude', phase: 'phase', fieldmap: 'field', localfield: 'field', field: 'field',
};

/** Whole words (split at anything but letters and digits) that name a reference; short ones only as words, so "prefrontal" is no "ref". */
const REFERENCE_WORDS = new Set(['ref', 'reference', 'gt', 'truth', 'groundtruth', 'chi', 'chimap', 'cosmos', 'qsm', 'susceptibility']);
const MAGNITUDE_WORDS = new Set(['mag', 'magn', 'magnitude', 't2starw']);
const PHASE_WORDS = new Set(['ph', 'pha', 'phs']);

/** The echo a file holds, from BIDS's `_echo-N` (or a plain `echoN` / `eN` word); undefined when the name does not say. */
export function echoOf(file: string): number | undefined {
  const base = baseName(file).toLowerCase();
  const m = /(?:^|_)echo-(\d+)(?:_|$)/.exec(base) ?? /(?:^|[^a-z0-9])(?:echo|e)(\d+)(?:[^a-z0-9]|$)/.exec(base);
  return m ? Number(m[1]) : undefined;
}

export function guessRole(file: string): Role {
  if (/\.json$/i.test(file)) return 'sidecar';
  const base = baseName(file).toLowerCase();
  // BIDS's part entity (dcm2niix's multi-echo GRE: sub-01_echo-1_part-phase_MEGRE) says it before the suffix does
  const part = /(?:^|_)part-(phase|mag|real|imag)(?:_|$)/.exec(base)?.[1];
  if (part === 'phase') return 'phase';
  if (part === 'mag') return 'magnitude';
  const suffix = base.split('_').pop() ?? base;
  const bids = BIDS_SUFFIX[suffix];
  // "..._phase" that also names a field ("local_field_from_phase") is a processed field map, not scanner phase
  if (bids === 'phase' && /field|local|tissue/.test(base)) return 'field';
  if (bids) return bids;
  const words = base.split(/[^a-z0-9]+/).filter(Boolean);
  const hasWord = (set: Set<string>) => words.some((w) => set.has(w));
  if (/mask/.test(base)) return 'mask';
  if (hasWord(REFERENCE_WORDS) || /reference|ground.?truth|cosmos|susc/.test(base)) return 'reference';
  if (hasWord(MAGNITUDE_WORDS) || /magnitude/.test(base)) return 'magnitude';
  // raw scanner phase by name ("ph" / "pha" only as words); a field map that says "phase" says "field" or "local" too
  if (/field|freq|tissue|lfs|local/.test(base)) return 'field';
  if (/phase/.test(base) || hasWord(PHASE_WORDS)) return 'phase';
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
