import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The repo's models/<id>/ folders, served at /models/ in dev and copied into the build (FORMAT.md lives outside any id). */
function serveModels(): Plugin {
  const root = path.resolve('models');
  const modelFiles = () =>
    (existsSync(root) ? readdirSync(root) : [])
      .filter((id) => existsSync(path.join(root, id, 'model.json')))
      .flatMap((id) => readdirSync(path.join(root, id)).map((f) => `${id}/${f}`));
  return {
    name: 'qsm-serve-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const file = path.join(root, decodeURIComponent((req.url ?? '').split('?')[0]));
        if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const f of modelFiles()) this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(path.join(root, f)) });
    },
  };
}

/** A package's version as installed (the UI reports it in its diagnostics and may not import tfjs itself). */
const versionOf = (packageJson: string) => {
  try {
    return String(JSON.parse(readFileSync(packageJson, 'utf8')).version);
  } catch {
    return 'unknown';
  }
};

export default defineConfig({
  plugins: [react(), serveModels()],
  define: {
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(versionOf('package.json')),
    'import.meta.env.VITE_TFJS_VERSION': JSON.stringify(versionOf('node_modules/@tensorflow/tfjs/package.json')),
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // e2e/parity.html: a bare page that drives the inference worker for e2e/model-parity.spec.ts
    rollupOptions: { input: { main: 'index.html', parity: 'e2e/parity.html' } },
  },
});
