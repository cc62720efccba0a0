// The FC client when things go wrong: typed errors and hints, timeouts and aborts, dropped
// connections, which calls are retried, the read-back after an ambiguous create or update, and
// that no secret ever appears in an error or a debug line.
import { inspect } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CancelledError } from '../../src/core/errors.js';
import { FcClient, type CodeUpload } from '../../src/fc/client.js';
import { FcApiError, FcNetworkError, FcOutcomeUnknownError, FcTimeoutError, hintFor } from '../../src/fc/errors.js';
import { backoffDelayMs, isRetryable, parseRetryAfter, retryAfterDelayMs } from '../../src/fc/retry.js';
import type { Credentials, FunctionConfig } from '../../src/fc/types.js';
import { ACCOUNT_ID, closedPort, fcError, startFakeFc, type FakeFc, type Reply } from './client-fake-fc.js';
import { rejectionOf } from '../helpers/rejection.js';

const STS: Credentials = {
  accessKeyId: 'STS.FAILURE_TEST',
  accessKeySecret: 'very-secret-access-key-secret',
  securityToken: 'very-secret-security-token-value',
};
const CONFIG: FunctionConfig = {
  functionName: 'hello',
  runtime: 'nodejs18',
  handler: 'index.handler',
  memorySize: 256,
};
const ZIP: CodeUpload = {
  kind: 'zip',
  zip: Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64'),
  checksum: '2220831586920633690',
};

let fc: FakeFc;
beforeAll(async () => {
  fc = await startFakeFc(STS);
});
afterAll(() => fc.close());
afterEach(() => {
  expect(fc.badSignatures).toBe(0);
  fc.received.length = 0;
});

const delays: number[] = [];
const client = (overrides: Partial<ConstructorParameters<typeof FcClient>[0]> = {}) =>
  new FcClient({
    endpoint: fc.url,
    accountId: ACCOUNT_ID,
    credentials: STS,
    retries: 2,
    retryDelayMs: (retry) => (delays.push(retry), 1),
    ...overrides,
  });

const failure = (promise: Promise<unknown>) => rejectionOf(promise);

/** A route: the POST/PUT gets `write`, a later GET of the function gets `read`. */
const writeThenRead = (write: Reply, read: Reply) => (req: { method: string }) => (req.method === 'GET' ? read : write);

describe('errors are typed, with hints', () => {
  const cases: [number, string, RegExp | undefined][] = [
    [403, 'SignatureNotMatch', /secret.*clock/s],
    [403, 'InvalidAccessKeyID', /AccessKey id/],
    [403, 'AccessDenied', /RAM policy.*fc:/s],
    [404, 'ServiceNotFound', /service name and region/],
    [404, 'FunctionNotFound', /No such function/],
    [409, 'FunctionAlreadyExists', /already exists.*an existing function is updated/s],
    [400, 'EntityTooLarge', /OSS/],
    [412, 'PreconditionFailed', /changed since/],
    [400, 'InvalidArgument', /names it/],
    [400, 'SomethingNew', undefined],
  ];
  for (const [status, code, hint] of cases) {
    it(`${status} ${code}`, async () => {
      fc.setRoute(() => fcError(status, code, `message of ${code}`, 'rid-1'));
      const error = await failure(client().getFunction('s', 'f'));
      expect(error).toBeInstanceOf(FcApiError);
      expect(error).toMatchObject({
        status,
        code,
        errorMessage: `message of ${code}`,
        requestId: 'rid-1',
        exitCode: 1,
      });
      expect(error.message).toBe(`GetFunction failed: ${status} ${code}: message of ${code} (request id rid-1)`);
      if (hint) expect((error as FcApiError).hint).toMatch(hint);
      else expect((error as FcApiError).hint).toBeUndefined();
      expect(fc.received).toHaveLength(1);
    });
  }

  it('reads a camelCase error body', async () => {
    fc.setRoute(() => ({
      status: 404,
      json: { errorCode: 'ServiceNotFound', errorMessage: 'service "x" does not exist' },
    }));
    expect(await failure(client().getService('x'))).toMatchObject({
      code: 'ServiceNotFound',
      errorMessage: 'service "x" does not exist',
      hint: hintFor('ServiceNotFound'),
    });
  });

  it('a non-JSON error body (a proxy page) still gives a clear error', async () => {
    fc.setRoute(() => ({ status: 502, raw: '<html>\n<h1>502 Bad Gateway</h1>\n</html>' }));
    const error = await failure(client({ retries: 0 }).getService('x'));
    expect(error).toMatchObject({ status: 502, code: 'HttpError' });
    expect(error.message).toBe(
      'GetService failed: 502 HttpError: the answer was not an FC error: <html> <h1>502 Bad Gateway</h1> </html> (request id req-1)',
    );
  });

  it('a redirect is not followed (it would resend a signed request elsewhere): it names the new address', async () => {
    fc.setRoute(() => ({ status: 301, headers: { location: 'https://elsewhere.example/' } }));
    const error = await failure(client().createService({ serviceName: 's' }));
    expect(error).toMatchObject({ status: 301, code: 'Redirected' });
    expect(error.message).toMatch(/redirected to https:\/\/elsewhere.example\/; give that address as the endpoint/);
    expect(fc.received).toHaveLength(1);
  });

  it('an empty error body says so', async () => {
    fc.setRoute(() => ({ status: 500 }));
    const error = await failure(client({ retries: 0 }).deleteFunction('s', 'f'));
    expect(error.message).toMatch(/500 HttpError: the answer had no body/);
  });
});

