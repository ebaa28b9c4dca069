/**
 * Finding what `qsm bids` can reconstruct in a BIDS dataset: per subject, session and acquisition, either an
 * existing local field map (`*_localfield.nii[.gz]`, optional `*_mask` / `*_desc-brain_mask`) or multi-echo phase and
 * magnitude (`*_echo-N_part-phase_<suffix>` / `*_part-mag_*`). Files of one acquisition share every entity but
 * echo, part and desc; anything else in anat/ (T1w, ...) is ignored. Only names are read here, no image.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** `sub-01_ses-1_echo-2_part-phase_MEGRE.nii.gz` split into its parts; undefined when it is not a BIDS NIfTI name. */
export interface BidsName {
  /** [key, value] in file order */
  entities: [string, string][];
  suffix: string;
  extension: string;
}

const NAME = /^((?:[a-zA-Z]+-[a-zA-Z0-9]+_)+)([a-zA-Z0-9]+)(\.nii(?:\.gz)?)$/;

export function parseBidsName(file: string): BidsName | undefined {
  const m = NAME.exec(file);
  if (!m) return undefined;
  const entities = m[1]
    .slice(0, -1)
    .split('_')
    .map((kv) => {
      const dash = kv.indexOf('-');
      return [kv.slice(0, dash), kv.slice(dash + 1)] as [string, string];
    });
  if (entities[0][0] !== 'sub') return undefined;
  return { entities, suffix: m[2], extension: m[3] };
}

export function entity(name: BidsName, key: string): string | undefined {
  return name.entities.find(([k]) => k === key)?.[1];
}

/** Entities that tell files of one acquisition apart and are dropped from its key (and from output names). */
const PER_FILE = new Set(['echo', 'part', 'desc']);

export interface Echo {
  /** echo number (1 when the file has no echo entity) */
  echo: number;
  phase?: string;
  magnitude?: string;
}

export interface Acquisition {
  subject: string;
  session?: string;
  /** the acquisition's entities without echo/part/desc, e.g. `sub-01_ses-1_run-1`: the stem of every output */
  key: string;
  /** the folder its files are in, relative to the dataset (e.g. `sub-01/ses-1/anat`) */
  folder: string;
  localField?: string;
  mask?: string;
  /** sorted by echo number; empty when there is no raw phase */
  echoes: Echo[];
  /** suffix of the raw phase files (MEGRE, T2starw, ...) */
  rawSuffix?: string;
  /** problems found from the names alone (duplicates, mixed suffixes); the acquisition fails with them */
  problems: string[];
}

export interface SubjectFound {
  subject: string;
  acquisitions: Acquisition[];
  /** why nothing was found, when acquisitions is empty */
  problem?: string;
  /** the subject lacks the sessions asked for: left out, not a failure */
  skipped?: boolean;
}

const label = (s: string, prefix: string) => (s.startsWith(`${prefix}-`) ? s.slice(prefix.length + 1) : s);

/** `sub-01` or `01` -> `01` (BIDS Apps accept both). */
export const participantLabel = (s: string) => label(s, 'sub');
export const sessionLabel = (s: string) => label(s, 'ses');

function dirs(path: string, prefix: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path)
    .filter((n) => n.startsWith(`${prefix}-`) && statSync(join(path, n)).isDirectory())
    .map((n) => n.slice(prefix.length + 1))
    .sort();
}

export function listSubjects(bidsDir: string): string[] {
  return dirs(bidsDir, 'sub');
}

export interface DiscoverOptions {
  /** session labels to keep (all when empty) */
  sessions?: string[];
}

