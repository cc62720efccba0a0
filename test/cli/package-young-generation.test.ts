// Packaging keeps V8's young generation from growing (src/package/young-generation.ts): measured on
// the built bin, through a preload that records the main thread's largest new space. Without the
// guard, this tree's 3,000 entries grew it to 16-32 MB; with it, it stays at its starting 1-2 MB.
// The compressing worker threads matter: each one's start puts V8's growth factor back to 2.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTree, tempDir, text } from '../fixtures/package/tree.js';
import { runFcw } from '../helpers/run-fcw.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

// Runs in the fcw process (and, through NODE_OPTIONS, in its worker threads, where it does nothing).
const PRELOAD = `
const v8 = require('node:v8');
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  let max = 0;
  const sample = () => {
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    max = Math.max(max, space.space_size);
  };
  setInterval(sample, 2).unref();
  process.on('exit', () => {
    sample();
    require('node:fs').writeFileSync(process.env.FCW_TEST_NEW_SPACE_FILE, String(max));
  });
}
`;

describe('fcw package: the young generation', () => {
  it('does not grow while a 3,000-file tree is packaged through worker threads', async () => {
    const spec: Record<string, Buffer> = {};
    for (let i = 0; i < 3000; i++) spec[`d${i % 50}/e${i % 7}/f${i}.js`] = text(200 + ((i * 37) % 6000), i + 1);
    const tree = makeTree(path.join(dir, 'tree'), spec);
    const preload = path.join(dir, 'preload.cjs');
    writeFileSync(preload, PRELOAD);
    const result = path.join(dir, 'new-space');
    const env = {
      NODE_OPTIONS: `--require ${preload}`,
      FCW_TEST_NEW_SPACE_FILE: result,
      FCW_CONFIG_DIR: path.join(dir, 'cfg'),
    };
    const run = await runFcw(['package', tree, '--out', path.join(dir, 'out.zip'), '--json'], {
      env,
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const maxNewSpaceMb = Number(readFileSync(result, 'utf8')) / (1024 * 1024);
    // V8 doubles the semi-spaces (1 MB each at start): 16 MB or more means it grew at least thrice.
    expect(maxNewSpaceMb).toBeLessThanOrEqual(8);
  }, 180_000);
});
