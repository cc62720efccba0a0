// The client against the real sandbox (src/sandbox), with STS credentials: an independent JSON
// parser and signature check on the other side, a multi-slice zip whose CRC-64 the sandbox
// recomputes, paging, etags and the typed errors as the sandbox sends them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FcClient, type CodeUpload } from '../../src/fc/client.js';
import { FcApiError } from '../../src/fc/errors.js';
import { BASE64_SLICE_BYTES } from '../../src/fc/request-body.js';
import type { Credentials, FunctionConfig } from '../../src/fc/types.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { noise } from '../fixtures/package/tree.js';

const CREDENTIALS: Credentials = {
  accessKeyId: 'STS.SANDBOX_CLIENT',
  accessKeySecret: 'sandbox-client-secret',
  securityToken: 'sandbox-client-token',
};

let sandbox: RunningSandbox;
let dataDir: string;
let client: FcClient;
let zip: { kind: 'zip'; zip: Buffer; checksum: string };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'fcw-client-sandbox-'));
  sandbox = await startSandbox({ dataDir, accountId: '1234567890', credentials: CREDENTIALS });
  client = new FcClient({ endpoint: sandbox.url, accountId: sandbox.accountId, credentials: CREDENTIALS, retries: 0 });
  const archive = new JSZip();
  archive.file('index.js', 'exports.handler = (e, c, cb) => cb(null, "hi");\n');
  // Incompressible and larger than two base64 slices, so the body really is written in pieces.
  archive.file('blob.bin', noise(2 * BASE64_SLICE_BYTES + 12345));
  const bytes = await archive.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  zip = { kind: 'zip', zip: bytes, checksum: crc64(bytes) };
});

afterAll(async () => {
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const config = (name: string): FunctionConfig => ({
  functionName: name,
  runtime: 'nodejs18',
  handler: 'index.handler',
  memorySize: 128,
});

describe('the client against the sandbox', () => {
  it('creates, reads with etag, updates with If-Match, and gets PreconditionFailed on a stale etag', async () => {
    await client.createService({ serviceName: 'svc', description: 'client round trip' });
    const created = await client.createFunction('svc', config('big'), zip);
    expect(created.data.codeChecksum).toBe(zip.checksum);
    expect(created.requestId).not.toBe('');

    const read = await client.getFunction('svc', 'big');
    expect(read.etag).toBeTruthy();
    expect(read.data.codeSize).toBe(zip.zip.byteLength);

    const updated = await client.updateFunction('svc', 'big', { memorySize: 512, description: 'v2' }, undefined, {
      ifMatch: read.etag,
    });
    expect(updated.data).toMatchObject({ memorySize: 512, description: 'v2', codeChecksum: zip.checksum });

    const stale = await client
      .updateFunction('svc', 'big', { memorySize: 256 }, undefined, { ifMatch: read.etag })
      .catch((e) => e);
    expect(stale).toBeInstanceOf(FcApiError);
    expect(stale).toMatchObject({ status: 412, code: 'PreconditionFailed' });
    expect(stale.hint).toMatch(/changed since/);
  });

  it('lists functions across pages', async () => {
    const small: CodeUpload & { zip: Buffer } = {
      kind: 'zip',
      zip: await new JSZip().file('index.js', 'exports.handler=1').generateAsync({ type: 'nodebuffer' }),
      checksum: '',
    };
    small.checksum = crc64(small.zip);
    for (let i = 0; i < 6; i++) await client.createFunction('svc', config(`f${i}`), small);
    const listed = await client.listFunctions('svc', { limit: 2 });
    expect(listed.data.map((f) => f.functionName).sort()).toEqual(['big', 'f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    const services = await client.listServices({ limit: 1 });
    expect(services.data.map((s) => s.serviceName)).toEqual(['svc']);
  });

  it('maps the sandbox errors: FunctionAlreadyExists, FunctionNotFound, ServiceNotFound', async () => {
    const exists = await client.createFunction('svc', config('f0'), zip).catch((e) => e);
    expect(exists).toMatchObject({ status: 409, code: 'FunctionAlreadyExists' });
    expect(exists.hint).toMatch(/an existing function is updated/);
    await client.deleteFunction('svc', 'f0');
    expect(await client.getFunction('svc', 'f0').catch((e) => e)).toMatchObject({
      status: 404,
      code: 'FunctionNotFound',
    });
    expect(await client.getService('nope').catch((e) => e)).toMatchObject({ status: 404, code: 'ServiceNotFound' });
  });

  it('a wrong secret is SignatureNotMatch with the clock hint', async () => {
    const wrong = new FcClient({
      endpoint: sandbox.url,
      accountId: sandbox.accountId,
      credentials: { ...CREDENTIALS, accessKeySecret: 'not-the-secret' },
      retries: 0,
    });
    const error = await wrong.listServices().catch((e) => e);
    expect(error).toMatchObject({ status: 403, code: 'SignatureNotMatch' });
    expect(error.hint).toMatch(/clock/);
    expect(JSON.stringify(error) + error.message + error.stack).not.toContain('not-the-secret');
  });
});
