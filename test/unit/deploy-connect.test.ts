import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/deploy/connect.js';
import { readSandboxKey } from '../../src/sandbox/credentials.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fcw-connect-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('connect', () => {
  it('gives the client for the target, a packager and the description line', () => {
    const credentials = { accessKeyId: 'LTAIexample', accessKeySecret: 'secret' };
    const target = { endpoint: 'http://127.0.0.1:9000', accountId: '123456789012', credentials, description: 'here' };
    const connected = connect(target, { env: {} });
    expect(connected.client.endpoint).toBe('http://127.0.0.1:9000');
    expect(connected.describe).toBe('here');
    expect(typeof connected.packager.buildPackage).toBe('function');
    expect(typeof connected.packager.checkHandler).toBe('function');
  });
});

describe('readSandboxKey', () => {
  it('reads the key pair and the account id a sandbox keeps', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'credentials.json'),
      JSON.stringify({ accessKeyId: 'LTAIsandboxA', accessKeySecret: 's' }),
    );
    writeFileSync(path.join(dir, 'account.json'), JSON.stringify({ accountId: '1000000000000001' }));
    expect(readSandboxKey(dir)).toEqual({
      credentials: { accessKeyId: 'LTAIsandboxA', accessKeySecret: 's' },
      accountId: '1000000000000001',
    });
  });
  it('is undefined without a usable key file, and creates nothing', () => {
    const dir = tempDir();
    expect(readSandboxKey(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'credentials.json'), '{"accessKeyId": 1}');
    expect(readSandboxKey(dir)).toBeUndefined();
  });
  it('keeps the key when the account file is missing', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ accessKeyId: 'k', accessKeySecret: 's' }));
    expect(readSandboxKey(dir)?.accountId).toBeUndefined();
  });
});
