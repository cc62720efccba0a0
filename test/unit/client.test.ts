// The FC client's calls against a local server that answers like FC and verifies every signature.
import { createRequire } from 'node:module';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { FcClient, formatRequestDescription, type CodeUpload } from '../../src/fc/client.js';
import { ConfigError, EXIT, exitCodeOf, UsageError } from '../../src/core/errors.js';
import { checkEndpoint, cloudEndpoint } from '../../src/fc/endpoint.js';
import { BASE64_SLICE_BYTES, zipJsonBody } from '../../src/fc/request-body.js';
import type { Credentials, FunctionConfig } from '../../src/fc/types.js';
import { noise } from '../fixtures/package/tree.js';
import { ACCOUNT_ID, startFakeFc, type FakeFc } from './client-fake-fc.js';

const sdk = createRequire(import.meta.url)('@alicloud/fc2') as {
  getSignature(id: string, secret: string, method: string, path: string, headers: object, queries: null): string;
};

const KEY: Credentials = { accessKeyId: 'LTAI_CLIENT_TEST', accessKeySecret: 'client-secret-value-1234' };
const STS: Credentials = {
  accessKeyId: 'STS.CLIENT_TEST',
  accessKeySecret: 'sts-secret-value-5678',
  securityToken: 'sts-security-token-abcdefgh',
};
// The 22-byte empty zip and its CRC-64 (docs/fc-api-notes.md, "The empty zip").
const EMPTY_ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');
const EMPTY_ZIP_CRC = '2220831586920633690';

const CONFIG: FunctionConfig = {
  functionName: 'hello',
  runtime: 'nodejs14',
  handler: 'index.handler',
  description: 'héllo "quoted" \u2028 \\ 世界',
  memorySize: 256,
  timeout: 30,
  environmentVariables: { A: '1', B: 'two' },
};

let fc: FakeFc;
let sts: FakeFc;

beforeAll(async () => {
  fc = await startFakeFc(KEY);
  sts = await startFakeFc(STS);
});
afterAll(async () => {
  await fc.close();
  await sts.close();
});
afterEach(() => {
  // Every request of every test must have carried a valid signature: by our own check in the
  // server, and by the official SDK's algorithm over the request exactly as it arrived.
  expect(fc.badSignatures).toBe(0);
  expect(sts.badSignatures).toBe(0);
  for (const [server, key] of [
    [fc, KEY],
    [sts, STS],
  ] as const) {
    for (const r of server.received) {
      expect(r.headers.authorization).toBe(
        sdk.getSignature(key.accessKeyId, key.accessKeySecret, r.method, r.path, r.headers, null),
      );
    }
  }
  fc.received.length = 0;
  sts.received.length = 0;
});

const client = (overrides: Partial<ConstructorParameters<typeof FcClient>[0]> = {}) =>
  new FcClient({ endpoint: fc.url, accountId: ACCOUNT_ID, credentials: KEY, retryDelayMs: () => 1, ...overrides });

describe('common headers', () => {
  it('sends Date, x-fc-account-id, accept, user-agent fcw/<version>; no security token with a plain key', async () => {
    fc.setRoute(() => ({ status: 200, json: { serviceName: 's' } }));
    await client().getService('s');
    const h = fc.request(0).headers;
    expect(new Date(h.date as string).toUTCString()).toBe(h.date);
    expect(h['x-fc-account-id']).toBe(ACCOUNT_ID);
    expect(h['user-agent']).toMatch(/^fcw\/\S+$/);
    expect(h.accept).toBe('application/json');
    expect(h['x-fc-security-token']).toBeUndefined();
    expect(h['content-type']).toBeUndefined();
    expect(fc.request(0).path).toBe('/2016-08-15/services/s');
  });

  it('sends x-fc-security-token with STS credentials, and it is signed', async () => {
    sts.setRoute(() => ({ status: 200, json: { serviceName: 's' } }));
    await new FcClient({ endpoint: sts.url, accountId: ACCOUNT_ID, credentials: STS }).getService('s');
    expect(sts.request(0).headers['x-fc-security-token']).toBe(STS.securityToken);
  });

  it('uses the Date of the injected clock', async () => {
    fc.setRoute(() => ({ status: 200, json: {} }));
    await client({ now: () => new Date(Date.UTC(2024, 0, 1)) }).getService('s');
    expect(fc.request(0).headers.date).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
  });

  it('encodes names in the path and signs the encoded path', async () => {
    fc.setRoute(() => ({ status: 200, json: {} }));
    await client().getFunction('svc one', 'fn/ü');
    expect(fc.request(0).path).toBe('/2016-08-15/services/svc%20one/functions/fn%2F%C3%BC');
  });
});

