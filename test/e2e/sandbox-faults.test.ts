// The sandbox under faults: a write that fails after the body was read still gets an answer (500,
// request id, cause in the log); a corrupt function record does not break its service; an upload
// that finds every large-body slot taken is told 503 with Retry-After at once.
import http, { type Server } from 'node:http';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';

import { FcClient } from '../../src/fc/client.js';
import { FcApiError } from '../../src/fc/errors.js';
import { authorizationHeader } from '../../src/fc/sign.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSandboxServer } from '../../src/sandbox/server.js';
import { SandboxStore, type StagedCode } from '../../src/sandbox/store.js';
import { json, signed, tempDir } from './sandbox-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function zipOf(text: string): Promise<Buffer> {
  const z = new JSZip();
  z.file('index.py', text, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer' });
}

const createFunction = (sandbox: Pick<RunningSandbox, 'url' | 'accountId' | 'credentials'>, service: string, name: string, zip: Buffer) =>
  signed(sandbox as RunningSandbox, {
    method: 'POST',
    path: `/2016-08-15/services/${service}/functions`,
    body: json({ functionName: name, runtime: 'python3', handler: 'index.handler', code: { zipFile: zip.toString('base64') } }),
    headers: { 'x-fc-code-checksum': crc64(zip) },
  });

/** A sandbox whose log lines are kept; a short idle timeout makes a missing answer fail fast. */
async function loggedSandbox(): Promise<{ sandbox: RunningSandbox; dir: string; log: string[] }> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  const log: string[] = [];
  const sandbox = await startSandbox({ dataDir: dir, log: (line) => log.push(line), timeouts: { idleMs: 3_000 } });
  cleanups.push(() => sandbox.close());
  expect((await signed(sandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 's' }) })).status).toBe(200);
  return { sandbox, dir, log };
}

describe('an internal error after the body was read', () => {
  it('is answered 500 InternalServerError with a request id, and logged with its cause (a file where staging should be)', async () => {
    const { sandbox, dir, log } = await loggedSandbox();
    await rm(path.join(dir, 'staging'), { recursive: true });
    await writeFile(path.join(dir, 'staging'), 'not a folder');
    const res = await createFunction(sandbox, 's', 'f', await zipOf('x = 1\n'));
    expect(res.status).toBe(500);
    expect(res.json.ErrorCode).toBe('InternalServerError');
    const requestId = res.headers['x-fc-request-id'] as string;
    expect(requestId).toMatch(UUID);
    expect(res.json.ErrorMessage).toContain(requestId);
    const logged = log.find((line) => line.startsWith(`internal error ${requestId}`));
    expect(logged).toMatch(/ENOTDIR/);
    expect(log).toContain(log.find((line) => line.startsWith('POST /2016-08-15/services/s/functions 500 ') && line.endsWith(requestId)));
    // Nothing half-made: no record, and the service still serves.
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions/f' })).status).toBe(404);
  });

  it('is answered 500 when the disk is full (an injected ENOSPC while staging)', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    class FullDisk extends SandboxStore {
      override async stageCode(): Promise<StagedCode> {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
    }
    const store = new FullDisk(dir);
    await store.init();
    const credentials = { accessKeyId: 'LTAIsandboxfaultsABCDEF', accessKeySecret: 'secret-for-the-faults-test-000' };
    const log: string[] = [];
    let url = '';
    const { server } = createSandboxServer({ store, accountId: '1234567890123456', credentials, log: (l) => log.push(l), timeouts: { idleMs: 3_000 } }, () => url);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sandbox = { url, accountId: '1234567890123456', credentials };
    expect((await signed(sandbox as RunningSandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 's' }) })).status).toBe(200);
    const res = await createFunction(sandbox, 's', 'f', await zipOf('x = 1\n'));
    expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    expect(log.find((line) => line.startsWith(`internal error ${res.headers['x-fc-request-id']}`))).toMatch(/ENOSPC/);
    server.closeAllConnections();
  });
});

