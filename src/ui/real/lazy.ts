// Loaded on first use, not before the first frame: together these pull in conf (with ajv), yaml,
// jszip, ignore and the sandbox, about half of the wizard's code, and the target screen needs
// none of them to draw (bench:startup's first-frame figure). esbuild keeps each a lazy chunk.
export const load = {
  deploy: () => import('../../deploy/run.js'),
  target: () => import('../../deploy/target.js'),
  packager: () => import('../../package/index.js'),
  credentials: () => import('../../profiles/credentials.js'),
  store: () => import('../../profiles/store.js'),
  sandbox: () => import('../../sandbox/index.js'),
  invoke: () => import('../../invoke/run.js'),
};