describe('timeouts and AbortSignal', () => {
  it('a slow answer times out; a read is retried, then FcTimeoutError', async () => {
    fc.setRoute(() => ({ hang: true }));
    const error = await failure(client({ timeoutMs: 100, retries: 1 }).getService('s'));
    expect(error).toBeInstanceOf(FcTimeoutError);
    expect(error.message).toBe('GetService failed: no answer within 0.1 s on the last of 2 attempts, 0.2 s in all');
    expect(fc.received).toHaveLength(2);
  });

  it('the per-call timeout overrides the client one', async () => {
    fc.setRoute(() => ({ hang: true }));
    const error = await failure(client({ timeoutMs: 60_000, retries: 0 }).getService('s', { timeoutMs: 50 }));
    expect(error).toBeInstanceOf(FcTimeoutError);
  });

  it("the caller's signal aborts a call in flight: CancelledError, no retry", async () => {
    fc.setRoute(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).listServices({ signal: controller.signal });
    while (fc.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await failure(pending);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toBe('ListServices cancelled.');
    expect(fc.received).toHaveLength(1);
  });

  it("the caller's own abort reason is thrown as is; an aborted signal sends nothing", async () => {
    const reason = new Error('user pressed Esc');
    const error = await failure(client().getService('s', { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    expect(fc.received).toHaveLength(0);
  });

  it('aborting during the backoff wait stops the retries', async () => {
    fc.setRoute(() => ({ status: 503, json: { ErrorCode: 'ResourceThrottled', ErrorMessage: 'slow down' } }));
    const controller = new AbortController();
    // A pause a read's total still allows (50 s).
    const c = client({ retries: 5, retryDelayMs: () => 30_000 });
    const pending = c.getService('s', { signal: controller.signal });
    while (fc.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await failure(pending)).toBeInstanceOf(CancelledError);
    expect(fc.received).toHaveLength(1);
  });
});

describe('retries', () => {
  it('503 then success: retried for any method (the service did nothing)', async () => {
    fc.setRoute((_req, i) =>
      i === 0
        ? fcError(503, 'ResourceThrottled', 'busy')
        : { status: 201, json: { functionName: 'hello', codeChecksum: ZIP.checksum } },
    );
    const result = await client().createFunction('svc', CONFIG, ZIP);
    expect(result.data.functionName).toBe('hello');
    expect(fc.received.map((r) => r.method)).toEqual(['POST', 'POST']);
    // The retry carries the whole body again (a fresh stream) and a fresh signature.
    expect(fc.request(1).body.equals(fc.request(0).body)).toBe(true);
  });

  it('429 is retried; after the retries run out the error is thrown', async () => {
    fc.setRoute(() => fcError(429, 'ResourceExhausted', 'too many'));
    delays.length = 0;
    const error = await failure(client({ retries: 2 }).createService({ serviceName: 's' }));
    expect(error).toMatchObject({ status: 429, code: 'ResourceExhausted' });
    expect(fc.received).toHaveLength(3);
    expect(delays).toEqual([0, 1]);
  });

  it('500 on a GET is retried; 500 on a POST is not', async () => {
    fc.setRoute((_req, i) =>
      i === 0 ? fcError(500, 'InternalServerError', 'oops') : { status: 200, json: { serviceName: 's' } },
    );
    await client().getService('s');
    expect(fc.received).toHaveLength(2);
    fc.received.length = 0;
    fc.setRoute(() => fcError(500, 'InternalServerError', 'oops'));
    expect(await failure(client().createService({ serviceName: 's' }))).toMatchObject({ status: 500 });
    expect(fc.received).toHaveLength(1);
  });

  it('4xx is never retried', async () => {
    fc.setRoute(() => fcError(400, 'InvalidArgument', 'bad'));
    await failure(client().getService('s'));
    expect(fc.received).toHaveLength(1);
  });

  it('a Retry-After beyond 30 s is not waited for', async () => {
    const throttled = (retryAfter: string): Reply => ({
      status: 503,
      json: { ErrorCode: 'ResourceThrottled', ErrorMessage: 'later' },
      headers: { 'retry-after': retryAfter },
    });
    fc.setRoute(() => throttled('120'));
    await failure(client().getService('s'));
    expect(fc.received).toHaveLength(1);
    fc.received.length = 0;
    fc.setRoute(() => throttled('0'));
    await failure(client({ retries: 2 }).getService('s'));
    expect(fc.received).toHaveLength(3);
  });

  it('a connection dropped before the answer: a GET is retried and succeeds', async () => {
    fc.setRoute((_req, i) => (i === 0 ? { drop: 'before-answer' } : { status: 200, json: { serviceName: 's' } }));
    expect((await client().getService('s')).data.serviceName).toBe('s');
    expect(fc.received).toHaveLength(2);
  });

  it('a connection dropped mid-answer: a GET is retried and succeeds', async () => {
    fc.setRoute((_req, i) => (i === 0 ? { drop: 'mid-answer' } : { status: 200, json: { services: [] } }));
    expect((await client().listServices()).data).toEqual([]);
    expect(fc.received).toHaveLength(2);
  });

  it('connection refused: every method is retried (nothing was sent), then FcNetworkError', async () => {
    const port = await closedPort();
    delays.length = 0;
    const error = await failure(
      client({ endpoint: `http://127.0.0.1:${port}`, retries: 2 }).createFunction('s', CONFIG, ZIP),
    );
    expect(error).toBeInstanceOf(FcNetworkError);
    expect(error).toMatchObject({ causeCode: 'ECONNREFUSED', notSent: true });
    expect((error as FcNetworkError).hint).toMatch(/sandbox running/);
    expect(delays).toEqual([0, 1]);
  });

  it('a port fetch blocks (port 1) is named as such, not as a network problem, and nothing was sent', async () => {
    // Real fetch: it refuses the port before connecting, so no server is needed.
    const error = await failure(
      new FcClient({ endpoint: 'http://127.0.0.1:1', accountId: ACCOUNT_ID, credentials: STS, retries: 0 }).getFunction(
        's',
        'f',
      ),
    );
    expect(error).toBeInstanceOf(FcNetworkError);
    expect(error).toMatchObject({ causeCode: 'BAD_PORT', notSent: true });
    expect((error as FcNetworkError).hint).toMatch(/fcw serve --port 0/);
  });

  it('a blocked port (6000) is not retried: the same URL can never be fetched', async () => {
    delays.length = 0;
    const error = await failure(client({ endpoint: 'http://127.0.0.1:6000', retries: 3 }).getFunction('s', 'f'));
    expect(error).toMatchObject({ causeCode: 'BAD_PORT', notSent: true });
    expect(delays).toEqual([]);
    expect(isRetryable('GET', { kind: 'network', failure: 'unsendable' })).toBe(false);
  });

  it('backoff grows exponentially with jitter, capped', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(100);
    expect(backoffDelayMs(0, () => 1)).toBe(200);
    expect(backoffDelayMs(3, () => 0.5)).toBe(1200);
    expect(backoffDelayMs(20, () => 1)).toBe(5000);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(isRetryable('PUT', { kind: 'network', failure: 'timeout' })).toBe(false);
    expect(isRetryable('GET', { kind: 'network', failure: 'timeout' })).toBe(true);
  });

  it('a Retry-After is waited for, plus up to as long again, so refused clients spread out', () => {
    expect(retryAfterDelayMs(2000, () => 0)).toBe(2000);
    expect(retryAfterDelayMs(2000, () => 0.5)).toBe(3000);
    expect(retryAfterDelayMs(2000, () => 0.999)).toBe(3998);
  });
});

describe('a create or update is never retried blindly', () => {
  const remote = (checksum: string, extra: Partial<FunctionConfig> = {}): Reply => ({
    status: 200,
    json: { ...CONFIG, ...extra, functionId: 'fid', codeChecksum: checksum },
    headers: { etag: 'etag-after' },
  });

  it('CreateFunction dropped, read back with our checksum: success, sent once', async () => {
    fc.setRoute(writeThenRead({ drop: 'before-answer' }, remote(ZIP.checksum)));
    const result = await client().createFunction('svc', CONFIG, ZIP);
    expect(result).toMatchObject({ readBack: true, etag: 'etag-after', data: { functionId: 'fid' } });
    expect(fc.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /2016-08-15/services/svc/functions',
      'GET /2016-08-15/services/svc/functions/hello',
    ]);
  });

  it('CreateFunction dropped mid-answer, read back with our checksum: success', async () => {
    fc.setRoute(writeThenRead({ drop: 'mid-answer', status: 201 }, remote(ZIP.checksum)));
    expect((await client().createFunction('svc', CONFIG, ZIP)).readBack).toBe(true);
    expect(fc.received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('CreateFunction timed out, read back with another checksum: outcome unknown', async () => {
    fc.setRoute(writeThenRead({ hang: true }, remote('999')));
    const error = await failure(client({ timeoutMs: 100 }).createFunction('svc', CONFIG, ZIP, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(FcOutcomeUnknownError);
    expect(error.message).toBe(
      'CreateFunction: the outcome is unknown. CreateFunction failed: no answer within 0.1 s; reading the function back shows codeChecksum not as sent',
    );
    expect((error as FcOutcomeUnknownError).hint).toMatch(/may or may not have been applied/);
    expect(fc.received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('CreateFunction dropped, function not found on read back: outcome unknown', async () => {
    fc.setRoute(writeThenRead({ drop: 'before-answer' }, fcError(404, 'FunctionNotFound', 'no')));
    const error = await failure(client().createFunction('svc', CONFIG, ZIP));
    expect(error).toBeInstanceOf(FcOutcomeUnknownError);
    expect(error.message).toMatch(/found no such function/);
    expect(fc.received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('UpdateFunction dropped, read back shows our changes: success', async () => {
    fc.setRoute(
      writeThenRead(
        { drop: 'before-answer' },
        remote(ZIP.checksum, { memorySize: 1024, environmentVariables: { A: 'b' } }),
      ),
    );
    const result = await client().updateFunction(
      'svc',
      'hello',
      { memorySize: 1024, environmentVariables: { A: 'b' } },
      ZIP,
      {
        ifMatch: 'etag-before',
      },
    );
    expect(result.readBack).toBe(true);
    expect(fc.received.map((r) => r.method)).toEqual(['PUT', 'GET']);
  });

  it('UpdateFunction dropped, read back shows other values: outcome unknown, naming the fields', async () => {
    fc.setRoute(writeThenRead({ drop: 'before-answer' }, remote(ZIP.checksum, { memorySize: 256, timeout: 3 })));
    const error = await failure(client().updateFunction('svc', 'hello', { memorySize: 1024, timeout: 3 }, undefined));
    expect(error).toBeInstanceOf(FcOutcomeUnknownError);
    expect(error.message).toMatch(/shows memorySize not as sent$/);
    expect(fc.received.map((r) => r.method)).toEqual(['PUT', 'GET']);
  });

  it('UpdateFunction with OSS code dropped: the etag must have moved on from If-Match', async () => {
    const oss: CodeUpload = { kind: 'oss', bucket: 'b', object: 'o' };
    fc.setRoute(writeThenRead({ drop: 'before-answer' }, remote('1')));
    expect((await client().updateFunction('svc', 'hello', {}, oss, { ifMatch: 'etag-before' })).readBack).toBe(true);
    const error = await failure(client().updateFunction('svc', 'hello', {}, oss, { ifMatch: 'etag-after' }));
    expect(error.message).toMatch(/code \(from OSS, which cannot be compared\) not as sent/);
  });

  it('a plain API error of a create is thrown as is, with no read back', async () => {
    fc.setRoute(() => fcError(409, 'FunctionAlreadyExists', 'exists'));
    expect(await failure(client().createFunction('svc', CONFIG, ZIP))).toMatchObject({ code: 'FunctionAlreadyExists' });
    expect(fc.received).toHaveLength(1);
  });

  it('InvokeFunction (a POST) is not retried after a dropped connection', async () => {
    fc.setRoute(() => ({ drop: 'before-answer' }));
    expect(await failure(client().invokeFunction('svc', 'hello', 'x'))).toBeInstanceOf(FcNetworkError);
    expect(fc.received).toHaveLength(1);
  });
});

describe('no secret anywhere', () => {
  const leaks = (error: unknown) => {
    const e = error as Error;
    const texts = [
      e.message,
      e.stack ?? '',
      JSON.stringify(e),
      inspect(e, { depth: 10, showHidden: true }),
      String((e as { hint?: string }).hint),
    ];
    return texts.filter((t) => t.includes(STS.accessKeySecret) || t.includes(STS.securityToken!));
  };

  it('not in API errors, even when the service echoes them', async () => {
    fc.setRoute(() =>
      fcError(
        403,
        'SignatureNotMatch',
        `StringToSign was GET\nx-fc-security-token:${STS.securityToken}\nwith key ${STS.accessKeySecret}`,
      ),
    );
    const error = await failure(client().getService('s'));
    expect(error.message).toContain('x-fc-security-token:<redacted>');
    expect(leaks(error)).toEqual([]);
    fc.setRoute(() => ({ status: 502, raw: `<p>${STS.securityToken}</p>` }));
    expect(leaks(await failure(client({ retries: 0 }).getService('s')))).toEqual([]);
  });

  it('not in network, timeout and outcome-unknown errors, nor in the debug lines', async () => {
    const lines: string[] = [];
    const debug = (line: string) => lines.push(line);
    const port = await closedPort();
    const errors: unknown[] = [];
    errors.push(await failure(client({ endpoint: `http://127.0.0.1:${port}`, debug }).getService('s')));
    fc.setRoute(() => ({ hang: true }));
    errors.push(await failure(client({ timeoutMs: 50, retries: 0, debug }).getService('s')));
    fc.setRoute(
      writeThenRead({ drop: 'before-answer' }, fcError(404, 'FunctionNotFound', `no ${STS.accessKeySecret}`)),
    );
    errors.push(await failure(client({ debug }).createFunction('svc', CONFIG, ZIP)));
    expect(errors.map((e) => (e as Error).name)).toEqual(['FcNetworkError', 'FcTimeoutError', 'FcOutcomeUnknownError']);
    for (const error of errors) expect(leaks(error)).toEqual([]);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.filter((l) => l.includes(STS.accessKeySecret) || l.includes(STS.securityToken!))).toEqual([]);
  });

  it('not in the client object itself', () => {
    const c = client();
    const text = JSON.stringify(c) + inspect(c, { depth: 10, showHidden: true });
    expect(text).not.toContain(STS.accessKeySecret);
    expect(text).not.toContain(STS.securityToken);
  });
});
