// deploy() against the real in-process sandbox, over HTTP, with the real signed client.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CancelledError, UsageError } from '../../src/core/errors.js';
import { buildSpec } from '../../src/commands/deploy-spec.js';
import type { DeploySpec } from '../../src/deploy/plan.js';
import { deploy, type DeployDeps, type DeployPackager, type DeployPhase } from '../../src/deploy/run.js';
import { FcClient } from '../../src/fc/client.js';
import { buildPackage, checkHandler, loadZipPackage } from '../../src/package/index.js';
import type { PackageResult } from '../../src/package/types.js';
import { crc64 } from '../../src/package/crc64.js';
import { ProfileStore } from '../../src/profiles/store.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { startChecksumTamperingProxy } from '../helpers/tampering-proxy.js';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

let root: string;
let sandbox: RunningSandbox;
let sent: Sent[];
let client: FcClient;
let other: FcClient;
let codeDir: string;
let counter = 0;

/** Deterministic zip of a folder (fixed dates), as the packager builds it. */
async function zipFolder(dir: string): Promise<Buffer> {
  const zip = new JSZip();
  for (const name of fs.readdirSync(dir).sort()) {
    zip.file(name, fs.readFileSync(path.join(dir, name)), {
      date: new Date('2020-01-01T00:00:00Z'),
      unixPermissions: 0o644,
    });
  }
  return zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' });
}

// The real packager.
const packager: DeployPackager = {
  buildPackage,
  loadZipPackage,
  checkHandler: (pkg, runtime, handler, field) => checkHandler(pkg as PackageResult, runtime, handler, field),
};

/** A fetch that records what our client sends, so tests can see the writes (and their absence). */
const recordingFetch: typeof fetch = async (input, init) => {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
  let body = '';
  if (init?.body instanceof Uint8Array || typeof init?.body === 'string')
    body = Buffer.from(init.body as Uint8Array).toString('utf8');
  else if (init?.body && typeof (init.body as ReadableStream).getReader === 'function') {
    // Streamed zip bodies: read them here and hand fetch the bytes.
    const chunks: Uint8Array[] = [];
    const reader = (init.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const bytes = Buffer.concat(chunks);
    body = bytes.toString('utf8');
    init = { ...init, body: bytes, duplex: undefined } as RequestInit;
  }
  sent.push({ method: init?.method ?? 'GET', url: String(input), headers, body });
  return fetch(input, init);
};

function deps(): DeployDeps {
  return { client, packager };
}

function writes(): Sent[] {
  return sent.filter((s) => s.method !== 'GET');
}

function specFor(fn: string, overrides: Parameters<typeof buildSpec>[1] = {}): DeploySpec {
  return buildSpec(
    undefined,
    {
      service: 'svc',
      createService: true,
      functionName: fn,
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: codeDir,
      memorySize: 256,
      ...overrides,
    },
    root,
  );
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-deploy-e2e-'));
  sandbox = await startSandbox({ port: 0, dataDir: path.join(root, 'sandbox') });
  client = new FcClient({
    endpoint: sandbox.url,
    accountId: sandbox.accountId,
    credentials: sandbox.credentials,
    fetch: recordingFetch,
    retries: 0,
  });
  other = new FcClient({
    endpoint: sandbox.url,
    accountId: sandbox.accountId,
    credentials: sandbox.credentials,
    retries: 0,
  });
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  sent = [];
  codeDir = path.join(root, `code-${++counter}`);
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "hello");\n');
});

