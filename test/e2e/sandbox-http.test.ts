// The sandbox over real HTTP, signed requests built by hand: the checks FC makes, the errors it
// answers, and the robustness a server needs (bad JSON, oversized or dropped bodies, bad HTTP).
import net from 'node:net';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FcClient } from '../../src/fc/client.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { EMPTY_ZIP_B64, EMPTY_ZIP_CRC, json, rawRequest, signed, tempDir } from './sandbox-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MAX_BODY = 64 * 1024;

let sandbox: RunningSandbox;
let removeDir: () => Promise<void>;
let zip: Buffer;

async function makeZip(text: string): Promise<Buffer> {
  const z = new JSZip();
  z.file('index.js', text, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer' });
}

beforeAll(async () => {
  const { dir, remove } = await tempDir();
  removeDir = remove;
  sandbox = await startSandbox({ dataDir: dir, maxBodyBytes: MAX_BODY });
  zip = await makeZip('exports.handler = (e, c, cb) => cb(null, "hi");\n');
  const created = await signed(sandbox, {
    method: 'POST',
    path: '/2016-08-15/services',
    body: json({ serviceName: 'demo' }),
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await sandbox.close();
  await removeDir();
});

const createFn = (name: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  signed(sandbox, {
    method: 'POST',
    path: '/2016-08-15/services/demo/functions',
    body: json({
      functionName: name,
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: zip.toString('base64') },
      ...extra,
    }),
    headers,
  });

describe('every answer', () => {
  it('carries a fresh x-fc-request-id, errors included, and errors are FC JSON', async () => {
    const answers = await Promise.all([
      signed(sandbox, { method: 'GET', path: '/2016-08-15/services' }),
      signed(sandbox, { method: 'GET', path: '/2016-08-15/services/nope' }),
      signed(sandbox, {
        method: 'GET',
        path: '/2016-08-15/services',
        credentials: { accessKeyId: sandbox.credentials.accessKeyId, accessKeySecret: 'wrong' },
      }),
      rawRequest(sandbox.url, { method: 'GET', path: '/elsewhere' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 404, 403, 400]);
    const ids = answers.map((a) => a.headers['x-fc-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers[1].json).toEqual({ ErrorCode: 'ServiceNotFound', ErrorMessage: "service 'nope' does not exist" });
    expect(answers[2].json.ErrorCode).toBe('SignatureNotMatch');
    expect(answers[3].json.ErrorCode).toBe('PathNotSupported');
  });

  it('answers API routes the sandbox does not implement with 501 NotImplemented naming the API', async () => {
    const wrongMethod = await signed(sandbox, { method: 'PATCH', path: '/2016-08-15/services/demo' });
    expect(wrongMethod.status).toBe(501);
    expect(wrongMethod.json.ErrorCode).toBe('NotImplemented');
    expect(wrongMethod.json.ErrorMessage).toContain('PATCH /2016-08-15/services/demo');
    const unknown = await signed(sandbox, { method: 'GET', path: '/2016-08-15/triggers' });
    expect([unknown.status, unknown.json.ErrorCode]).toEqual([501, 'NotImplemented']);
    const instances = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/demo/functions/f/instances' });
    expect([instances.status, instances.json.ErrorCode]).toEqual([501, 'NotImplemented']);
    expect(instances.json.ErrorMessage).toMatch(/^ListInstances: /);
    const acl = await signed(sandbox, { method: 'PUT', path: '/2016-08-15/layers/l/acl?public=true' });
    expect(acl.json.ErrorMessage).toMatch(/^PutLayerACL: /);
  });
});

describe('authentication', () => {
  it('needs Date and Authorization (400 MissingRequiredHeader) and the sandbox account (403)', async () => {
    const noDate = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services', omit: ['date'] });
    expect([noDate.status, noDate.json.ErrorCode]).toEqual([400, 'MissingRequiredHeader']);
    const noAuth = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services', omit: ['authorization'] });
    expect([noAuth.status, noAuth.json.ErrorCode]).toEqual([400, 'MissingRequiredHeader']);
    const otherAccount = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services', accountId: '42' });
    expect(otherAccount.status).toBe(403);
    const oldDate = await signed(sandbox, {
      method: 'GET',
      path: '/2016-08-15/services',
      date: new Date(Date.now() - 20 * 60_000).toUTCString(),
    });
    expect(oldDate.status).toBe(403);
    const unknownKey = await signed(sandbox, {
      method: 'GET',
      path: '/2016-08-15/services',
      credentials: { accessKeyId: 'LTAIother', accessKeySecret: 'x' },
    });
    expect([unknownKey.status, unknownKey.json.ErrorCode]).toEqual([403, 'InvalidAccessKeyID']);
  });

  it('signs the checksum header: changing it after signing is SignatureNotMatch', async () => {
    const body = json({
      functionName: 'tampered',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: EMPTY_ZIP_B64 },
    });
    const ok = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services/demo/functions',
      body,
      headers: { 'x-fc-code-checksum': EMPTY_ZIP_CRC },
    });
    expect(ok.status).toBe(200);
  });
});

describe('CreateFunction', () => {
  it('stores the zip and answers FC fields with defaults, checksum, size and an etag', async () => {
    const res = await createFn('hello', {}, { 'x-fc-code-checksum': crc64(zip) });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(res.json).toMatchObject({
      functionName: 'hello',
      runtime: 'nodejs18',
      handler: 'index.handler',
      memorySize: 128,
      timeout: 60,
      initializationTimeout: 3,
      codeChecksum: crc64(zip),
      codeSize: zip.length,
      description: '',
    });
    expect(res.json.functionId).toMatch(UUID);
    expect(res.json.createdTime).toMatch(FC_TIME);
    expect(res.json.lastModifiedTime).toBe(res.json.createdTime);
    expect(res.json).not.toHaveProperty('etag');
    expect(res.json).not.toHaveProperty('codeFile');
    const again = await createFn('hello');
    expect([again.status, again.json.ErrorCode]).toEqual([409, 'FunctionAlreadyExists']);
  });

  it('refuses a checksum that does not match, giving both values', async () => {
    const res = await createFn('badsum', {}, { 'x-fc-code-checksum': '12345' });
    expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(res.json.ErrorMessage).toContain("'12345'");
    expect(res.json.ErrorMessage).toContain(`'${crc64(zip)}'`);
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/demo/functions/badsum' })).status).toBe(
      404,
    );
  });

  it('refuses code that is not a zip, not base64, or a zip that does not open', async () => {
    const notZip = await createFn('nz', { code: { zipFile: Buffer.from('print("hi")').toString('base64') } });
    expect(notZip.status).toBe(400);
    expect(notZip.json.ErrorMessage).toMatch(/zip/);
    const notB64 = await createFn('nb', { code: { zipFile: 'not base64!' } });
    expect(notB64.status).toBe(400);
    expect(notB64.json.ErrorMessage).toContain('code.zipFile');
    const broken = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(40, 7)]);
    const corrupt = await createFn('nc', { code: { zipFile: broken.toString('base64') } });
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.ErrorMessage).toContain('code.zipFile');
  });

  it('refuses OSS code (no buckets here), two sources, and code for custom-container', async () => {
    const oss = await createFn('oss', { code: { ossBucketName: 'my-bucket', ossObjectName: 'code.zip' } });
    expect(oss.status).toBe(400);
    expect(oss.json.ErrorMessage).toContain('no OSS buckets');
    const both = await createFn('both', {
      code: { zipFile: EMPTY_ZIP_B64, ossBucketName: 'my-bucket', ossObjectName: 'code.zip' },
    });
    expect(both.status).toBe(400);
    expect(both.json.ErrorMessage).toMatch(/exactly one|not both/);
    const container = await createFn('ctr', {
      runtime: 'custom-container',
      customContainerConfig: { image: 'registry.cn-hangzhou.aliyuncs.com/a/b:1' },
    });
    expect(container.status).toBe(400);
    expect(container.json.ErrorMessage).toContain('custom-container');
    const token = await signed(sandbox, {
      method: 'GET',
      path: '/2016-08-15/services/demo/tempCodeBucketToken?functionName=x',
    });
    expect([token.status, token.json.ErrorCode]).toEqual([501, 'NotImplemented']);
    expect(token.json.ErrorMessage).toMatch(/^GetTempCodeBucketToken: .*no OSS buckets/);
  });

  it('runs every field through the shared rules: 400 InvalidArgument naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ memorySize: 100 }, 'memorySize'],
      [{ timeout: 601 }, 'timeout'],
      [{ initializer: 'index.init', initializationTimeout: 301 }, 'initializationTimeout'],
      [{ handler: 'index' }, 'handler'],
      [{ runtime: 'cobol' }, 'runtime'],
      [{ memorySize: '256' }, 'memorySize'],
      [{ environmentVariables: { FC_SECRET: 'x' } }, 'environmentVariables'],
      [{ functionName: '9lives' }, 'functionName'],
    ];
    for (const [extra, field] of cases) {
      const res = await createFn('ruled', extra);
      expect([res.status, res.json.ErrorCode], JSON.stringify(extra)).toEqual([400, 'InvalidArgument']);
      expect(res.json.ErrorMessage).toContain(field);
    }
    const service = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services',
      body: json({ serviceName: '-bad' }),
    });
    expect(service.status).toBe(400);
    expect(service.json.ErrorMessage).toContain('serviceName');
  });

  it('answers 404 ServiceNotFound for a missing service', async () => {
    const res = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services/ghost/functions',
      body: json({
        functionName: 'f',
        runtime: 'nodejs18',
        handler: 'index.handler',
        code: { zipFile: EMPTY_ZIP_B64 },
      }),
    });
    expect([res.status, res.json.ErrorCode]).toEqual([404, 'ServiceNotFound']);
  });
});

