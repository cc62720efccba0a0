// Bundles fcw into dist/ with esbuild. Why a bundle: start-up is module loading (ink-notes.md §10):
// Ink + React unbundled take ~0.7 s to resolve and compile; one bundle with code splitting loads
// in a fraction of that, and paths that draw nothing (--version, --help, --json) never load the
// chunk that holds Ink, because main() imports the UI lazily.
import { build } from 'esbuild';
import { rm, chmod, readFile, writeFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
await rm(new URL('../../dist', import.meta.url), { recursive: true, force: true });
const result = await build({
  metafile: true,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  legalComments: 'none',
  define: {
    'process.env.NODE_ENV': '"production"',
    __FCW_VERSION__: JSON.stringify(pkg.version),
  },
  // ink imports react-devtools-core only when DEV is set; it is not installed, so stub it.
  alias: { 'react-devtools-core': './src/build/empty-module.mjs' },
  // CommonJS dependencies (jszip, fast-glob) call require() for Node built-ins; give ESM a require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __fcwCreateRequire } from 'node:module';\nconst require = __fcwCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// The import graph, so a test can prove that --version and --help load no Ink (test/cli/startup-graph).
await writeFile(new URL('../../dist/meta.json', import.meta.url), JSON.stringify(result.metafile));
await chmod(new URL('../../dist/cli.js', import.meta.url), 0o755);
