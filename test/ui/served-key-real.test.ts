// The wizard's real target services against a real sandbox started with its own data directory
// (as `fcw serve --data DIR` is): the endpoint check finds the key in DIR/credentials.json by the
// id GET /sandbox-info names, and a connection signed with it is accepted.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createRealServices } from '../../src/ui/real-services.js';

let dir: string;
let sandboxes: RunningSandbox[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-served-key-'));
});
afterEach(async () => {
  for (const s of sandboxes) await s.close();
  sandboxes = [];
  await fs.rm(dir, { recursive: true, force: true });
});

describe('real services: fcw serve with a separate data directory', () => {
  it('probeEndpoint offers the key of that data directory, labelled with its file; it connects', async () => {
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    // The config dir's own sandbox key exists too, with another id.
    const configDirSandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'config', 'sandbox') });
    const served = await startSandbox({ port: 0, dataDir: path.join(dir, 'elsewhere') });
    sandboxes.push(configDirSandbox, served);
    expect(configDirSandbox.credentials.accessKeyId).not.toBe(served.credentials.accessKeyId);
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const services = createRealServices(io);

    const probe = await services.probeEndpoint(served.url);
    expect(probe.reachable).toBe(true);
    if (!probe.reachable) return;
    const keyFile = path.join(dir, 'elsewhere', 'credentials.json');
    expect(probe.sandbox).toMatchObject({ accountId: served.accountId, accessKeyId: served.credentials.accessKeyId });
    const key = probe.sandbox?.key;
    expect(key?.source).toBe(`the local sandbox's own key (${keyFile})`);
    expect(key?.source).not.toContain(served.credentials.accessKeySecret);
    expect(key?.sandbox).toBe(true);
    expect(key?.credentials).toEqual(served.credentials);

    const connection = services.connectEndpoint({
      endpoint: served.url,
      accountId: served.accountId,
      credentials: key!.credentials,
      source: key!.source,
      ref: key!.ref,
    });
    expect(await connection.listServices()).toEqual([]);
    await connection.close();

    // The sandbox of the config dir is found there as before.
    const own = await services.probeEndpoint(configDirSandbox.url);
    expect(own.reachable && own.sandbox?.key?.credentials).toEqual(configDirSandbox.credentials);
  });

  it('probeEndpoint, when no key file here has the id fcw serve takes: no key, the files looked in, ids masked', async () => {
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    const configDirSandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'config', 'sandbox') });
    const served = await startSandbox({ port: 0, dataDir: path.join(dir, 'elsewhere') });
    sandboxes.push(configDirSandbox, served);
    // The running sandbox keeps its key in memory; the file is gone (another user's, another machine's).
    const keyFile = path.join(dir, 'elsewhere', 'credentials.json');
    await fs.rm(keyFile);
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const probe = await createRealServices(io).probeEndpoint(served.url);
    expect(probe.reachable).toBe(true);
    if (!probe.reachable) return;
    expect(probe.sandbox?.accessKeyId).toBe(served.credentials.accessKeyId);
    expect(probe.sandbox?.key).toBeUndefined();
    const own = configDirSandbox.credentials.accessKeyId;
    expect(probe.sandbox?.looked).toEqual([
      `${path.join(dir, 'config', 'sandbox', 'credentials.json')} (key id ${own.slice(0, 4)}****${own.slice(-4)})`,
      `${keyFile} (no key)`,
    ]);
  });
});
