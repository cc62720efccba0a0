// Bundles fcw into dist/ with esbuild. Why a bundle: start-up is module loading (docs/terminal-notes.md, 7):
// Ink + React unbundled take ~0.7 s to resolve and compile; one bundle with code splitting loads
// in a fraction of that, and paths that draw nothing (--version, --help, --json) never load the
// chunk that holds Ink, because main() imports the UI lazily.
import { build } from 'esbuild';
import { mkdir, rm, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const result = await build({
  metafile: true,
  // Written in memory, then put in place file by file with rename: dist/ is never empty or half
  // written, so a test that spawns dist/cli.js while someone rebuilds still runs a whole build.
  write: false,
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
  // Less to parse at start-up; identifiers are kept so stack traces and Function#toString stay readable
  // (the packager's worker is built from its functions' source).
  minifyWhitespace: true,
  minifySyntax: true,
  define: {
    'process.env.NODE_ENV': '"production"',
    __FCW_VERSION__: JSON.stringify(pkg.version),
  },
  // ink imports react-devtools-core only when DEV is set; it is not installed, so stub it.
  alias: { 'react-devtools-core': './scripts/empty-module.mjs' },
  // CommonJS dependencies (jszip, conf) call require() for Node built-ins; give ESM a require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __fcwCreateRequire } from 'node:module';\nconst require = __fcwCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const distDir = path.resolve('dist');
const fresh = new Set();
for (const file of result.outputFiles) {
  await mkdir(path.dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, file.contents, { mode: file.path.endsWith(`${path.sep}cli.js`) ? 0o755 : 0o644 });
  await rename(temp, file.path);
  fresh.add(file.path);
}
// The runtime hosts the sandbox starts as child processes (a Node.js script and a Python one) are
// files run by their interpreter, not part of the bundle: copied as they are.
const hostsSource = path.resolve('src/sandbox/runtime/hosts');
for (const name of await readdir(hostsSource)) {
  const target = path.join(distDir, 'runtime-hosts', name);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, await readFile(path.join(hostsSource, name)), { mode: 0o644 });
  await rename(temp, target);
  fresh.add(target);
}
// Chunk names carry a content hash, so old chunks pile up: remove those no build wrote in the last
// five minutes (a process started from the previous build may still import one lazily).
const staleBefore = Date.now() - 5 * 60_000;
for (const entry of await readdir(distDir, { recursive: true, withFileTypes: true })) {
  const full = path.join(entry.parentPath ?? entry.path, entry.name);
  if (!entry.isFile() || fresh.has(full) || !/\.(js|tmp)$/.test(full)) continue;
  if ((await stat(full)).mtimeMs < staleBefore) await rm(full, { force: true });
}
// The import graph, so a test can prove that --version and --help load no Ink (test/cli/startup-graph).
await writeFile(new URL('../dist/meta.json', import.meta.url), JSON.stringify(result.metafile));
