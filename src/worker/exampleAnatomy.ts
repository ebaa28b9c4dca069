/**
 * The brain example's anatomy, fetched once from the app's own origin (public/example/, copied into the build) and
 * decoded in the worker. A missing or broken file is one clear error: the example job fails, everything else works.
 */
import { anatomyFromVolume, type Anatomy } from '../core/anatomy';
import { readNifti } from '../io/readNifti';

export const ANATOMY_PATH = 'example/fs_anatomy_labels.nii.gz';

let cached: Promise<Anatomy> | undefined;

async function fetchAnatomy(url: string, signal?: AbortSignal): Promise<Anatomy> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new Error(`the brain example's anatomy (${url}) could not be fetched: ${(e as Error)?.message ?? e}; the ellipsoid phantom needs no file`, { cause: e });
  }
  if (!res.ok) throw new Error(`the brain example's anatomy (${url}) is missing from this build (HTTP ${res.status}); the ellipsoid phantom needs no file`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return anatomyFromVolume(readNifti(bytes, 'fs_anatomy_labels.nii.gz').volume);
}

/** The decoded anatomy; a failed load is not cached, so a later try fetches again. */
export function loadAnatomy(baseUrl: string, signal?: AbortSignal): Promise<Anatomy> {
  if (!cached) {
    const url = `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${ANATOMY_PATH}`;
    cached = fetchAnatomy(url, signal);
    cached.catch(() => (cached = undefined));
  }
  return cached;
}
