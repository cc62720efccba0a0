// A server that never answers: a read gets a shorter timeout per attempt and a bounded total, a
// write one long attempt and no retry, and the message gives the whole wait, not one attempt's.
// Small timeouts are injected; nothing here asserts on elapsed time, only on the message and on
// how many attempts the client made.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { deploy } from '../../src/deploy/run.js';
import { FcClient, type CodeUpload } from '../../src/fc/client.js';
import { FcOutcomeUnknownError, FcTimeoutError } from '../../src/fc/errors.js';
import type { Credentials, FunctionConfig } from '../../src/fc/types.js';
import { ACCOUNT_ID, startFakeFc, type FakeFc } from './client-fake-fc.js';
import { rejectionOf } from '../helpers/rejection.js';

const KEY: Credentials = { accessKeyId: 'LTAI_TIMEOUT_TEST', accessKeySecret: 'timeout-test-secret' };
const CONFIG: FunctionConfig = { functionName: 'hello', runtime: 'nodejs18', handler: 'index.handler' };
const ZIP: CodeUpload = {
  kind: 'zip',
  zip: Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64'),
  checksum: '2220831586920633690',
};

let fc: FakeFc;
beforeAll(async () => {
  fc = await startFakeFc(KEY, () => ({ hang: true }));
});
afterAll(() => fc.close());
afterEach(() => {
  vi.useRealTimers();
  expect(fc.badSignatures).toBe(0);
  fc.received.length = 0;
  sent.length = 0;
});

/**
 * The attempts the client made, counted where it sends them: under load an attempt of 100 ms may
 * be aborted before the server has even read it, so the server's count can be lower.
 */
const sent: string[] = [];
const countingFetch: typeof fetch = (input, init) => {
  sent.push(init?.method ?? 'GET');
  return fetch(input, init);
};

const client = (overrides: Partial<ConstructorParameters<typeof FcClient>[0]> = {}) =>
  new FcClient({
    endpoint: fc.url,
    accountId: ACCOUNT_ID,
    credentials: KEY,
    retryDelayMs: () => 1,
    fetch: countingFetch,
    ...overrides,
  });

const failure = (promise: Promise<unknown>) => rejectionOf(promise);

/** The deploy below sends code from OSS: it never packages. */
const unused = () => Promise.reject(new Error('not used'));

describe('a server that never answers', () => {
  it('a read stops at its total, not at its retry count, and says how long it waited in all', async () => {
    // 100 ms attempts within 330 ms: three fit (100 + 1 + 100 + 1 + 100 = 302), a fourth would not.
    const limited = client({ readTimeoutMs: 100, readTotalMs: 330, retries: 5 });
    const error = await failure(limited.getFunction('svc', 'hello'));
    expect(error).toBeInstanceOf(FcTimeoutError);
    expect(error.message).toBe('GetFunction failed: no answer within 0.1 s on the last of 3 attempts, 0.3 s in all');
    expect(error).toMatchObject({ attempts: 3, timeoutMs: 100, waitedMs: 302 });
    expect(sent).toEqual(['GET', 'GET', 'GET']);
  });

  it('a read that is not retried says the one limit it waited', async () => {
    const error = await failure(client({ readTimeoutMs: 100, retries: 0 }).getService('svc'));
    expect(error.message).toBe('GetService failed: no answer within 0.1 s');
    expect(sent).toEqual(['GET']);
  });

  it('a write keeps its own, longer timeout and is sent once; the read-back uses the read limits', async () => {
    const limited = client({ timeoutMs: 300, readTimeoutMs: 100, readTotalMs: 250 });
    const error = await failure(limited.createFunction('svc', CONFIG, ZIP, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(FcOutcomeUnknownError);
    expect(error.message).toBe(
      'CreateFunction: the outcome is unknown. CreateFunction failed: no answer within 0.3 s; reading the function ' +
        'back failed too (GetFunction failed: no answer within 0.1 s on the last of 2 attempts, 0.2 s in all)',
    );
    expect(sent).toEqual(['POST', 'GET', 'GET']);
  });

  it("a deploy's read that gets no answer fails with the whole wait in its message, and writes nothing", async () => {
    const result = await deploy(
      {
        spec: {
          service: { name: 'svc', create: true },
          function: CONFIG,
          code: { kind: 'oss', bucket: 'code-bucket', object: 'o.zip' },
        },
      },
      {
        client: client({ readTimeoutMs: 100, readTotalMs: 330 }),
        packager: { buildPackage: unused, loadZipPackage: unused },
      },
    );
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe(
      'GetFunction failed: no answer within 0.1 s on the last of 3 attempts, 0.3 s in all',
    );
    expect(sent).toEqual(['GET', 'GET', 'GET']);
  });

  it('without injected limits: three 15 s attempts of a read, and the message says 45 s in all', async () => {
    // Fake clocks for the client's timers only (the server and sockets keep real ones): each step
    // waits until the attempt has reached the server, then moves the clock past its limit.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled: Error | undefined;
    const pending = failure(client().getFunction('svc', 'hello')).then((e) => (settled = e));
    for (let attempt = 1; settled === undefined && attempt <= 10; attempt++) {
      // A millisecond at a time: the pause before a retry is a (fake) timer too.
      while (fc.received.length < attempt && settled === undefined) await vi.advanceTimersByTimeAsync(1);
      await vi.advanceTimersByTimeAsync(15_000);
    }
    const error = await pending;
    expect(error.message).toBe('GetFunction failed: no answer within 15 s on the last of 3 attempts, 45 s in all');
    expect(sent).toEqual(['GET', 'GET', 'GET']);
    expect(fc.received).toHaveLength(3);
  });

  it('without injected limits a write waits 60 s once (plus upload time for code)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled: Error | undefined;
    const pending = failure(client().deleteFunction('svc', 'hello')).then((e) => (settled = e));
    while (fc.received.length < 1) await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await pending;
    expect(error.message).toBe('DeleteFunction failed: no answer within 60 s');
    expect(sent).toEqual(['DELETE']);
  });
});
