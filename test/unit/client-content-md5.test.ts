// Content-MD5: every request with a body carries it, computed as the official Node SDK computes it
// (base64 of the hex MD5 digest of the body bytes) and signed; for the streamed zip body it comes
// from a first pass over the same chunks. Proven by sending the same calls through @alicloud/fc2
// and through our client to one fake server: same body, same Content-MD5, same signature.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { FcClient, type CodeUpload } from '../../src/fc/client.js';
import { contentMd5, zipJsonBody } from '../../src/fc/request-body.js';
import type { Credentials, FunctionConfig } from '../../src/fc/types.js';
import { ACCOUNT_ID, startFakeFc, type FakeFc, type Received } from './client-fake-fc.js';

type SdkClient = {
  createService(name: string, options: object, headers?: object): Promise<unknown>;
  createFunction(service: string, options: object, headers?: object): Promise<unknown>;
  updateFunction(service: string, fn: string, options: object, headers?: object): Promise<unknown>;
  invokeFunction(service: string, fn: string, event: string | Buffer, headers?: object): Promise<unknown>;
};
const FC = createRequire(import.meta.url)('@alicloud/fc2') as new (
  accountId: string,
  config: { accessKeyID: string; accessKeySecret: string; securityToken?: string; region: string; endpoint: string },
) => SdkClient;

const KEY: Credentials = {
  accessKeyId: 'STS.MD5_TEST',
  accessKeySecret: 'md5-test-secret-value',
  securityToken: 'md5-test-token',
};
const CONFIG: FunctionConfig = {
  functionName: 'hello',
  runtime: 'nodejs18',
  handler: 'index.handler',
  memorySize: 256,
  description: 'héllo 世界',
};

/** Deterministic bytes (mulberry32 with a fixed seed): the same body on every run. */
function seededBytes(length: number, seed = 20240101): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** What the SDK does in its request(): base64 of the hex digest. */
const sdkMd5 = (body: Buffer) => Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');

let fc: FakeFc;
beforeAll(async () => {
  fc = await startFakeFc(KEY, (req) => ({
    status: 200,
    json: { functionName: 'hello', codeChecksum: req.headers['x-fc-code-checksum'] ?? '1' },
  }));
});
afterAll(() => fc.close());
afterEach(() => {
  expect(fc.badSignatures).toBe(0);
  fc.received.length = 0;
});

const ours = (now?: Date) =>
  new FcClient({
    endpoint: fc.url,
    accountId: ACCOUNT_ID,
    credentials: KEY,
    retries: 0,
    ...(now ? { now: () => now } : {}),
  });
const theirs = () =>
  new FC(ACCOUNT_ID, {
    accessKeyID: KEY.accessKeyId,
    accessKeySecret: KEY.accessKeySecret,
    securityToken: KEY.securityToken,
    region: 'cn-hangzhou',
    endpoint: fc.url,
  });

/** Sends a call through the SDK, then the same through our client with the SDK's Date: the two requests as received. */
async function both(
  sdkCall: (c: SdkClient) => Promise<unknown>,
  ourCall: (c: FcClient) => Promise<unknown>,
): Promise<[Received, Received]> {
  await sdkCall(theirs());
  const sdkRequest = fc.received.at(-1)!;
  await ourCall(ours(new Date(sdkRequest.headers.date as string)));
  return [sdkRequest, fc.received.at(-1)!];
}

function expectSameSignedRequest(sdk: Received, our: Received): void {
  expect(our.body.equals(sdk.body)).toBe(true);
  expect(our.headers['content-md5']).toBe(sdk.headers['content-md5']);
  expect(our.headers['content-md5']).toBe(sdkMd5(our.body));
  expect(our.headers['content-type']).toBe(sdk.headers['content-type']);
  expect(our.headers['content-length']).toBe(sdk.headers['content-length']);
  expect(our.headers.authorization).toBe(sdk.headers.authorization);
}

