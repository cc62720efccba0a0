// The sandbox under faults: a write that fails after the body was read still gets an answer (500,
// request id, cause in the log); a corrupt function record does not break its service; an upload
// that finds every large-body turn taken is told 503 with Retry-After at once.
import http from 'node:http';
import net from 'node:net';
import { readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';

import { FcClient } from '../../src/fc/client.js';
import { FcApiError } from '../../src/fc/errors.js';
import { authorizationHeader } from '../../src/fc/sign.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';
import { createSandboxServer } from '../../src/sandbox/server.js';
import { SandboxStore, type StagedCode } from '../../src/sandbox/store.js';
import { json, signed, tempDir, type RawResponse } from './sandbox-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FUNCTIONS = '/2016-08-15/services/s/functions';
type Target = Pick<RunningSandbox, 'url' | 'accountId' | 'credentials'>;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function zipOf(text: string): Promise<Buffer> {
  const z = new JSZip();
  z.file('index.py', text, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer' });
}

const call = (target: Target, method: string, at: string, body?: unknown): Promise<RawResponse> =>
  signed(target as RunningSandbox, { method, path: at, ...(body === undefined ? {} : { body: json(body) }) });

function createBody(name: string, zip: Buffer): string {
  const code = { zipFile: zip.toString('base64') };
  return json({ functionName: name, runtime: 'python3', handler: 'index.handler', code });
}

const createFunction = (target: Target, name: string, zip: Buffer) =>
  signed(target as RunningSandbox, {
    method: 'POST',
    path: FUNCTIONS,
    body: createBody(name, zip),
    headers: { 'x-fc-code-checksum': crc64(zip) },
  });

/** A started sandbox with service `s`, its log lines kept; a short idle timeout makes a missing answer fail fast. */
async function sandboxWithService(options: Partial<StartSandboxOptions> = {}) {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  const log: string[] = [];
  const keep = (line: string) => log.push(line);
  const sandbox = await startSandbox({ dataDir: dir, log: keep, timeouts: { idleMs: 3_000 }, ...options });
  cleanups.push(() => sandbox.close());
  expect((await call(sandbox, 'POST', '/2016-08-15/services', { serviceName: 's' })).status).toBe(200);
  return { sandbox, dir, log };
}

describe('an internal error after the body was read', () => {
  it('is answered 500 with a request id and logged with its cause (a file where staging should be)', async () => {
    const { sandbox, dir, log } = await sandboxWithService();
    await rm(path.join(dir, 'staging'), { recursive: true });
    await writeFile(path.join(dir, 'staging'), 'not a folder');
    const res = await createFunction(sandbox, 'f', await zipOf('x = 1\n'));
    expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    const requestId = res.headers['x-fc-request-id'] as string;
    expect(requestId).toMatch(UUID);
    expect(res.json.ErrorMessage).toContain(requestId);
    expect(log.find((line) => line.startsWith(`internal error ${requestId}`))).toMatch(/ENOTDIR/);
    expect(log.some((line) => line.startsWith(`POST ${FUNCTIONS} 500 `) && line.endsWith(requestId))).toBe(true);
    // Nothing half-made: no record, and the service still serves.
    expect((await call(sandbox, 'GET', `${FUNCTIONS}/f`)).status).toBe(404);
  });

  it('is answered 500 when the disk is full (an injected ENOSPC while staging)', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    class FullDisk extends SandboxStore {
      override async stageCode(): Promise<StagedCode> {
        const error = new Error('ENOSPC: no space left on device, write');
        throw Object.assign(error, { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
    }
    const store = new FullDisk(dir);
    await store.init();
    const target = {
      url: '',
      accountId: '1234567890123456',
      credentials: { accessKeyId: 'LTAIsandboxfaultsABCDEF', accessKeySecret: 'secret-for-the-faults-test-000' },
    };
    const log: string[] = [];
    const { server } = createSandboxServer({ ...target, store, log: (line) => log.push(line) }, () => target.url);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(async () => server.closeAllConnections());
    target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await call(target, 'POST', '/2016-08-15/services', { serviceName: 's' })).status).toBe(200);
    const res = await createFunction(target, 'f', await zipOf('x = 1\n'));
    expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    expect(log.find((line) => line.startsWith(`internal error ${res.headers['x-fc-request-id']}`))).toMatch(/ENOSPC/);
  });
});

describe('a corrupt function record', () => {
  async function withCorrupt() {
    const setup = await sandboxWithService();
    for (const name of ['a', 'broken', 'c']) {
      expect((await createFunction(setup.sandbox, name, await zipOf(`n = '${name}'\n`))).status).toBe(200);
    }
    // What a disk error or a hand edit leaves: JSON cut short.
    const file = path.join(setup.dir, 'services', 's', 'functions', 'broken.json');
    await writeFile(file, '{"functionName": "broken", "runt');
    return setup;
  }

  it('is left out of ListFunctions, which logs it, and the others are still listed', async () => {
    const { sandbox, log } = await withCorrupt();
    const list = await call(sandbox, 'GET', FUNCTIONS);
    expect(list.status).toBe(200);
    expect(list.json.functions.map((f: { functionName: string }) => f.functionName)).toEqual(['a', 'c']);
    expect(log.some((line) => /corrupt/.test(line) && line.includes('broken.json'))).toBe(true);
  });

  it('GetFunction and UpdateFunction on it answer 500 naming the record and how to remove it', async () => {
    const { sandbox } = await withCorrupt();
    const got = await call(sandbox, 'GET', `${FUNCTIONS}/broken`);
    const updated = await call(sandbox, 'PUT', `${FUNCTIONS}/broken`, { timeout: 9 });
    for (const res of [got, updated]) {
      expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
      expect(res.json.ErrorMessage).toMatch(/function 'broken' in service 's'.*broken\.json.*corrupt/);
      expect(res.json.ErrorMessage).toContain('DeleteFunction');
    }
  });

  it('DeleteFunction removes it and its zip; the name can be created again', async () => {
    const { sandbox, dir } = await withCorrupt();
    expect((await call(sandbox, 'DELETE', `${FUNCTIONS}/broken`)).status).toBe(204);
    const zips = await readdir(path.join(dir, 'services', 's', 'code'));
    expect(zips.filter((z) => z.startsWith('broken.'))).toEqual([]);
    expect(zips).toHaveLength(2);
    expect((await call(sandbox, 'GET', `${FUNCTIONS}/broken`)).status).toBe(404);
    expect((await createFunction(sandbox, 'broken', await zipOf('n = 2\n'))).status).toBe(200);
  });

  it('a record that parses but is not a function record counts as corrupt too', async () => {
    const { sandbox, dir } = await withCorrupt();
    const record = { functionName: 'broken', codeFile: '../../x.zip' };
    await writeFile(path.join(dir, 'services', 's', 'functions', 'broken.json'), JSON.stringify(record));
    const res = await call(sandbox, 'GET', `${FUNCTIONS}/broken`);
    expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    expect(res.json.ErrorMessage).toMatch(/corrupt/);
    expect((await call(sandbox, 'GET', FUNCTIONS)).json.functions).toHaveLength(2);
  });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** FC's error body, or a function record (only its status is looked at then). */
  json: { ErrorCode?: string; ErrorMessage?: string } | null;
}

/** Signed headers for a POST of `body` to `at`. */
function postHeaders(target: Target, at: string, body: string): Record<string, string> {
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    'x-fc-account-id': target.accountId,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  headers.authorization = authorizationHeader(target.credentials, { method: 'POST', path: at, headers });
  return headers;
}

/** A signed CreateFunction whose body is sent only in part (a slow upload); `finish` sends the rest. */
function startUpload(target: Target, body: string) {
  const headers = postHeaders(target, FUNCTIONS, body);
  const req = http.request(`${target.url}${FUNCTIONS}`, { method: 'POST', headers, agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
  });
  answer.catch(() => {}); // an aborted upload's error is expected
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)), abort: () => req.destroy() };
}

