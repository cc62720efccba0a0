// Conformance with a client nobody here wrote: the official FC 2.0 SDK (@alicloud/fc2) against the
// sandbox, pointed at it with the SDK's own `endpoint` option. It signs, sends and reads errors its
// own way (error names are `FC${ErrorCode}Error`), so what passes here is what FC tooling expects.
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { crc64 } from '../../src/package/crc64.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, sdkClient, sdkError } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

function sdkFor(secret: string, keyId = sandbox.credentials.accessKeyId, accountId = sandbox.accountId) {
  return sdkClient(sandbox, { secret, keyId }, accountId);
}

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox());
});

afterAll(async () => {
  await closeSandbox?.();
});

describe('official SDK against the sandbox', () => {
  it('creates 250 services and lists them all across pages, in order, once each', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(
        names.slice(i, i + 10).map((name) => client.createService(name, { description: `service ${name}` })),
      );
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const res = await client.listServices({ limit: 100, ...(nextToken ? { nextToken } : {}) });
      seen.push(...res.data.services.map((s: { serviceName: string }) => s.serviceName));
      nextToken = res.data.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);

    const defaultPage = await client.listServices();
    expect(defaultPage.data.services).toHaveLength(20);
    expect(defaultPage.data.nextToken).toBe('svc-020');
    const prefixed = await client.listServices({ prefix: 'svc-24', limit: 100 });
    expect(prefixed.data.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(names.slice(240, 250));
    expect(prefixed.data.nextToken).toBeUndefined();
    const fromKey = await client.listServices({ startKey: 'svc-248' });
    expect(fromKey.data.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['svc-248', 'svc-249']);
    const one = await client.getService('svc-007');
    expect(one.data).toMatchObject({ serviceName: 'svc-007', description: 'service svc-007' });
    expect(one.headers.etag).toBeTruthy();
    expect(one.headers['x-fc-request-id']).toBeTruthy();
  });

  it('creates a function with a zip and its X-Fc-Code-Checksum, gets it, updates it with and without If-Match, deletes it', async () => {
    await client.createService('conf');
    const z = new JSZip();
    z.file('index.js', 'exports.handler = (event, context, callback) => callback(null, "hello");\n');
    const zip = await z.generateAsync({ type: 'nodebuffer' });
    const checksum = crc64(zip);

    const created = await client.createFunction(
      'conf',
      {
        functionName: 'hello',
        runtime: 'nodejs18',
        handler: 'index.handler',
        memorySize: 256,
        code: { zipFile: zip.toString('base64') },
      },
      { 'x-fc-code-checksum': checksum },
    );
    expect(created.data).toMatchObject({
      functionName: 'hello',
      codeChecksum: checksum,
      codeSize: zip.length,
      memorySize: 256,
      timeout: 60,
    });

    const got = await client.getFunction('conf', 'hello');
    expect(got.data.codeChecksum).toBe(checksum);
    expect(got.data.codeSize).toBe(zip.length);
    expect(got.data.functionId).toBe(created.data.functionId);
    const etag = got.headers.etag as string;
    expect(etag).toBeTruthy();

    const listed = await client.listFunctions('conf');
    expect(listed.data.functions.map((f: { functionName: string }) => f.functionName)).toEqual(['hello']);

    const code = await client.getFunctionCode('conf', 'hello');
    expect(code.data.checksum).toBe(checksum);
    const downloaded = Buffer.from(await (await fetch(code.data.url)).arrayBuffer());
    expect(downloaded.equals(zip)).toBe(true);

    const withIfMatch = await client.updateFunction('conf', 'hello', { timeout: 120 }, { 'if-match': etag });
    expect(withIfMatch.data).toMatchObject({ timeout: 120, memorySize: 256, codeChecksum: checksum });
    expect(withIfMatch.headers.etag).not.toBe(etag);

    const stale = await sdkError(client.updateFunction('conf', 'hello', { timeout: 30 }, { 'if-match': etag }));
    expect(stale.name).toBe('FCPreconditionFailedError');

    const z2 = new JSZip();
    z2.file('index.js', 'exports.handler = (e, c, cb) => cb(null, "v2");\n');
    const zip2 = await z2.generateAsync({ type: 'nodebuffer' });
    const withoutIfMatch = await client.updateFunction(
      'conf',
      'hello',
      { description: 'v2', code: { zipFile: zip2.toString('base64') } },
      { 'x-fc-code-checksum': crc64(zip2) },
    );
    expect(withoutIfMatch.data).toMatchObject({
      description: 'v2',
      timeout: 120,
      codeChecksum: crc64(zip2),
      codeSize: zip2.length,
    });

    await client.deleteFunction('conf', 'hello');
    const gone = await sdkError(client.getFunction('conf', 'hello'));
    expect(gone.name).toBe('FCFunctionNotFoundError');
    await client.deleteService('conf');
    expect((await sdkError(client.getService('conf'))).name).toBe('FCServiceNotFoundError');
  });

  it('raises the error classes the service would', async () => {
    await client.createService('errs');
    const fn = () => ({
      functionName: 'dup',
      runtime: 'python3',
      handler: 'index.handler',
      code: { zipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
    });
    await client.createFunction('errs', fn());

    const dup = await sdkError(client.createFunction('errs', fn()));
    expect(dup.name).toBe('FCFunctionAlreadyExistsError');
    expect(dup.message).toContain('409');

    const badSecret = await sdkError(sdkFor('not-the-secret').listServices());
    expect(badSecret.name).toBe('FCSignatureNotMatchError');
    expect(badSecret.message).toContain('403');

    const badKey = await sdkError(sdkFor('x', 'LTAIunknown').listServices());
    expect(badKey.name).toBe('FCInvalidAccessKeyIDError');

    const invalid = await sdkError(client.createFunction('errs', { ...fn(), functionName: 'mem', memorySize: 100 }));
    expect(invalid.name).toBe('FCInvalidArgumentError');
    expect(invalid.message).toContain('memorySize');

    const badChecksum = await sdkError(
      client.createFunction('errs', { ...fn(), functionName: 'sum' }, { 'x-fc-code-checksum': '1' }),
    );
    expect(badChecksum.name).toBe('FCInvalidArgumentError');
    expect(badChecksum.message).toContain('2220831586920633690');

    expect((await sdkError(client.getService('nowhere'))).name).toBe('FCServiceNotFoundError');
    expect((await sdkError(client.createFunction('nowhere', fn()))).name).toBe('FCServiceNotFoundError');
    expect((await sdkError(client.createService('errs'))).name).toBe('FCServiceAlreadyExistsError');
  });
});
