import { describe, expect, it } from 'vitest';

import { CancelledError, UsageError } from '../../src/core/errors.js';
import { buildSpec } from '../../src/commands/deploy-spec.js';
import { formatSummary, toJsonOutput } from '../../src/deploy/report.js';
import type { DeployResult } from '../../src/deploy/run.js';

const spec = buildSpec(
  undefined,
  { service: 'svc', functionName: 'fn', runtime: 'nodejs18', handler: 'index.handler', code: '/app' },
  '/',
);
const fn = {
  functionId: 'id-9',
  functionName: 'fn',
  runtime: 'nodejs18',
  handler: 'index.handler',
  memorySize: 256,
  timeout: 60,
  codeChecksum: '42',
  codeSize: 2048,
  createdTime: 't0',
  lastModifiedTime: 't1',
};

function result(overrides: Partial<DeployResult>): DeployResult {
  return {
    status: 'updated',
    function: fn,
    checksum: { local: '42', remote: '42', match: true },
    requestIds: ['r1', 'r2'],
    timings: { package: 5, update: 7, total: 20 },
    diff: [],
    warnings: [],
    ...overrides,
  };
}

describe('formatSummary', () => {
  it('an update: what changed, the checksum check, timings, request ids, the redeploy line', () => {
    const lines = formatSummary(
      result({ diff: [{ field: 'memorySize', from: 128, to: 256 }], codeReason: 'code unchanged (checksum 42)' }),
      { spec, profile: 'web' },
    ).join('\n');
    expect(lines).toMatch(/^Updated svc\/fn\./);
    expect(lines).toMatch(/codeChecksum {2}42 \(matches the package\)/);
    expect(lines).toMatch(/memorySize: 128 → 256/);
    expect(lines).toMatch(/time {10}package 5 ms, update 7 ms, total 20 ms/);
    expect(lines).toMatch(/request ids {3}r1, r2/);
    expect(lines).toMatch(/redeploy: fcw deploy --profile web/);
  });

  it('a checksum that differs is said plainly', () => {
    const lines = formatSummary(result({ status: 'created', checksum: { local: '7', remote: '42', match: false } }), {
      spec,
    }).join('\n');
    expect(lines).toMatch(/codeChecksum {2}42 \(the package is 7\)/);
  });

  it('unchanged and failed', () => {
    expect(formatSummary(result({ status: 'unchanged' }), { spec })[0]).toMatch(/^Unchanged: svc\/fn already matches/);
    const failed = formatSummary(
      result({ status: 'failed', function: undefined, error: { message: 'boom', hint: 'do this', exitCode: 1 } }),
      { spec },
    );
    expect(failed.slice(0, 2)).toEqual(['Deploy of svc/fn failed: boom', '  do this']);
  });
});

describe('toJsonOutput', () => {
  it('carries the contract fields, and the target without any key', () => {
    const out = toJsonOutput(result({}), {
      profile: 'web',
      target: {
        kind: 'cloud',
        endpoint: 'https://1.cn-hangzhou.fc.aliyuncs.com',
        accountId: '1',
        region: 'cn-hangzhou',
        credentials: { accessKeySecret: 'S3CR3T' },
      } as never,
    });
    expect(out).toMatchObject({
      status: 'updated',
      function: fn,
      checksum: { match: true },
      requestIds: ['r1', 'r2'],
      diff: [],
      profile: 'web',
    });
    expect(out.target).toEqual({
      kind: 'cloud',
      endpoint: 'https://1.cn-hangzhou.fc.aliyuncs.com',
      accountId: '1',
      region: 'cn-hangzhou',
    });
    expect(JSON.stringify(out)).not.toContain('S3CR3T');
  });

  it('a thrown error becomes status failed with its exit code', () => {
    expect(toJsonOutput(undefined, { error: new UsageError('bad', 'fix') })).toMatchObject({
      status: 'failed',
      error: { message: 'bad', hint: 'fix', exitCode: 2 },
    });
    expect(toJsonOutput(undefined, { error: new CancelledError() })).toMatchObject({
      status: 'failed',
      error: { exitCode: 130 },
    });
    expect(toJsonOutput(undefined, { error: new Error('bug') })).toMatchObject({
      status: 'failed',
      error: { exitCode: 1 },
    });
  });
});