describe('paging', () => {
  const pages = (key: string, total: number, per: number) => (req: { query: URLSearchParams }) => {
    const start = Number(req.query.get('nextToken') ?? '0');
    const items = Array.from({ length: Math.min(per, total - start) }, (_, i) => ({
      [key === 'services' ? 'serviceName' : 'functionName']: `n${start + i}`,
    }));
    const next = start + per < total ? String(start + per) : undefined;
    return { status: 200, json: { [key]: items, ...(next ? { nextToken: next } : {}) } };
  };

  it('ListServices follows nextToken across 4 pages, limit 100 by default', async () => {
    fc.setRoute(pages('services', 350, 100));
    const result = await client().listServices();
    expect(result.data.map((s) => s.serviceName)).toEqual(Array.from({ length: 350 }, (_, i) => `n${i}`));
    expect(fc.received.map((r) => r.query.get('nextToken'))).toEqual([null, '100', '200', '300']);
    expect(fc.received.every((r) => r.query.get('limit') === '100' && r.method === 'GET')).toBe(true);
    expect(result.requestId).toBe('req-4');
  });

  it('ListFunctions follows every page; prefix on every page, startKey on the first only; limit capped at 100', async () => {
    fc.setRoute(pages('functions', 7, 3));
    const result = await client().listFunctions('svc', { prefix: 'n', startKey: 'n0', limit: 3 });
    expect(result.data).toHaveLength(7);
    expect(fc.received).toHaveLength(3);
    expect(fc.received.map((r) => r.path)).toEqual(Array(3).fill('/2016-08-15/services/svc/functions'));
    expect(fc.received.map((r) => r.query.get('prefix'))).toEqual(['n', 'n', 'n']);
    expect(fc.received.map((r) => r.query.get('startKey'))).toEqual(['n0', null, null]);
    fc.received.length = 0;
    await client().listFunctions('svc', { limit: 1000 });
    expect(fc.request(0).query.get('limit')).toBe('100');
  });

  it('an empty listing (no list key at all) is an empty array', async () => {
    fc.setRoute(() => ({ status: 200, json: {} }));
    expect((await client().listServices()).data).toEqual([]);
  });

  it('stops with an error when the service repeats a page token', async () => {
    fc.setRoute(() => ({ status: 200, json: { services: [{ serviceName: 'x' }], nextToken: 'same' } }));
    await expect(client().listServices()).rejects.toThrow(/repeated the page token "same"/);
    expect(fc.received).toHaveLength(2);
  });
});