describe('deploy() against the sandbox', () => {
  it('first deploy creates (the service too), second with nothing changed makes no write', async () => {
    const phases: DeployPhase[] = [];
    const first = await deploy(
      { spec: specFor('fresh'), onPhase: (p, d) => d.state === 'done' && phases.push(p) },
      deps(),
    );
    expect(first.status).toBe('created');
    expect(first.function?.functionId).toBeTruthy();
    expect(first.checksum.match).toBe(true);
    expect(first.checksum.local).toBe(first.function?.codeChecksum);
    expect(first.requestIds.length).toBeGreaterThanOrEqual(3);
    expect(phases).toEqual(['validate', 'package', 'read', 'plan', 'create-service', 'create', 'done']);
    expect(Object.keys(first.timings)).toEqual(expect.arrayContaining(['package', 'read', 'create', 'total']));
    expect(writes().map((w) => `${w.method} ${new URL(w.url).pathname}`)).toEqual([
      'POST /2016-08-15/services',
      'POST /2016-08-15/services/svc/functions',
    ]);

    const before = (await other.getFunction('svc', 'fresh')).data;
    sent = [];
    const second = await deploy({ spec: specFor('fresh') }, deps());
    expect(second.status).toBe('unchanged');
    expect(second.checksum).toEqual({ local: first.checksum.local, remote: first.checksum.local, match: true });
    expect(writes()).toEqual([]);
    expect((await other.getFunction('svc', 'fresh')).data.lastModifiedTime).toBe(before.lastModifiedTime);
  });

  it('warnings reach onWarning before the question and any write; the time at the question is not in total', async () => {
    const events: string[] = [];
    // A clock that stands still except for the minute spent at the question.
    let offset = 0;
    const clock = { now: () => offset, date: () => new Date() };
    const result = await deploy(
      {
        spec: specFor('warned', { handler: 'nothere.handler' }),
        onWarning: (message) => events.push(`warning ${message.slice(0, 20)} writes=${writes().length}`),
        confirm: async () => {
          events.push('confirm');
          offset += 60_000; // a minute at the y/N question
          return true;
        },
      },
      { ...deps(), clock },
    );
    expect(result.status).toBe('created');
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.indexOf('confirm')).toBeGreaterThan(0);
    expect(
      events.slice(0, events.indexOf('confirm')).every((e) => e.startsWith('warning ') && e.endsWith('writes=0')),
    ).toBe(true);
    expect(result.warnings.length).toBe(events.indexOf('confirm'));
    expect(result.timings.total).toBe(0);
  });

  it('the inline-size warning comes before the question when the code is sent, and not at all when it is not', async () => {
    // The packager reports a 60 MB zip (the sizes are what the warning reads; the bytes stay small).
    const big: DeployPackager = {
      ...packager,
      buildPackage: async (options) => ({ ...(await buildPackage(options)), zipBytes: 60 * 1024 * 1024 }),
    };
    const events: string[] = [];
    const input = (memorySize: number) => ({
      spec: specFor('sized', { memorySize }),
      onWarning: (message: string) => events.push(/inline zip/.test(message) ? 'size warning' : 'other warning'),
      confirm: async () => (events.push('confirm'), true),
    });
    expect((await deploy(input(256), { client, packager: big })).status).toBe('created');
    expect(events).toEqual(['size warning', 'confirm']);
    events.length = 0;
    // Same code, another memory size: an update that does not send the code.
    const second = await deploy(input(512), { client, packager: big });
    expect(second.status).toBe('updated');
    expect(second.codeSent).toBe(false);
    expect(events).toEqual(['confirm']);
  });

  it('a code change updates with the checksum header and the code; a config-only change sends no code', async () => {
    await deploy({ spec: specFor('codey') }, deps());
    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v2");\n');
    sent = [];
    const code = await deploy({ spec: specFor('codey') }, deps());
    expect(code.status).toBe('updated');
    expect(code.codeSent).toBe(true);
    expect(code.diff).toEqual([]);
    const put = writes();
    expect(put).toHaveLength(1);
    expect(put[0]?.method).toBe('PUT');
    expect(put[0]?.headers['x-fc-code-checksum']).toBe(code.checksum.local);
    expect(put[0]?.headers['if-match']).toBeTruthy();
    expect(put[0]?.body).toContain('"zipFile"');
    expect(code.function?.codeChecksum).toBe(code.checksum.local);

    sent = [];
    const config = await deploy({ spec: specFor('codey', { memorySize: 512, timeout: 20 }) }, deps());
    expect(config.status).toBe('updated');
    expect(config.codeSent).toBe(false);
    expect(config.diff.map((d) => d.field)).toEqual(['memorySize', 'timeout']);
    const put2 = writes();
    expect(put2).toHaveLength(1);
    expect(put2[0]?.headers['x-fc-code-checksum']).toBeUndefined();
    expect(JSON.parse(put2[0]?.body ?? '')).toEqual({ memorySize: 512, timeout: 20 });
    expect(config.function?.memorySize).toBe(512);
    expect(config.checksum.match).toBe(true);
  });

  it('a change made behind our back between read and write gives the 412 path: nothing overwritten', async () => {
    await deploy({ spec: specFor('raced') }, deps());
    const result = await deploy(
      {
        spec: specFor('raced', { memorySize: 1024 }),
        beforeWrite: async () => {
          await other.updateFunction('svc', 'raced', { timeout: 99, description: 'changed by a colleague' }, undefined);
        },
      },
      deps(),
    );
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('ChangedSinceRead');
    expect(result.error?.exitCode).toBe(1);
    expect(result.error?.message).toMatch(/changed by someone else since you read it/);
    expect(result.error?.message).toMatch(/timeout: 60 → 99/);
    expect(result.error?.message).toMatch(/memorySize: 256 → 1024/);
    expect(result.changedByOthers?.map((c) => c.field)).toEqual(['timeout', 'description']);
    const now = (await other.getFunction('svc', 'raced')).data;
    expect(now.memorySize).toBe(256);
    expect(now.timeout).toBe(99);
  });

  it('a function created between our read and our create turns into an update (409 race)', async () => {
    const result = await deploy(
      {
        spec: specFor('appeared', { memorySize: 512 }),
        beforeWrite: async () => {
          await other.createFunction(
            'svc',
            { functionName: 'appeared', runtime: 'nodejs18', handler: 'index.handler', memorySize: 128 },
            {
              kind: 'zip',
              ...(await (async () => {
                const zip = await zipFolder(codeDir);
                return { zip, checksum: crc64(zip) };
              })()),
            },
          );
        },
      },
      deps(),
    );
    expect(result.status).toBe('updated');
    expect(result.warnings.join('\n')).toMatch(/appeared between the read and the create/);
    expect(result.diff).toEqual([{ field: 'memorySize', from: 128, to: 512 }]);
    expect((await other.getFunction('svc', 'appeared')).data.memorySize).toBe(512);
  });

  it('--dry-run writes nothing and describes the exact requests, secrets redacted', async () => {
    const result = await deploy({ spec: specFor('dry', { description: 'dry' }), dryRun: true }, deps());
    expect(result.dryRun).toBe(true);
    expect(result.action).toBe('create');
    expect(writes()).toEqual([]);
    await expect(other.getFunction('svc', 'dry')).rejects.toMatchObject({ status: 404 });
    const create = result.requests?.find((r) => r.action === 'CreateFunction');
    expect(create?.method).toBe('POST');
    expect(create?.url).toBe(`${sandbox.url}/2016-08-15/services/svc/functions`);
    expect(create?.headers.authorization).toMatch(/<redacted>/);
    expect(JSON.stringify(create?.body)).toMatch(/<zip \d+ bytes, crc64 \d+>/);
    const text = JSON.stringify(result);
    expect(text).not.toContain(sandbox.credentials.accessKeySecret);
    expect(text).not.toContain(sandbox.credentials.accessKeyId);
  });

  it('a missing service without --create-service fails with the service error and its hint', async () => {
    const result = await deploy({ spec: specFor('x', { service: 'nosuchservice', createService: false }) }, deps());
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('ServiceNotFound');
    // Below the command the hint says what to do, not which flag: fcw deploy adds --create-service.
    expect(result.error?.hint).toMatch(/have the deploy create it/);
    expect(result.error?.hint).not.toMatch(/--/);
    expect(writes()).toEqual([]);
  });

  it('an update the service takes but answers with another codeChecksum fails, and is recorded so', async () => {
    await deploy({ spec: specFor('wrongsum') }, deps());
    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v2");\n');
    const proxy = await startChecksumTamperingProxy(sandbox.url, '999');
    try {
      const { accountId, credentials } = sandbox;
      const tampered = new FcClient({ endpoint: proxy.url, accountId, credentials, retries: 0 });
      const store = new ProfileStore({ dir: path.join(root, `profiles-${counter}`), stderr: process.stderr });
      const spec = specFor('wrongsum');
      store.save({ name: 'ws', target: { kind: 'local' }, ...spec });
      const result = await deploy({ spec, record: { store, name: 'ws' } }, { client: tampered, packager });
      const local = result.package?.checksum;
      expect(result.status).toBe('failed');
      expect(result.action).toBe('update');
      expect(result.checksum).toEqual({ local, remote: '999', match: false });
      expect(result.error).toMatchObject({ code: 'CodeChecksumMismatch', exitCode: 1 });
      expect(result.error?.message).toBe(
        `the service reports codeChecksum 999, but the package sent has CRC-64 ${local}: ` +
          'the function does not hold the package that was sent',
      );
      expect(result.warnings.join('\n')).not.toMatch(/checksum/);
      const recorded = store.get('ws')?.lastDeploy;
      expect(recorded).toMatchObject({ status: 'failed', codeChecksum: '999' });
      expect(recorded?.error).toMatch(/codeChecksum 999/);
    } finally {
      await proxy.close();
    }
  });

  it('records the last deploy in the profile, failures too, and the file holds no secret', async () => {
    const store = new ProfileStore({ dir: path.join(root, `profiles-${counter}`), stderr: process.stderr });
    const spec = specFor('recorded');
    store.save({
      name: 'rec',
      target: { kind: 'local' },
      service: spec.service,
      function: spec.function,
      code: spec.code,
    });
    const ok = await deploy({ spec, record: { store, name: 'rec' } }, deps());
    expect(store.get('rec')?.lastDeploy).toMatchObject({
      status: 'created',
      functionId: ok.function?.functionId,
      codeChecksum: ok.checksum.local,
      etag: ok.etag,
    });
    await deploy({ spec: { ...spec, service: { name: 'nosuchservice' } }, record: { store, name: 'rec' } }, deps());
    expect(store.get('rec')?.lastDeploy).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/ServiceNotFound/),
    });
    const text = fs.readFileSync(store.path, 'utf8');
    expect(text).not.toContain(sandbox.credentials.accessKeySecret);
    expect(text).not.toContain(sandbox.credentials.accessKeyId);
  });

  it('deploys an existing .zip as it is (its CRC-64 is the checksum), and warns about a handler the package lacks', async () => {
    const file = path.join(root, `given-${counter}.zip`);
    const bytes = await zipFolder(codeDir);
    fs.writeFileSync(file, bytes);
    const result = await deploy({ spec: specFor('zipped', { code: file, handler: 'main.handler' }) }, deps());
    expect(result.status).toBe('created');
    expect(result.checksum.local).toBe(crc64(bytes));
    expect(result.function?.codeChecksum).toBe(crc64(bytes));
    expect(result.warnings.join('\n')).toMatch(/main/);
  });

  it('uses a prebuilt package as is, without packaging again', async () => {
    const prebuilt = await buildPackage({ root: codeDir });
    const noPackager: DeployPackager = {
      buildPackage: () => Promise.reject(new Error('must not package again')),
      loadZipPackage: () => Promise.reject(new Error('must not package again')),
    };
    const result = await deploy({ spec: specFor('prebuilt'), prebuilt }, { client, packager: noPackager });
    expect(result.status).toBe('created');
    expect(result.function?.codeChecksum).toBe(prebuilt.checksum);
  });

  it('an invalid field is refused before any request (UsageError, exit 2)', async () => {
    await expect(deploy({ spec: specFor('bad', { memorySize: 100 }) }, deps())).rejects.toBeInstanceOf(UsageError);
    expect(sent).toEqual([]);
  });

  it('a declined confirmation and an aborted signal cancel without a write', async () => {
    await expect(deploy({ spec: specFor('nope'), confirm: async () => false }, deps())).rejects.toBeInstanceOf(
      CancelledError,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(deploy({ spec: specFor('nope'), signal: controller.signal }, deps())).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(writes()).toEqual([]);
  });

  it('a cancel after the write reached the service says it may have been applied (it was)', async () => {
    const controller = new AbortController();
    // The service takes and answers the create; the cancel lands before fcw reads the answer.
    const lateCancel: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method !== 'POST' || !String(input).endsWith('/functions')) return response;
      controller.abort();
      throw new DOMException('This operation was aborted', 'AbortError');
    };
    const cancelling = new FcClient({
      endpoint: sandbox.url,
      accountId: sandbox.accountId,
      credentials: sandbox.credentials,
      fetch: lateCancel,
      retries: 0,
    });
    const error = await deploy(
      { spec: specFor('landed'), signal: controller.signal },
      { client: cancelling, packager },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toContain('during CreateFunction');
    expect((error as Error).message).toContain('may have applied it');
    expect((error as { hint?: string }).hint).toContain('--dry-run');
    expect((await other.getFunction('svc', 'landed')).data.functionName).toBe('landed');
  });
});
