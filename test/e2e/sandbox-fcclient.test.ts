// fcw's own client (src/fc/client.ts) against the sandbox: the pair the wizard and `fcw deploy
// --target local` rely on. Paging, the streamed zip body with its checksum, etag/If-Match, and
// the typed errors, end to end.
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FcClient } from '../../src/fc/client.js';
import { FcApiError } from '../../src/fc/errors.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { tempDir } from './sandbox-support.js';

let sandbox: RunningSandbox;
let removeDir: () => Promise<void>;
let client: FcClient;

beforeAll(async () => {
  const { dir, remove } = await tempDir();
  removeDir = remove;
  sandbox = await startSandbox({ dataDir: dir });
  client = new FcClient({
    endpoint: sandbox.url,
    accountId: sandbox.accountId,
    credentials: sandbox.credentials,
    retries: 0,
    env: {},
  });
});

afterAll(async () => {
  await sandbox.close();
  await removeDir();
});

async function zipOf(text: string): Promise<Uint8Array> {
  const z = new JSZip();
  z.file('index.js', text);
  return z.generateAsync({ type: 'uint8array' });
}

describe('FcClient against the sandbox', () => {
  it('lists every service across pages', async () => {
    for (let i = 0; i < 45; i++) await client.createService({ serviceName: `c-${String(i).padStart(2, '0')}` });
    const all = await client.listServices({ limit: 20 });
    expect(all.data.map((s) => s.serviceName)).toEqual(
      Array.from({ length: 45 }, (_, i) => `c-${String(i).padStart(2, '0')}`),
    );
  });

  it('creates with a zip, reads back checksum and etag, updates under If-Match, refuses a stale one, deletes', async () => {
    await client.createService({ serviceName: 'fcw' });
    const zip = await zipOf('exports.handler = (e, c, cb) => cb(null, 1);\n');
    const checksum = crc64(zip);
    const created = await client.createFunction(
      'fcw',
      { functionName: 'fn', runtime: 'nodejs18', handler: 'index.handler' },
      { kind: 'zip', zip, checksum },
    );
    expect(created.data).toMatchObject({ codeChecksum: checksum, codeSize: zip.length });
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const got = await client.getFunction('fcw', 'fn');
    expect(got.etag).toBeTruthy();
    const zip2 = await zipOf('exports.handler = (e, c, cb) => cb(null, 2);\n');
    const updated = await client.updateFunction(
      'fcw',
      'fn',
      { memorySize: 512 },
      { kind: 'zip', zip: zip2, checksum: crc64(zip2) },
      { ifMatch: got.etag },
    );
    expect(updated.data).toMatchObject({ memorySize: 512, codeChecksum: crc64(zip2) });

    const stale = await client
      .updateFunction('fcw', 'fn', { timeout: 10 }, undefined, { ifMatch: got.etag })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(FcApiError);
    expect((stale as FcApiError).status).toBe(412);

    const wrongSum = await client
      .updateFunction('fcw', 'fn', {}, { kind: 'zip', zip: zip2, checksum: '1' })
      .catch((e: unknown) => e);
    expect(wrongSum).toBeInstanceOf(FcApiError);
    expect((wrongSum as FcApiError).message).toContain(crc64(zip2));

    const functions = await client.listFunctions('fcw');
    expect(functions.data.map((f) => f.functionName)).toEqual(['fn']);
    await client.deleteFunction('fcw', 'fn');
    const gone = await client.getFunction('fcw', 'fn').catch((e: unknown) => e);
    expect((gone as FcApiError).code).toBe('FunctionNotFound');
  });

  it('gets FunctionAlreadyExists and ServiceNotFound as typed errors with hints', async () => {
    await client.createService({ serviceName: 'dups' });
    const zip = await zipOf('x');
    await client.createFunction(
      'dups',
      { functionName: 'a', runtime: 'nodejs18', handler: 'index.handler' },
      { kind: 'zip', zip, checksum: crc64(zip) },
    );
    const dup = await client
      .createFunction(
        'dups',
        { functionName: 'a', runtime: 'nodejs18', handler: 'index.handler' },
        { kind: 'zip', zip, checksum: crc64(zip) },
      )
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ status: 409, code: 'FunctionAlreadyExists' });
    expect((dup as FcApiError).hint).toBeTruthy();
    const missing = await client.getService('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'ServiceNotFound' });
  });
});