describe('services and functions', () => {
  it('CreateService posts JSON with content-type application/json', async () => {
    fc.setRoute((req) => ({ status: 200, json: { ...JSON.parse(req.body.toString()), serviceId: 'sid' } }));
    const result = await client().createService({ serviceName: 'svc', description: 'd' });
    const req = fc.request(0);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/2016-08-15/services');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body.toString()).toBe(JSON.stringify({ serviceName: 'svc', description: 'd' }));
    expect(result.data.serviceId).toBe('sid');
  });

  it('GetFunction returns the etag header', async () => {
    fc.setRoute(() => ({ status: 200, json: { functionName: 'f', codeChecksum: '1' }, headers: { etag: 'etag-1' } }));
    const result = await client().getFunction('svc', 'f');
    expect(result).toMatchObject({
      data: { functionName: 'f', codeChecksum: '1' },
      etag: 'etag-1',
      requestId: 'req-1',
    });
  });

  it('CreateFunction streams a multi-slice zip: body byte-identical to JSON.stringify, exact Content-Length, checksum header', async () => {
    // Just over two slices, with a length that is not a multiple of 3, so padding lands at the end.
    const zip = noise(2 * BASE64_SLICE_BYTES + 1001);
    fc.setRoute((req) => ({
      status: 201,
      json: { functionName: 'hello', codeChecksum: req.headers['x-fc-code-checksum'] },
    }));
    const withStrayCode = { ...CONFIG, code: { zipFile: 'ignored' } } as FunctionConfig;
    const result = await client().createFunction('svc', withStrayCode, { kind: 'zip', zip, checksum: '42' });
    const req = fc.request(0);
    const expected = JSON.stringify({ ...CONFIG, code: { zipFile: zip.toString('base64') } });
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/2016-08-15/services/svc/functions');
    expect(req.body.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(req.headers['x-fc-code-checksum']).toBe('42');
    expect(req.headers['content-type']).toBe('application/json');
    expect(result.data.codeChecksum).toBe('42');
    expect(result.readBack).toBeUndefined();
  });

  it('CreateFunction with OSS code sends the bucket and object and no checksum header', async () => {
    fc.setRoute(() => ({ status: 201, json: { functionName: 'hello' } }));
    await client().createFunction('svc', CONFIG, { kind: 'oss', bucket: 'b', object: 'o.zip' });
    expect(JSON.parse(fc.request(0).body.toString())).toEqual({
      ...CONFIG,
      code: { ossBucketName: 'b', ossObjectName: 'o.zip' },
    });
    expect(fc.request(0).headers['x-fc-code-checksum']).toBeUndefined();
  });

  it('CreateFunction without code (custom-container) sends the config only', async () => {
    fc.setRoute(() => ({ status: 201, json: { functionName: 'c' } }));
    const config: FunctionConfig = {
      functionName: 'c',
      runtime: 'custom-container',
      handler: 'x',
      customContainerConfig: { image: 'registry/x:1', command: '["/app"]' },
    };
    await client().createFunction('svc', config, undefined);
    expect(fc.request(0).body.toString()).toBe(JSON.stringify(config));
  });

  it('UpdateFunction PUTs with If-Match and the checksum, without functionName in the body', async () => {
    fc.setRoute(() => ({ status: 200, json: { functionName: 'hello' }, headers: { etag: 'etag-2' } }));
    const code: CodeUpload = { kind: 'zip', zip: EMPTY_ZIP, checksum: EMPTY_ZIP_CRC };
    const result = await client().updateFunction('svc', 'hello', { ...CONFIG }, code, { ifMatch: 'etag-1' });
    const req = fc.request(0);
    const { functionName: _n, ...rest } = CONFIG;
    expect(req.method).toBe('PUT');
    expect(req.path).toBe('/2016-08-15/services/svc/functions/hello');
    expect(req.headers['if-match']).toBe('etag-1');
    expect(req.headers['x-fc-code-checksum']).toBe(EMPTY_ZIP_CRC);
    expect(req.body.toString()).toBe(JSON.stringify({ ...rest, code: { zipFile: EMPTY_ZIP.toString('base64') } }));
    expect(result.etag).toBe('etag-2');
  });

  it('UpdateFunction without ifMatch sends no If-Match', async () => {
    fc.setRoute(() => ({ status: 200, json: {} }));
    await client().updateFunction('svc', 'hello', { memorySize: 512 }, undefined);
    expect(fc.request(0).headers['if-match']).toBeUndefined();
    expect(fc.request(0).body.toString()).toBe('{"memorySize":512}');
  });

  it('DeleteFunction sends DELETE and accepts 204', async () => {
    fc.setRoute(() => ({ status: 204 }));
    const result = await client().deleteFunction('svc', 'hello');
    expect(fc.request(0).method).toBe('DELETE');
    expect(result).toEqual({ data: undefined, requestId: 'req-1' });
  });

  it('InvokeFunction is synchronous with the log tail, decoded; a function error is data', async () => {
    const log = 'START RequestId: 1\nsomething failed\nEND RequestId: 1\n';
    fc.setRoute(() => ({
      status: 200,
      raw: '{"errorMessage":"boom"}',
      headers: {
        'x-fc-log-result': Buffer.from(log).toString('base64'),
        'x-fc-error-type': 'UnhandledInvocationError',
      },
    }));
    const result = await client().invokeFunction('svc', 'hello', '{"k":1}');
    const req = fc.request(0);
    expect(req.path).toBe('/2016-08-15/services/svc/functions/hello/invocations');
    expect(req.headers['x-fc-invocation-type']).toBe('Sync');
    expect(req.headers['x-fc-log-type']).toBe('Tail');
    expect(req.body.toString()).toBe('{"k":1}');
    expect(result.data).toMatchObject({
      body: Buffer.from('{"errorMessage":"boom"}'),
      status: 200,
      logTail: log,
      errorType: 'UnhandledInvocationError',
    });
  });

  it('InvokeFunction parses the checksum, duration and memory headers; the body stays bytes', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    fc.setRoute(() => ({
      status: 200,
      raw: bytes,
      headers: { 'x-fc-code-checksum': '123', 'x-fc-invocation-duration': '7', 'x-fc-max-memory-usage': '41.25' },
    }));
    const result = await client().invokeFunction('svc', 'hello', Buffer.from([1, 2]));
    expect(result.data).toMatchObject({ body: bytes, codeChecksum: '123', durationMs: 7, maxMemoryMB: 41.25 });
    expect(result.data.errorType).toBeUndefined();
    expect([...fc.request(0).body]).toEqual([1, 2]);
  });

  it('InvokeFunction async with a qualifier: service.qualifier, no log tail asked, 202 accepted', async () => {
    fc.setRoute(() => ({ status: 202 }));
    const result = await client().invokeFunction('svc', 'hello', '{}', { async: true, qualifier: 'prod' });
    const req = fc.request(0);
    expect(req.path).toBe('/2016-08-15/services/svc.prod/functions/hello/invocations');
    expect(req.headers['x-fc-invocation-type']).toBe('Async');
    expect(req.headers['x-fc-log-type']).toBe('None');
    expect(result.data).toMatchObject({ status: 202, body: Buffer.alloc(0) });
  });

  it('InvokeFunction is never retried, not even on 503 (a function must not run twice unasked)', async () => {
    fc.setRoute(() => ({ status: 503, json: { ErrorCode: 'ResourceThrottled', ErrorMessage: 'busy' } }));
    await expect(client().invokeFunction('svc', 'hello', 'x')).rejects.toMatchObject({ code: 'ResourceThrottled' });
    expect(fc.received).toHaveLength(1);
  });

  it('InvokeFunction with an aborted signal sends nothing and says it was cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = client().invokeFunction('svc', 'hello', 'x', { signal: controller.signal });
    await expect(call).rejects.toThrow(/cancelled/);
    expect(fc.received).toHaveLength(0);
  });

  it('a 2xx answer that is not JSON is a clear error', async () => {
    fc.setRoute(() => ({ status: 200, raw: '<html>proxy</html>' }));
    await expect(client().getService('s')).rejects.toMatchObject({
      code: 'InvalidResponse',
      message: expect.stringMatching(/not JSON: <html>proxy/),
    });
  });
});

