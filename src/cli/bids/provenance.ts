/**
 * What a derivative records about how it was made: the software version (package.json) and, for a learned
 * method, a SHA-256 of its weights: model.json followed by every shard in manifest order, as loadModel reads them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../io/inputError';
import { modelDir } from '../learnedMethods';

export const SOFTWARE_NAME = 'qsm-workbench';

let version: string | undefined;

export function softwareVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version?: string };
    version = pkg.version ?? 'unknown';
  }
  return version;
}

export interface ModelHash {
  id: string;
  /** sha256 of model.json + shards, hex */
  sha256: string;
  /** the files hashed, in order, relative to the model folder */
  files: string[];
}

const hashes = new Map<string, ModelHash>();

/** The hash of models/<id>; an InputError naming the missing file when the weights are not there. */
export function modelHash(id: string): ModelHash {
  const cached = hashes.get(id);
  if (cached) return cached;
  const dir = modelDir(id);
  const manifestPath = join(dir, 'model.json');
  if (!existsSync(manifestPath)) throw new InputError(`model ${id} is not available: ${manifestPath} does not exist`);
  const manifest = readFileSync(manifestPath);
  let shards: string[];
  try {
    const json = JSON.parse(manifest.toString('utf8')) as { weightsManifest?: { paths: string[] }[] };
    shards = (json.weightsManifest ?? []).flatMap((g) => g.paths);
  } catch (e) {
    throw new InputError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  const h = createHash('sha256');
  h.update(manifest);
  for (const s of shards) {
    const p = join(dir, s);
    if (!existsSync(p)) throw new InputError(`model ${id}: weight shard ${p} does not exist`);
    h.update(readFileSync(p));
  }
  const out = { id, sha256: h.digest('hex'), files: ['model.json', ...shards] };
  hashes.set(id, out);
  return out;
}
