/**
 * The tiny adaptive fixture (random weights and their PyTorch output, src/model/__fixtures__/tiny-adaptive) served in
 * place of a deployed model and as the parity page's data, for the specs that run the real inference worker against
 * PyTorch (model-parity.spec.ts, wasm-threads.spec.ts).
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const fixture = path.resolve('src/model/__fixtures__/tiny-adaptive');

export async function routeParityFixture(page: Page) {
  for (const prefix of ['/models/adaptive-unet/', '/fixture/'])
    await page.route(`**${prefix}*`, (route) => {
      const name = new URL(route.request().url()).pathname.slice(prefix.length);
      // same-origin CORP: the page is cross-origin isolated (COEP), and fulfilled responses carry no headers of their own
      route.fulfill({ body: readFileSync(path.join(fixture, name)), headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
    });
}