describe('describeRequest (for --dry-run)', () => {
  it('shows the signed request with Authorization and the token redacted, the zip as size and checksum', () => {
    const c = new FcClient({ endpoint: sts.url, accountId: ACCOUNT_ID, credentials: STS });
    const zip = noise(1000, 2);
    const d = c.describeRequest({
      action: 'CreateFunction',
      service: 'svc',
      config: CONFIG,
      code: { kind: 'zip', zip, checksum: '77' },
    });
    expect(d.method).toBe('POST');
    expect(d.url).toBe(`${sts.url}/2016-08-15/services/svc/functions`);
    expect(d.headers.authorization).toBe('FC STS.****TEST:<redacted>');
    expect(d.headers['x-fc-security-token']).toBe('<redacted>');
    expect(d.headers['x-fc-code-checksum']).toBe('77');
    expect(d.headers['content-length']).toBe(
      String(Buffer.byteLength(JSON.stringify({ ...CONFIG, code: { zipFile: zip.toString('base64') } }))),
    );
    expect(d.body).toEqual({ ...CONFIG, code: { zipFile: '<zip 1000 bytes, crc64 77>' } });
    const text = JSON.stringify(d) + formatRequestDescription(d);
    expect(text).not.toContain(STS.accessKeySecret);
    expect(text).not.toContain(STS.securityToken);
    expect(formatRequestDescription(d)).toContain('POST http://127.0.0.1');
  });

  it('describes an update with If-Match, and sends nothing', () => {
    const d = client().describeRequest({
      action: 'UpdateFunction',
      service: 's',
      functionName: 'f',
      config: { memorySize: 512 },
      code: undefined,
      ifMatch: 'e1',
    });
    expect(d).toMatchObject({ method: 'PUT', headers: { 'if-match': 'e1' }, body: { memorySize: 512 } });
    expect(fc.received).toHaveLength(0);
  });
});