describe('bodies', () => {
  it('answers bad JSON and non-object JSON with 400 and keeps serving', async () => {
    for (const body of ['{"functionName": ', '[1,2]', '"text"', '']) {
      const res = await signed(sandbox, {
        method: 'POST',
        path: '/2016-08-15/services',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect([res.status, res.json.ErrorCode], body).toEqual([400, 'InvalidArgument']);
    }
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services' })).status).toBe(200);
  });

  it('refuses a declared Content-Length over the cap before reading it: 400 EntityTooLarge', async () => {
    const res = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services',
      body: json({ serviceName: 'big', description: 'x'.repeat(MAX_BODY) }),
    });
    expect([res.status, res.json.ErrorCode]).toEqual([400, 'EntityTooLarge']);
    expect(res.json.ErrorMessage).toContain(String(MAX_BODY));
    expect(res.headers['x-fc-request-id']).toMatch(UUID);
  });

  it('stops reading a chunked body at the cap: 400 EntityTooLarge, nothing stored', async () => {
    const date = new Date().toUTCString();
    const { authorizationHeader } = await import('../../src/fc/sign.js');
    const headers: Record<string, string> = {
      date,
      'x-fc-account-id': sandbox.accountId,
      'content-type': 'application/json',
    };
    headers.authorization = authorizationHeader(sandbox.credentials, {
      method: 'POST',
      path: '/2016-08-15/services',
      headers,
    });
    const status = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = http.request(
        `${sandbox.url}/2016-08-15/services`,
        { method: 'POST', headers, agent: false },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, code: JSON.parse(text).ErrorCode }));
        },
      );
      req.on('error', reject);
      req.write('{"serviceName":"chunky","description":"');
      let sent = 0;
      const pump = (): void => {
        while (sent < MAX_BODY * 4) {
          sent += 4096;
          if (!req.write('y'.repeat(4096))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end('"}');
      };
      pump();
    }).catch((error) => ({ status: -1, code: String(error.code) }));
    // The server answers and closes; a client still writing may see the reset instead of the answer.
    expect([400, -1]).toContain(status.status);
    if (status.status === 400) expect(status.code).toBe('EntityTooLarge');
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/chunky' })).status).toBe(404);
  });

  it('survives a client that drops mid-body, and malformed HTTP gets a JSON 400', async () => {
    const { port } = new URL(sandbox.url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /2016-08-15/services HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"serviceName":');
        setImmediate(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toMatch(/x-fc-request-id: [0-9a-f-]{36}/);
    expect(reply).toContain('"ErrorCode":"InvalidArgument"');
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services' })).status).toBe(200);
  });
});

