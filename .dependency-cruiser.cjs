// The dependency direction of ../shared/DESIGN.md, enforced:
// ui -> worker -> model -> core; io -> core; cli -> model, io, core. core imports nothing of ours.
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'core-is-pure', severity: 'error', comment: 'core imports nothing of ours and no tfjs/DOM libraries',
      from: { path: layer('core') }, to: { path: '^src/(?!core/)|@tensorflow|@niivue|react' } },
    { name: 'io-only-core', severity: 'error', from: { path: layer('io') }, to: { path: '^src/(model|worker|ui|cli)/|@tensorflow|@niivue|react' } },
    { name: 'model-only-core', severity: 'error', from: { path: layer('model') }, to: { path: '^src/(io|worker|ui|cli)/|@niivue|react' } },
    { name: 'worker-below-ui', severity: 'error', from: { path: layer('worker') }, to: { path: '^src/(ui|cli)/|@niivue|react' } },
    { name: 'ui-through-worker', severity: 'error', comment: 'the UI reaches models only through the worker protocol',
      from: { path: layer('ui') }, to: { path: '^src/(model|cli)/|@tensorflow' } },
    { name: 'cli-not-ui', severity: 'error', from: { path: layer('cli') }, to: { path: '^src/(ui|worker)/|@niivue|react' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
