// The sandbox's authentication against the official SDK's test vectors (docs/fc-api-notes.md, "Request signing").
import { describe, expect, it } from 'vitest';

import { authenticate, type AuthInput } from '../../src/sandbox/auth.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { computeSignature } from '../../src/fc/sign.js';

const DATE = 'Mon, 01 Jan 2024 00:00:00 GMT';
const NOW = Date.parse(DATE);
const base: AuthInput = {
  method: 'GET',
  path: '/2016-08-15/services',
  headers: {
    date: DATE,
    'x-fc-account-id': '123456789012',
    authorization: 'FC LTAI_TEST_ID:Kz6uD2w/lK3t44MrLpFjPoqyaNZv5E631fBpYeODXEg=',
  },
  now: NOW,
  accountId: '123456789012',
  credentials: { accessKeyId: 'LTAI_TEST_ID', accessKeySecret: 'test-secret' },
};

function failure(input: AuthInput): SandboxError {
  try {
    authenticate(input);
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error('authenticate accepted the request');
}

describe('sandbox authentication', () => {
  it('accepts the documented GET vector', () => {
    expect(() => authenticate(base)).not.toThrow();
  });

  it('accepts the documented POST vector with content-type and x-fc-code-checksum', () => {
    expect(() =>
      authenticate({
        ...base,
        method: 'POST',
        path: '/2016-08-15/services/demo/functions',
        headers: {
          ...base.headers,
          'content-type': 'application/json',
          'x-fc-code-checksum': '2220831586920633690',
          authorization: 'FC LTAI_TEST_ID:xGgMQg90TRkvH8sB7cF87JlgPJXxUQrzRzpbmMmmqDY=',
        },
      }),
    ).not.toThrow();
  });

  it('accepts the STS vector only with the matching token', () => {
    const sts: AuthInput = {
      ...base,
      headers: {
        ...base.headers,
        'x-fc-security-token': 'TOKEN',
        authorization: 'FC STS.TEST:WzbegEonzQV+3HPjv8VJxr2hCIdbUf6IunTWnI9BnUM=',
      },
      credentials: { accessKeyId: 'STS.TEST', accessKeySecret: 'test-secret', securityToken: 'TOKEN' },
    };
    expect(() => authenticate(sts)).not.toThrow();
    expect(failure({ ...sts, credentials: { ...sts.credentials, securityToken: 'OTHER' } }).code).toBe(
      'InvalidSecurityToken',
    );
  });

  it('answers 403 SignatureNotMatch when anything signed changed', () => {
    for (const input of [
      { ...base, method: 'DELETE' },
      { ...base, path: '/2016-08-15/services/x' },
      { ...base, headers: { ...base.headers, 'x-fc-code-checksum': '1' } },
      { ...base, credentials: { ...base.credentials, accessKeySecret: 'other' } },
    ]) {
      const error = failure(input);
      expect([error.status, error.code]).toEqual([403, 'SignatureNotMatch']);
    }
  });

  it('answers 403 InvalidAccessKeyID for an unknown key id, naming it', () => {
    const error = failure({ ...base, headers: { ...base.headers, authorization: 'FC SOMEONE:abc=' } });
    expect([error.status, error.code]).toEqual([403, 'InvalidAccessKeyID']);
    expect(error.message).toContain('SOMEONE');
  });

  it('answers 400 MissingRequiredHeader without Authorization or Date', () => {
    const { authorization: _a, ...noAuth } = base.headers;
    const { date: _d, ...noDate } = base.headers;
    expect(failure({ ...base, headers: noAuth })).toMatchObject({ status: 400, code: 'MissingRequiredHeader' });
    expect(failure({ ...base, headers: noDate })).toMatchObject({ status: 400, code: 'MissingRequiredHeader' });
    expect(failure({ ...base, headers: noDate }).message).toContain('Date');
  });

  it('refuses a Date more than 15 minutes off (either way) with 403, and accepts 14 minutes', () => {
    const minute = 60_000;
    expect(() => authenticate({ ...base, now: NOW + 14 * minute })).not.toThrow();
    expect(failure({ ...base, now: NOW + 16 * minute }).status).toBe(403);
    expect(failure({ ...base, now: NOW - 16 * minute }).status).toBe(403);
    expect(failure({ ...base, headers: { ...base.headers, date: 'yesterday' } }).status).toBe(403);
  });

  it('refuses an account id other than the sandbox account', () => {
    const error = failure({ ...base, accountId: '999' });
    expect([error.status, error.code]).toEqual([403, 'AccessDenied']);
    expect(error.message).toContain('123456789012');
  });

  it('takes the account from the Host when no x-fc-account-id is sent, else the sandbox account', () => {
    // Signed without the account header: the Python SDK's habit.
    const unsigned = { method: 'GET', path: '/2016-08-15/services', headers: { date: DATE } };
    const signature = computeSignature('test-secret', unsigned);
    const headers = { date: DATE, authorization: `FC LTAI_TEST_ID:${signature}` };
    expect(() => authenticate({ ...base, headers })).not.toThrow();
    expect(() => authenticate({ ...base, headers: { ...headers, host: '127.0.0.1:9420' } })).not.toThrow();
    const hosts = ['123456789012.cn-hangzhou.fc.aliyuncs.com', '123456789012.cn-hangzhou-internal.fc.aliyuncs.com:443'];
    for (const host of hosts) {
      expect(() => authenticate({ ...base, headers: { ...headers, host } })).not.toThrow();
    }
    const other = failure({ ...base, headers: { ...headers, host: '42.cn-hangzhou.fc.aliyuncs.com' } });
    expect([other.status, other.code]).toEqual([403, 'AccessDenied']);
    expect(other.message).toContain('Host names account');
  });

  it('refuses a malformed Authorization header with 400', () => {
    expect(failure({ ...base, headers: { ...base.headers, authorization: 'Bearer abc' } }).status).toBe(400);
  });
});