describe('FCW_DEBUG', () => {
  it('logs method, URL, status, request id and timing, redacted', async () => {
    const lines: string[] = [];
    fc.setRoute(() => ({ status: 200, json: {} }));
    await client({ debug: (line) => lines.push(line) }).getService('s');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^fcw debug: GET ${fc.url}/2016-08-15/services/s -> 200 request id req-1 \\d+ ms$`),
    );
  });

  it('is on with FCW_DEBUG=1 in env and off otherwise', async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      fc.setRoute(() => ({ status: 200, json: {} }));
      await client({ env: {} }).getService('s');
      expect(written.filter((l) => l.startsWith('fcw debug'))).toHaveLength(0);
      await client({ env: { FCW_DEBUG: '1' } }).getService('s');
    } finally {
      process.stderr.write = original;
    }
    expect(written.filter((l) => l.startsWith('fcw debug: GET'))).toHaveLength(1);
  });
});

describe('endpoints', () => {
  it('cloudEndpoint builds public and internal https endpoints and checks its inputs', () => {
    expect(cloudEndpoint('123456789012', 'cn-hangzhou')).toBe('https://123456789012.cn-hangzhou.fc.aliyuncs.com');
    expect(cloudEndpoint('123456789012', 'ap-southeast-1', { internal: true })).toBe(
      'https://123456789012.ap-southeast-1-internal.fc.aliyuncs.com',
    );
    expect(() => cloudEndpoint('abc', 'cn-hangzhou')).toThrow(/Account id "abc"/);
    expect(() => cloudEndpoint('1', 'Hangzhou')).toThrow(/Region "Hangzhou"/);
  });

  it('requires https for real FC hosts and takes any http(s) URL for a custom endpoint', () => {
    expect(() => checkEndpoint('http://123.cn-hangzhou.fc.aliyuncs.com')).toThrow(/must use https/);
    expect(checkEndpoint('https://123.cn-hangzhou.fc.aliyuncs.com/')).toBe('https://123.cn-hangzhou.fc.aliyuncs.com');
    expect(checkEndpoint('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(checkEndpoint('http://localhost:9000/')).toBe('http://localhost:9000');
    expect(() => checkEndpoint('ftp://x')).toThrow(/http or https/);
    expect(() => checkEndpoint('not a url')).toThrow(/not a URL/);
    expect(() => checkEndpoint('http://127.0.0.1:9000/2016-08-15')).toThrow(/has a path/);
    expect(() => client({ endpoint: 'http://1.cn-shanghai.fc.aliyuncs.com' })).toThrow(/must use https/);
  });

  it('refuses an STS key without its token, and a non-numeric account id', () => {
    expect(() => client({ credentials: { accessKeyId: 'STS.X', accessKeySecret: 's' } })).toThrow(/no security token/);
    expect(() => client({ accountId: 'acc' })).toThrow(/Account id/);
  });
});

describe('configuration errors from the client layer', () => {
  // The client sits below the commands and the wizard: it names the field, never a flag, and is
  // not a UsageError (a command-line concept), yet still exits 2.
  function thrown(run: () => unknown): unknown {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  }

  it.each([
    ['accountId', () => cloudEndpoint('abc', 'cn-hangzhou')],
    ['region', () => cloudEndpoint('1', 'Hangzhou')],
    ['endpoint', () => checkEndpoint('ftp://x')],
    ['endpoint', () => client({ endpoint: 'http://1.cn-shanghai.fc.aliyuncs.com' })],
    ['accountId', () => client({ accountId: 'acc' })],
    ['credentials', () => client({ credentials: { accessKeyId: 'STS.X', accessKeySecret: 's' } })],
  ] as const)('%s: a ConfigError naming the field, exit 2, no flag in the hint', (field, run) => {
    const error = thrown(run);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as ConfigError).field).toBe(field);
    expect(exitCodeOf(error)).toBe(EXIT.usage);
    expect((error as ConfigError).hint ?? '').not.toMatch(/--/);
  });
});

describe('zipJsonBody', () => {
  it('equals JSON.stringify for every zip length around the slice boundaries', () => {
    for (let n = 0; n <= 20; n++) {
      const zip = noise(n, n + 1);
      const body = zipJsonBody({ a: 'x', code: 'dropped', n }, zip, 6);
      const joined = Buffer.concat([...body.chunks()]);
      const expected = JSON.stringify({ a: 'x', n, code: { zipFile: zip.toString('base64') } });
      expect(joined.toString()).toBe(expected);
      expect(body.length).toBe(Buffer.byteLength(expected));
      // prefix, ceil(n / 6) slices, suffix: the zip is never encoded in one piece.
      expect([...body.chunks()]).toHaveLength(2 + Math.ceil(n / 6));
    }
  });

  it('streams the same bytes, one slice per pull', async () => {
    const zip = noise(100, 3);
    const body = zipJsonBody({ f: 1 }, zip, 30);
    const got: Uint8Array[] = [];
    for await (const chunk of body.stream() as unknown as AsyncIterable<Uint8Array>) got.push(chunk);
    expect(got).toHaveLength(2 + 4);
    expect(Buffer.concat(got).toString()).toBe(JSON.stringify({ f: 1, code: { zipFile: zip.toString('base64') } }));
  });

  it('rejects a slice size that is not a multiple of 3', () => {
    expect(() => zipJsonBody({}, EMPTY_ZIP, 4)).toThrow(RangeError);
  });
});
