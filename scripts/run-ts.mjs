// Runs one TypeScript file (a benchmark) under plain Node 20, which cannot strip types itself:
// esbuild bundles it (dependencies left external) into node_modules/.cache, then Node runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
const outDir = path.resolve('node_modules/.cache/fcw-run-ts');
mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, `${path.basename(entry, path.extname(entry))}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { __FCW_VERSION__: '"bench"' },
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