describe('Content-MD5', () => {
  /** Base64 of the hex MD5 digest: what the official Node SDK and fcw send. */
  const md5 = (body: string) => Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64');
  const SERVICES = '/2016-08-15/services';
  type Captured = { headers: Record<string, string>; body: string };

  /** One CreateService as our client sends it, captured (headers and body) on its way out. */
  async function capturedCreateService(serviceName: string): Promise<Captured> {
    let captured: Captured | undefined;
    const capture: typeof fetch = async (input, init) => {
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      captured = { headers, body: Buffer.from(init?.body as Uint8Array).toString('utf8') };
      return fetch(input, init);
    };
    const { url: endpoint, accountId, credentials } = sandbox;
    await new FcClient({ endpoint, accountId, credentials, fetch: capture, retries: 0 }).createService({ serviceName });
    return captured!;
  }

  it('a captured request replayed with another body is refused; without the header the signature fails', async () => {
    const original = await capturedCreateService('md5-original');
    expect(original.headers['content-md5']).toBe(md5(original.body));
    // Same length, other service: only the digest can tell.
    const forged = original.body.replace('md5-original', 'md5-forged00');
    expect(forged.length).toBe(original.body.length);
    const post = (headers: Record<string, string>) =>
      rawRequest(sandbox.url, { method: 'POST', path: SERVICES, headers, body: forged });
    const replayed = await post(original.headers);
    expect([replayed.status, replayed.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(replayed.json.ErrorMessage).toMatch(/Content-MD5 header '[^']+' does not match the body/);
    const { 'content-md5': _dropped, ...withoutDigest } = original.headers;
    const stripped = await post(withoutDigest);
    expect([stripped.status, stripped.json.ErrorCode]).toEqual([403, 'SignatureNotMatch']);
    expect((await signed(sandbox, { method: 'GET', path: `${SERVICES}/md5-forged00` })).status).toBe(404);
  });

  it('a signed but wrong Content-MD5 gets 400 InvalidArgument naming the header; nothing is stored', async () => {
    const body = json({ serviceName: 'md5-wrong' });
    const wrong = md5('something else');
    const res = await signed(sandbox, { method: 'POST', path: SERVICES, body, headers: { 'content-md5': wrong } });
    expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(res.json.ErrorMessage).toContain(
      `the Content-MD5 header '${wrong}' does not match the body: its MD5 is '${md5(body)}'`,
    );
    expect((await signed(sandbox, { method: 'GET', path: `${SERVICES}/md5-wrong` })).status).toBe(404);
  });

  it('no Content-MD5 (as the official Python SDK sends) still works; RFC 1864 base64 is accepted too', async () => {
    const plain = await signed(sandbox, { method: 'POST', path: SERVICES, body: json({ serviceName: 'md5-none' }) });
    expect(plain.status).toBe(200);
    const body = json({ serviceName: 'md5-rfc' });
    const rfc = createHash('md5').update(body).digest('base64');
    const withRfc = await signed(sandbox, { method: 'POST', path: SERVICES, body, headers: { 'content-md5': rfc } });
    expect(withRfc.status).toBe(200);
  });
});

describe('the function lifecycle', () => {
  it('lists with paging, updates under If-Match, serves the code, and deletes in order', async () => {
    await signed(sandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 'life' }) });
    const base = '/2016-08-15/services/life/functions';
    for (const name of ['f3', 'f1', 'f2']) {
      const res = await signed(sandbox, {
        method: 'POST',
        path: base,
        body: json({
          functionName: name,
          runtime: 'python3',
          handler: 'index.handler',
          code: { zipFile: zip.toString('base64') },
        }),
      });
      expect(res.status).toBe(200);
    }
    const page1 = await signed(sandbox, { method: 'GET', path: `${base}?limit=2` });
    expect(page1.json.functions.map((f: { functionName: string }) => f.functionName)).toEqual(['f1', 'f2']);
    const page2 = await signed(sandbox, { method: 'GET', path: `${base}?limit=2&nextToken=${page1.json.nextToken}` });
    expect(page2.json).toEqual({ functions: [expect.objectContaining({ functionName: 'f3' })] });

    const got = await signed(sandbox, { method: 'GET', path: `${base}/f1` });
    const etag = got.headers.etag as string;
    const stale = await signed(sandbox, {
      method: 'PUT',
      path: `${base}/f1`,
      body: json({ memorySize: 256 }),
      headers: { 'if-match': 'deadbeef' },
    });
    expect([stale.status, stale.json.ErrorCode]).toEqual([412, 'PreconditionFailed']);

    const zip2 = await makeZip('def handler(e, c):\n    return "v2"\n');
    const updated = await signed(sandbox, {
      method: 'PUT',
      path: `${base}/f1`,
      body: json({ memorySize: 256, code: { zipFile: zip2.toString('base64') } }),
      headers: { 'if-match': etag, 'x-fc-code-checksum': crc64(zip2) },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      memorySize: 256,
      timeout: 60,
      codeChecksum: crc64(zip2),
      codeSize: zip2.length,
      functionId: got.json.functionId,
      createdTime: got.json.createdTime,
    });
    expect(updated.headers.etag).not.toBe(etag);
    const reused = await signed(sandbox, {
      method: 'PUT',
      path: `${base}/f1`,
      body: json({ timeout: 30 }),
      headers: { 'if-match': etag },
    });
    expect(reused.status).toBe(412);
    const noIfMatch = await signed(sandbox, { method: 'PUT', path: `${base}/f1`, body: json({ timeout: 30 }) });
    expect([noIfMatch.status, noIfMatch.json.timeout, noIfMatch.json.memorySize]).toEqual([200, 30, 256]);
    const rename = await signed(sandbox, { method: 'PUT', path: `${base}/f1`, body: json({ functionName: 'other' }) });
    expect(rename.status).toBe(400);

    // Only the current zip is kept on disk.
    const codeDir = path.join(sandbox.dataDir, 'services', 'life', 'code');
    expect((await readdir(codeDir)).filter((n) => n.startsWith('f1.'))).toHaveLength(1);

    const code = await signed(sandbox, { method: 'GET', path: `${base}/f1/code` });
    expect(code.json.checksum).toBe(crc64(zip2));
    const download = await rawRequest(code.json.url.replace(/\?.*/, '').replace(/^(https?:\/\/[^/]+).*/, '$1'), {
      method: 'GET',
      path: code.json.url.replace(/^https?:\/\/[^/]+/, ''),
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(crc64(download.body)).toBe(crc64(zip2));
    const tampered = await rawRequest(sandbox.url, {
      method: 'GET',
      path: code.json.url
        .replace(/^https?:\/\/[^/]+/, '')
        .replace(/signature=(.)/, (_m: string, c: string) => `signature=${c === '0' ? '1' : '0'}`),
    });
    expect(tampered.status).toBe(403);

    // The function runs (its package has no index.py: a function error, still HTTP 200).
    const invoke = await signed(sandbox, { method: 'POST', path: `${base}/f1/invocations`, body: '{}' });
    expect([invoke.status, invoke.headers['x-fc-error-type']]).toEqual([200, 'UnhandledInvocationError']);
    expect(invoke.json.errorType).toBe('ModuleNotFoundError');

    const notEmpty = await signed(sandbox, { method: 'DELETE', path: '/2016-08-15/services/life' });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.json.ErrorMessage).toContain('3 function');
    const staleDelete = await signed(sandbox, {
      method: 'DELETE',
      path: `${base}/f2`,
      headers: { 'if-match': 'nope' },
    });
    expect(staleDelete.status).toBe(412);
    for (const name of ['f1', 'f2', 'f3']) {
      const del = await signed(sandbox, { method: 'DELETE', path: `${base}/${name}` });
      expect(del.status).toBe(204);
      expect(del.headers['x-fc-request-id']).toMatch(UUID);
    }
    const gone = await signed(sandbox, { method: 'GET', path: `${base}/f1` });
    expect([gone.status, gone.json.ErrorCode]).toEqual([404, 'FunctionNotFound']);
    expect(await readdir(codeDir)).toEqual([]);
    const oldUrl = await rawRequest(sandbox.url, {
      method: 'GET',
      path: code.json.url.replace(/^https?:\/\/[^/]+/, ''),
    });
    expect(oldUrl.status).toBe(404);
    expect((await signed(sandbox, { method: 'DELETE', path: '/2016-08-15/services/life' })).status).toBe(204);
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/life' })).status).toBe(404);
  });

  it('updates a service under If-Match and keeps its name', async () => {
    await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services',
      body: json({ serviceName: 'svc2', description: 'one' }),
    });
    const got = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/svc2' });
    expect(got.json).toMatchObject({ serviceName: 'svc2', description: 'one', internetAccess: true });
    const stale = await signed(sandbox, {
      method: 'PUT',
      path: '/2016-08-15/services/svc2',
      body: json({ description: 'two' }),
      headers: { 'if-match': 'x' },
    });
    expect(stale.status).toBe(412);
    const ok = await signed(sandbox, {
      method: 'PUT',
      path: '/2016-08-15/services/svc2',
      body: json({ description: 'two' }),
      headers: { 'if-match': got.headers.etag as string },
    });
    expect([ok.status, ok.json.description, ok.json.serviceId]).toEqual([200, 'two', got.json.serviceId]);
  });
});