describe('large uploads past the limit', () => {
  it('a third is answered 503 ResourceThrottled with Retry-After at once; a freed turn is usable again', async () => {
    const { sandbox } = await sandboxWithService({ largeBodies: { bytes: 1024, concurrent: 2, retryAfterS: 7 } });
    const bodyOf = async (name: string) => createBody(name, await zipOf(`n = '${name}'\n${'#'.repeat(4096)}\n`));

    // Three slow uploads at once: whichever comes third finds both turns held, and is answered
    // at once while the other two are still unfinished (it used to wait unread until reset).
    const uploads = await Promise.all(['u0', 'u1', 'u2'].map(async (name) => startUpload(sandbox, await bodyOf(name))));
    const first = await Promise.race(uploads.map((u, index) => u.answer.then((answer) => ({ answer, index }))));
    const refused = first.answer;
    expect([refused.status, refused.json?.ErrorCode]).toEqual([503, 'ResourceThrottled']);
    expect(refused.headers['retry-after']).toBe('7');
    expect(refused.headers['x-fc-request-id']).toMatch(UUID);
    expect(refused.json?.ErrorMessage).toMatch(/2 large uploads/);
    const [holder, other] = uploads.filter((_, i) => i !== first.index);
    if (!holder || !other) throw new Error('three uploads, one refused: two must be left');
    // Small requests need no turn.
    expect((await call(sandbox, 'GET', '/2016-08-15/services/s')).status).toBe(200);

    holder.finish();
    expect((await holder.answer).status).toBe(200);
    const again = startUpload(sandbox, await bodyOf('again'));
    again.finish();
    expect((await again.answer).status).toBe(200);
    other.abort();
    const listed: { functionName: string }[] = (await call(sandbox, 'GET', FUNCTIONS)).json.functions;
    const names = listed.map((f) => f.functionName);
    expect(names).toHaveLength(2);
    expect(names).toContain('again');
  });

  it('a refused upload may finish sending and read its 503; the connection stays usable (no reset)', async () => {
    const { sandbox } = await sandboxWithService({ largeBodies: { bytes: 1024, concurrent: 0, retryAfterS: 1 } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const at = '/2016-08-15/services';
    const body = json({ serviceName: 'big', description: 'x'.repeat(512 * 1024) });
    type Outcome = { status: number; code: string; error?: string };
    const outcome = await new Promise<Outcome>((resolve) => {
      const headers = postHeaders(sandbox, at, body);
      const req = http.request(`${sandbox.url}${at}`, { method: 'POST', headers, agent });
      let answer: Outcome = { status: -1, code: '' };
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          answer = { status: res.statusCode!, code: JSON.parse(text).ErrorCode };
          // The answer came while we were still sending: send the rest, as a client in mid-write would.
          req.end(body.slice(1000), () => resolve(answer));
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ ...answer, error: error.code ?? error.message }));
      // Closed before the rest could be sent (the end callback never ran): the connection was cut.
      req.on('close', () => setImmediate(() => resolve({ ...answer, error: 'closed under the writes' })));
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

  it('a refused endless upload is read only up to the body cap, then its connection is cut', async () => {
    const cap = 64 * 1024;
    const { sandbox } = await sandboxWithService({ maxBodyBytes: cap, largeBodies: { bytes: 1024, concurrent: 0 } });
    const at = '/2016-08-15/services';
    const headers = postHeaders(sandbox, at, '');
    delete headers['content-length']; // chunked: no size declared, so it needs a turn
    // Far more than the kernel's socket buffers hold (a few MB): a server that reads it all lets it
    // all be sent, and the test fails.
    const SENT_AT_MOST = 256 * 1024 * 1024;
    const { port } = new URL(sandbox.url);
    const outcome = await new Promise<{ reply: string; sent: number }>((resolve) => {
      // A raw socket, so that nothing but the server decides when the connection ends.
      const socket = net.connect(Number(port), '127.0.0.1');
      let reply = '';
      let sent = 0;
      let open = true;
      const stop = () => {
        open = false;
        resolve({ reply, sent });
      };
      socket.setEncoding('utf8').on('data', (d: string) => (reply += d));
      socket.on('error', stop);
      socket.on('close', stop);
      const head = Object.entries({ ...headers, host: `127.0.0.1:${port}`, 'transfer-encoding': 'chunked' })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      const chunk = `10000\r\n${'y'.repeat(0x10000)}\r\n`;
      const pump = () => {
        while (open && sent < SENT_AT_MOST) {
          sent += 0x10000;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (open) socket.end('0\r\n\r\n', stop);
      };
      socket.write(`POST ${at} HTTP/1.1\r\n${head}\r\n`);
      pump();
    });
    // The cut may reach the client before it has read the 503 (a reset can drop unread data).
    if (outcome.reply) expect(outcome.reply).toMatch(/^HTTP\/1\.1 503 /);
    expect(outcome.sent).toBeLessThan(SENT_AT_MOST);
  });

  it("fcw's client retries that 503 (nothing was done, so a create too), then reports it", async () => {
    // No turn at all, and Retry-After 0: every large upload is refused at once.
    const { sandbox, log } = await sandboxWithService({ largeBodies: { bytes: 1024, concurrent: 0, retryAfterS: 0 } });
    const { url: endpoint, accountId, credentials } = sandbox;
    const client = new FcClient({ endpoint, accountId, credentials, retries: 2, retryDelayMs: () => 0 });
    const zip = await zipOf(`x = 1\n${'#'.repeat(4096)}\n`);
    const config = { functionName: 'f', runtime: 'python3', handler: 'index.handler' };
    const upload = { kind: 'zip' as const, zip, checksum: crc64(zip) };
    const error = await client.createFunction('s', config, upload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcApiError);
    expect([(error as FcApiError).status, (error as FcApiError).code]).toEqual([503, 'ResourceThrottled']);
    expect(log.filter((line) => line.startsWith(`POST ${FUNCTIONS} 503 `))).toHaveLength(3);
    // Reads carry no body, so they never need a turn.
    await expect(client.getService('s')).resolves.toMatchObject({ data: { serviceName: 's' } });
    await expect(client.getFunction('s', 'f')).rejects.toMatchObject({ status: 404 });
  });
});

describe('a corrupt service record', () => {
  it('is left out of ListServices (logged); calls answer 500 naming the file and the folder to delete', async () => {
    const { sandbox, dir, log } = await sandboxWithService();
    expect((await call(sandbox, 'POST', '/2016-08-15/services', { serviceName: 'other' })).status).toBe(200);
    await writeFile(path.join(dir, 'services', 's', 'service.json'), '{"serviceName": "s", "et');
    const list = await call(sandbox, 'GET', '/2016-08-15/services');
    expect(list.json.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['other']);
    expect(log.some((line) => /corrupt/.test(line) && line.includes('service.json'))).toBe(true);
    const got = await call(sandbox, 'GET', FUNCTIONS);
    expect([got.status, got.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    expect(got.json.ErrorMessage).toMatch(/service 's'.*service\.json.*corrupt.*delete the folder services\/s /);
  });
});
