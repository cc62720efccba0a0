// A sandbox started on a data directory that already holds functions starts spare hosts for their
// runtime and memory size in the background, so their first calls after the restart skip the
// interpreter's start: the pid that serves the first call was running before the call.
import { afterEach, describe, expect, it } from 'vitest';

import { startSandbox } from '../../src/sandbox/index.js';
import { alive, hostChildren, spareStarted } from './executor-support.js';
import { sdkClient, tempDir } from './sandbox-support.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.skipIf(process.platform !== 'linux')('a sandbox restarted with stored functions', () => {
  it('has a spare Node.js host ready for them before any call, and ends it when it closes', async () => {
    const { dir, remove } = await tempDir('fcw-startup-spares-');
    cleanups.push(remove);
    const first = await startSandbox({ dataDir: dir });
    const JSZip = (await import('jszip')).default;
    const zip = await new JSZip()
      .file('index.js', 'exports.handler = (e, c, cb) => cb(null, String(process.pid));\n')
      .generateAsync({ type: 'nodebuffer' });
    const client = sdkClient(first);
    await client.createService('kept');
    await client.createFunction('kept', {
      functionName: 'pid',
      runtime: 'nodejs20',
      handler: 'index.handler',
      memorySize: 256,
      code: { zipFile: zip.toString('base64') },
    });
    await first.close();
    expect(hostChildren('node-host.cjs')).toEqual([]);

    const second = await startSandbox({ dataDir: dir });
    cleanups.push(() => second.close());
    const before = await spareStarted('node-host.cjs');
    const answer = await sdkClient(second).invokeFunction('kept', 'pid', '');
    expect(before).toContain(Number(String(answer.data)));
    await second.close();
    expect(before.filter(alive)).toEqual([]);
  });
});