describe('Content-MD5 equals the official SDK, and so does the signature', () => {
  it('CreateService (a JSON body)', async () => {
    const [sdk, our] = await both(
      (c) => c.createService('svc', { description: 'd "q" ü' }),
      (c) => c.createService({ serviceName: 'svc', description: 'd "q" ü' }),
    );
    expectSameSignedRequest(sdk, our);
  });

  it('CreateFunction with a zip over several base64 slices (the streamed body)', async () => {
    // 3 MiB slices: 7 MiB + 1001 bytes gives three full slices and a padded tail.
    const zip = seededBytes(7 * 1024 * 1024 + 1001);
    const code: CodeUpload = { kind: 'zip', zip, checksum: '4242' };
    const [sdk, our] = await both(
      (c) =>
        c.createFunction(
          'svc',
          { ...CONFIG, code: { zipFile: zip.toString('base64') } },
          {
            'x-fc-code-checksum': '4242',
          },
        ),
      (c) => c.createFunction('svc', CONFIG, code),
    );
    expectSameSignedRequest(sdk, our);
  });

  it('UpdateFunction with a zip, and with configuration only', async () => {
    const zip = seededBytes(5000, 7);
    const { functionName: _n, ...fields } = CONFIG;
    const [sdk, our] = await both(
      (c) =>
        c.updateFunction(
          'svc',
          'hello',
          { ...fields, code: { zipFile: zip.toString('base64') } },
          {
            'x-fc-code-checksum': '77',
          },
        ),
      (c) => c.updateFunction('svc', 'hello', fields, { kind: 'zip', zip, checksum: '77' }),
    );
    expectSameSignedRequest(sdk, our);
    const [sdk2, our2] = await both(
      (c) => c.updateFunction('svc', 'hello', { memorySize: 512 }),
      (c) => c.updateFunction('svc', 'hello', { memorySize: 512 }, undefined),
    );
    expectSameSignedRequest(sdk2, our2);
  });

  it('InvokeFunction (a raw body)', async () => {
    const headers = { 'x-fc-invocation-type': 'Sync', 'x-fc-log-type': 'Tail' };
    const [sdk, our] = await both(
      (c) => c.invokeFunction('svc', 'hello', '{"k":"ü"}', headers),
      (c) => c.invokeFunction('svc', 'hello', '{"k":"ü"}'),
    );
    expectSameSignedRequest(sdk, our);
  });

  it('calls without a body carry no Content-MD5', async () => {
    await ours().getFunction('svc', 'hello');
    await ours().deleteFunction('svc', 'hello');
    expect(fc.received.map((r) => r.headers['content-md5'])).toEqual([undefined, undefined]);
  });

  it('the Content-MD5 is signed: the same request with another body would need another signature', async () => {
    const now = new Date(Date.UTC(2024, 0, 1));
    await ours(now).createService({ serviceName: 'a' });
    await ours(now).createService({ serviceName: 'b' });
    const [a, b] = fc.received as [Received, Received];
    expect(a.headers.date).toBe(b.headers.date);
    expect(a.headers['content-length']).toBe(b.headers['content-length']);
    expect(a.headers['content-md5']).not.toBe(b.headers['content-md5']);
    expect(a.headers.authorization).not.toBe(b.headers.authorization);
  });

  it('dry-run descriptions show the Content-MD5 that would be sent', () => {
    const zip = seededBytes(1000, 3);
    const code: CodeUpload = { kind: 'zip', zip, checksum: '1' };
    const d = ours().describeRequest({ action: 'CreateFunction', service: 'svc', config: CONFIG, code });
    const body = JSON.stringify({ ...CONFIG, code: { zipFile: zip.toString('base64') } });
    expect(d.headers['content-md5']).toBe(sdkMd5(Buffer.from(body)));
  });
});

describe('contentMd5 over chunks', () => {
  it("a zip body digested slice by slice equals the whole body's digest; no chunk is larger than a slice", () => {
    // The path a 100 MB zip takes, at a size a test can afford: 300-byte slices over 1 MB.
    const zip = seededBytes(1024 * 1024 + 2, 11);
    const body = zipJsonBody({ functionName: 'f', runtime: 'nodejs18' }, zip, 300);
    const sizes: number[] = [];
    const seen = function* () {
      for (const chunk of body.chunks()) {
        sizes.push(chunk.byteLength);
        yield chunk;
      }
    };
    const digest = contentMd5(seen());
    const whole = Buffer.concat([...body.chunks()]);
    expect(whole.length).toBe(body.length);
    expect(digest).toBe(sdkMd5(whole));
    expect(sizes.length).toBeGreaterThan(3000);
    // Each base64 slice is 400 bytes; only the JSON around the zip is a separate, small chunk.
    expect(Math.max(...sizes)).toBe(400);
  });

  it('of nothing is the digest of the empty body', () => {
    expect(contentMd5([])).toBe(sdkMd5(Buffer.alloc(0)));
    expect(contentMd5([Buffer.from('ab'), Buffer.from('c')])).toBe(sdkMd5(Buffer.from('abc')));
  });
});

describe('Ctrl-C during the Content-MD5 pass of a zip', () => {
  it('stops the pass at its next slice: nothing reaches the server, and the error says so', async () => {
    const zip = seededBytes(8 * 1024 * 1024); // eleven slices: the pass yields between them
    const code: CodeUpload = { kind: 'zip', zip, checksum: '1' };
    const controller = new AbortController();
    setImmediate(() => controller.abort()); // runs once the pass has begun and yields
    const error = await ours()
      .updateFunction('svc', 'hello', { handler: 'index.handler' }, code, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CancelledError', nothingSent: true });
    expect((error as Error).message).toMatch(/nothing was sent/);
    expect(fc.received).toHaveLength(0);
  });
});
