/**
 * Browser benchmarks (not part of `npx playwright test`, whose testDir is e2e/): they take minutes.
 *
 *   npx playwright test --config bench/playwright.config.ts
 *
 * Own port, never an existing server: a server someone else started may serve another build.
 */
import { defineConfig } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';

const port = Number(process.env.BENCH_PORT ?? 4179);

export default defineConfig({
  testDir: '.',
  testMatch: /\.bench\.ts$/,
  timeout: 1_800_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `npx vite build && npx vite preview --host localhost --port ${port} --strictPort`,
    cwd: '..',
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 300_000,
  },
});
