/**
 * Shared helpers for the workbench e2e specs: small NIfTI test data made in the Node test process with the
 * project's own core and io code, dropping files through a real drop event, and a same-origin request guard.
 */
import { expect, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forwardField } from '../src/core/forwardModel';
import { brainPhantom } from '../src/core/phantom';
import { exampleGeometry } from '../src/core/phantomGeometry';
import type { Vec3, Volume } from '../src/core/volume';
import { writeNifti } from '../src/io/writeNifti';

export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export const nii = (name: string, vol: Volume): TestFile => ({ name, mimeType: 'application/gzip', buffer: Buffer.from(writeNifti(vol, { gzip: true })) });
export const json = (name: string, obj: unknown): TestFile => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(obj)) });

/** A 32^3 phantom on a tilted grid, its field in ppm, mask, magnitude and ground truth, as a user would bring them. */
export function smallDataset(edge = 32, tiltDeg = 15) {
  const g = exampleGeometry(edge, [1.5, 1.5, 1.5], tiltDeg);
  const p = brainPhantom({ dims: g.dims, voxelSize: g.voxelSize, affine: g.affine, seed: 3 });
  const field = forwardField(p.chi, g.b0Dir);
  return { geometry: g, chi: p.chi, mask: p.mask, magnitude: p.magnitude, field };
}

/** Dispatches dragover + drop with a real DataTransfer holding `files` on the element with `testid`. */
export async function dropFiles(page: Page, testid: string, files: TestFile[]) {
  const payload = files.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') }));
  await page.evaluate(
    ({ testid, payload }) => {
      const dt = new DataTransfer();
      for (const f of payload) {
        const bin = atob(f.b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const target = document.querySelector(`[data-testid="${testid}"]`)!;
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    },
    { testid, payload },
  );
}

/** Records every request the page makes; `assertSameOrigin` fails on anything but the app's own origin. */
export function recordRequests(page: Page) {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return {
    urls,
    assertSameOrigin(origin: string) {
      const foreign = urls.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
      expect(foreign, 'requests beyond the app origin').toEqual([]);
    },
  };
}

export function gz(bytes: Uint8Array): Buffer {
  return Buffer.from(gzipSync(bytes));
}

export const unit = (b: Vec3): Vec3 => {
  const n = Math.hypot(...b);
  return [b[0] / n, b[1] / n, b[2] / n];
};

const ALL_METHODS = ['adaptive-unet', 'adaptive-unet-tl', 'unet-tl', 'tkd', 'cfl2', 'tv', 'ndi'];

/** Selects exactly `ids` (models found in the build are pre-selected by the app; a U-Net on SwiftShader is slow). */
export async function selectOnly(page: Page, ids: string[]) {
  // wait until the model check has settled, or a late answer could re-select a model
  await expect(page.locator('[data-testid^="method-info-"]', { hasText: 'checking' })).toHaveCount(0);
  for (const id of ALL_METHODS) {
    const box = page.getByTestId(`method-${id}`);
    if (ids.includes(id)) await box.check();
    else if (await box.isEnabled()) await box.uncheck();
  }
}

/**
 * Serves the tiny randomly initialised fixture network as model `id`: plumbing only (method list -> inference
 * worker -> tfjs -> result), its numbers mean nothing.
 */
export async function serveFixtureModel(page: Page, id: string) {
  const fixture = path.resolve('src/model/__fixtures__/tiny-adaptive');
  await page.route(`**/models/${id}/**`, async (route) => {
    const file = path.join(fixture, path.basename(new URL(route.request().url()).pathname));
    try {
      const body = await readFile(file);
      await route.fulfill({ status: 200, body, contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}