describe('slow clients', () => {
  it('closes a connection whose headers or body stall past the deadlines, and keeps serving', async () => {
    const { dir, remove } = await tempDir();
    // The idle timeout is far beyond the test's own, so a close can only come from the headers and
    // request deadlines: no clock is read, however slow the machine.
    const slow = await startSandbox({
      dataDir: dir,
      timeouts: { headersMs: 300, requestMs: 600, idleMs: 60 * 60_000 },
    });
    try {
      const { port } = new URL(slow.url);
      const stall = (text: string) =>
        new Promise<{ reply: string }>((resolve) => {
          let reply = '';
          const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
          socket.on('data', (d) => (reply += d));
          socket.on('error', () => {});
          socket.on('close', () => resolve({ reply }));
        });
      // Both settle only when the sandbox closes the connection: the stalled body is closed too.
      const [headers] = await Promise.all([
        stall('GET /2016-08-15/services HTTP/1.1\r\nHost: x\r\n'),
        stall('POST /2016-08-15/services HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"serviceName":'),
      ]);
      expect(headers.reply).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.reply).toContain('x-fc-request-id');
      expect((await signed(slow, { method: 'GET', path: '/2016-08-15/services' })).status).toBe(200);
    } finally {
      await slow.close();
      await remove();
    }
  });
});