describe('a corrupt function record', () => {
  async function withCorrupt(): Promise<{ sandbox: RunningSandbox; dir: string; log: string[] }> {
    const setup = await loggedSandbox();
    for (const name of ['a', 'broken', 'c']) expect((await createFunction(setup.sandbox, 's', name, await zipOf(`n = '${name}'\n`))).status).toBe(200);
    // What a disk error or a hand edit leaves: JSON cut short.
    await writeFile(path.join(setup.dir, 'services', 's', 'functions', 'broken.json'), '{"functionName": "broken", "runt');
    return setup;
  }

  it('is left out of ListFunctions, which logs it, and the others are still listed', async () => {
    const { sandbox, log } = await withCorrupt();
    const list = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions' });
    expect(list.status).toBe(200);
    expect(list.json.functions.map((f: { functionName: string }) => f.functionName)).toEqual(['a', 'c']);
    expect(log.some((line) => /corrupt/.test(line) && line.includes('broken.json'))).toBe(true);
  });

  it('GetFunction and UpdateFunction on it answer 500 naming the record and how to remove it', async () => {
    const { sandbox } = await withCorrupt();
    for (const method of ['GET', 'PUT']) {
      const res = await signed(sandbox, { method, path: '/2016-08-15/services/s/functions/broken', ...(method === 'PUT' ? { body: json({ timeout: 9 }) } : {}) });
      expect([res.status, res.json.ErrorCode], method).toEqual([500, 'InternalServerError']);
      expect(res.json.ErrorMessage).toMatch(/function 'broken' in service 's'.*broken\.json.*corrupt/);
      expect(res.json.ErrorMessage).toContain('DeleteFunction');
    }
  });

  it('DeleteFunction removes it and its zip; the name can be created again', async () => {
    const { sandbox, dir } = await withCorrupt();
    const deleted = await signed(sandbox, { method: 'DELETE', path: '/2016-08-15/services/s/functions/broken' });
    expect(deleted.status).toBe(204);
    const zips = await readdir(path.join(dir, 'services', 's', 'code'));
    expect(zips.filter((z) => z.startsWith('broken.'))).toEqual([]);
    expect(zips).toHaveLength(2);
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions/broken' })).status).toBe(404);
    expect((await createFunction(sandbox, 's', 'broken', await zipOf('n = 2\n'))).status).toBe(200);
  });

  it('a record that parses but is not a function record counts as corrupt too', async () => {
    const { sandbox, dir } = await withCorrupt();
    await writeFile(path.join(dir, 'services', 's', 'functions', 'broken.json'), JSON.stringify({ functionName: 'broken', codeFile: '../../x.zip' }));
    const res = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions/broken' });
    expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    expect(res.json.ErrorMessage).toMatch(/corrupt/);
    const list = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions' });
    expect(list.json.functions).toHaveLength(2);
  });
});

describe('large uploads past the limit', () => {
  /** Starts a signed CreateFunction whose body is sent only in part (a slow upload); `finish` sends the rest. */
  function startUpload(sandbox: RunningSandbox, body: string): { answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }>; finish(): void; abort(): void } {
    const target = '/2016-08-15/services/s/functions';
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-fc-account-id': sandbox.accountId,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    headers.authorization = authorizationHeader(sandbox.credentials, { method: 'POST', path: target, headers });
    const req = http.request(`${sandbox.url}${target}`, { method: 'POST', headers, agent: false });
    const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
    });
    answer.catch(() => {}); // an aborted upload's error is expected
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    return { answer, finish: () => req.end(body.slice(half)), abort: () => req.destroy() };
  }

  it('a third is answered 503 ResourceThrottled with Retry-After at once, and a freed turn is usable again', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const sandbox = await startSandbox({ dataDir: dir, largeBodies: { bytes: 1024, concurrent: 2, retryAfterS: 7 }, timeouts: { idleMs: 3_000 } });
    cleanups.push(() => sandbox.close());
    expect((await signed(sandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 's' }) })).status).toBe(200);
    const bodyOf = async (name: string) => {
      const zip = await zipOf(`n = '${name}'\n${'#'.repeat(4096)}\n`);
      return json({ functionName: name, runtime: 'python3', handler: 'index.handler', code: { zipFile: zip.toString('base64') } });
    };

    // Three slow uploads at once: whichever comes third finds both turns held, and is answered
    // at once while the other two are still unfinished (it used to wait unread until reset).
    const uploads = await Promise.all(['u0', 'u1', 'u2'].map(async (name) => startUpload(sandbox, await bodyOf(name))));
    const { refused, index } = await Promise.race(uploads.map((u, i) => u.answer.then((refused) => ({ refused, index: i }))));
    expect(refused.status).toBe(503);
    expect(refused.json.ErrorCode).toBe('ResourceThrottled');
    expect(refused.headers['retry-after']).toBe('7');
    expect(refused.headers['x-fc-request-id']).toMatch(UUID);
    expect(refused.json.ErrorMessage).toMatch(/2 large uploads/);
    const [holder, other] = uploads.filter((_, i) => i !== index);
    // Small requests need no turn.
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s' })).status).toBe(200);

    holder.finish();
    expect((await holder.answer).status).toBe(200);
    const again = startUpload(sandbox, await bodyOf('again'));
    again.finish();
    expect((await again.answer).status).toBe(200);
    other.abort();
    const names = (await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions' })).json.functions.map((f: { functionName: string }) => f.functionName);
    expect(names).toHaveLength(2);
    expect(names).toContain('again');
  });
});