/** The acquisitions of one subject. */
export function discoverSubject(bidsDir: string, subject: string, o: DiscoverOptions = {}): SubjectFound {
  const subDir = join(bidsDir, `sub-${subject}`);
  if (!existsSync(subDir)) return { subject, acquisitions: [], problem: `sub-${subject} is not in ${bidsDir}` };
  const sessions = dirs(subDir, 'ses');
  const wanted = o.sessions?.length ? o.sessions : undefined;
  const anatDirs: { session?: string; dir: string }[] = [];
  if (sessions.length === 0) {
    if (wanted) return { subject, acquisitions: [], skipped: true, problem: `no sessions (asked for ses-${wanted.join(', ses-')})` };
    anatDirs.push({ dir: join(subDir, 'anat') });
  } else {
    const kept = wanted ? sessions.filter((s) => wanted.includes(s)) : sessions;
    if (kept.length === 0) return { subject, acquisitions: [], skipped: true, problem: `no session ${wanted!.map((s) => `ses-${s}`).join(' or ')} (it has ses-${sessions.join(', ses-')})` };
    for (const session of kept) anatDirs.push({ session, dir: join(subDir, `ses-${session}`, 'anat') });
  }
  const acquisitions: Acquisition[] = [];
  for (const { session, dir } of anatDirs) acquisitions.push(...discoverFolder(bidsDir, dir, subject, session));
  if (acquisitions.length === 0) {
    const where = anatDirs.map((a) => relative(bidsDir, a.dir)).join(', ');
    return { subject, acquisitions, problem: `no *_localfield.nii[.gz] and no *_part-phase_* images in ${where}` };
  }
  return { subject, acquisitions };
}

function discoverFolder(bidsDir: string, dir: string, subject: string, session: string | undefined): Acquisition[] {
  if (!existsSync(dir)) return [];
  const byKey = new Map<string, Acquisition & { echoMap: Map<number, Echo>; masks: string[] }>();
  const get = (key: string) => {
    let a = byKey.get(key);
    if (!a) byKey.set(key, (a = { subject, session, key, folder: relative(bidsDir, dir), echoes: [], problems: [], echoMap: new Map(), masks: [] }));
    return a;
  };
  for (const file of readdirSync(dir).sort()) {
    const name = parseBidsName(file);
    if (!name || entity(name, 'sub') !== subject) continue;
    const key = name.entities.filter(([k]) => !PER_FILE.has(k)).map(([k, v]) => `${k}-${v}`).join('_');
    const path = join(dir, file);
    const part = entity(name, 'part');
    if (name.suffix === 'localfield') {
      const a = get(key);
      if (a.localField) a.problems.push(`two local field maps: ${file} and ${relative(dir, a.localField)}`);
      else a.localField = path;
    } else if (name.suffix === 'mask') {
      const desc = entity(name, 'desc');
      if (desc === undefined || desc === 'brain') get(key).masks.push(path);
    } else if (part === 'phase' || part === 'mag') {
      const a = get(key);
      if (a.rawSuffix !== undefined && a.rawSuffix !== name.suffix) {
        a.problems.push(`phase/magnitude with two suffixes (${a.rawSuffix} and ${name.suffix}): give each its own acq- label`);
      }
      a.rawSuffix ??= name.suffix;
      const echoText = entity(name, 'echo') ?? '1';
      const n = Number(echoText);
      if (!Number.isInteger(n) || n < 1) {
        a.problems.push(`${file}: echo-${echoText} is not an echo number`);
        continue;
      }
      let e = a.echoMap.get(n);
      if (!e) a.echoMap.set(n, (e = { echo: n }));
      const role = part === 'phase' ? 'phase' : 'magnitude';
      if (e[role]) a.problems.push(`two ${role} images for echo ${n}: ${file} and ${relative(dir, e[role]!)}`);
      else e[role] = path;
    }
  }
  const out: Acquisition[] = [];
  for (const { echoMap, masks, ...a } of byKey.values()) {
    if (!a.localField && echoMap.size === 0) continue; // a mask alone is nothing to reconstruct
    if (masks.length > 1) a.problems.push(`more than one mask: ${masks.map((m) => relative(dir, m)).join(', ')}`);
    a.mask = masks[0];
    a.echoes = [...echoMap.values()].sort((x, y) => x.echo - y.echo);
    out.push(a);
  }
  return out;
}
