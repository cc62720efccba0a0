// The compressing worker threads collect their garbage (the Buffers of the files they read and
// deflated) after each batch, so dead Buffers do not pile up in them; getting V8's gc function for
// that must not expose `gc` to any other script.
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectEntries } from '../../src/package/select.js';
import { WorkerQueue } from '../../src/package/worker-queue.js';
import { makeTree, tempDir, text } from '../fixtures/package/tree.js';

let cleanup: () => void;
let root: string;
beforeEach(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  const spec: Record<string, Buffer> = {};
  for (let i = 0; i < 20; i++) spec[`f${i}.js`] = text(2000 + i * 97, i + 1);
  root = makeTree(path.join(dir, 'code'), spec);
});
afterEach(() => cleanup());

describe('worker threads', () => {
  it('collect their garbage after each batch; gc stays hidden from other contexts', async () => {
    const { entries } = await selectEntries(root, { sync: true });
    const files = entries.filter((e) => e.kind === 'file');
    const queue = new WorkerQueue(files, { workers: 1 });
    queue.start();
    try {
      for (let i = 0; i < files.length; i++) expect((await queue.take(i)).size).toBe(files[i]!.size);
    } finally {
      await queue.close();
    }
    expect(queue.workersCollect).toBe(true);
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