describe('a refused upload still being sent', () => {
  it('may finish sending after the 503 and reads it, on a connection that stays usable (no reset under its writes)', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const sandbox = await startSandbox({ dataDir: dir, largeBodies: { bytes: 1024, concurrent: 0, retryAfterS: 1 } });
    cleanups.push(() => sandbox.close());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const target = '/2016-08-15/services';
    const body = json({ serviceName: 'big', description: 'x'.repeat(512 * 1024) });
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-fc-account-id': sandbox.accountId,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    headers.authorization = authorizationHeader(sandbox.credentials, { method: 'POST', path: target, headers });
    const outcome = await new Promise<{ status: number; code: string; error?: string }>((resolve) => {
      const req = http.request(`${sandbox.url}${target}`, { method: 'POST', headers, agent });
      let answer: { status: number; code: string } | undefined;
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          answer = { status: res.statusCode!, code: JSON.parse(text).ErrorCode };
          // The answer came while we were still sending: send the rest, as a client in mid-write would.
          req.end(body.slice(1000), () => resolve(answer!));
        });
      });
      req.on('error', (error) => resolve({ ...(answer ?? { status: -1, code: '' }), error: (error as NodeJS.ErrnoException).code ?? error.message }));
      // Closed before the rest could be sent (the end callback never ran): the connection was cut.
      req.on('close', () => setImmediate(() => resolve({ ...(answer ?? { status: -1, code: '' }), error: 'closed under the writes' })));
      req.write(body.slice(0, 1000));
    });
    expect(outcome).toEqual({ status: 503, code: 'ResourceThrottled' });
    // The rest was read and thrown away, so the same connection serves the next request.
    const next = await new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const get = http.request(`${sandbox.url}/sandbox-info`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, reused: get.reusedSocket }));
      });
      get.on('error', reject);
      get.end();
    });
    expect(next).toEqual({ status: 200, reused: true });
  });
});

describe("fcw's client on that 503", () => {
  it('retries it, as nothing was done (a create too), then reports 503 ResourceThrottled', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    // No turn at all, and Retry-After 0: every large upload is refused at once.
    const lines: string[] = [];
    const sandbox = await startSandbox({ dataDir: dir, largeBodies: { bytes: 1024, concurrent: 0, retryAfterS: 0 }, log: (line) => lines.push(line) });
    cleanups.push(() => sandbox.close());
    const client = new FcClient({
      endpoint: sandbox.url,
      accountId: sandbox.accountId,
      credentials: sandbox.credentials,
      retries: 2,
      retryDelayMs: () => 0,
    });
    await client.createService({ serviceName: 's' });
    const zip = await zipOf(`x = 1\n${'#'.repeat(4096)}\n`);
    const error = await client
      .createFunction('s', { functionName: 'f', runtime: 'python3', handler: 'index.handler' }, { kind: 'zip', zip, checksum: crc64(zip) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcApiError);
    expect([(error as FcApiError).status, (error as FcApiError).code]).toEqual([503, 'ResourceThrottled']);
    expect(lines.filter((line) => line.startsWith('POST /2016-08-15/services/s/functions 503 '))).toHaveLength(3);
    // Reads carry no body, so they never need a turn.
    await expect(client.getService('s')).resolves.toMatchObject({ data: { serviceName: 's' } });
    await expect(client.getFunction('s', 'f')).rejects.toMatchObject({ status: 404 });
  });
});
