import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import { probeSandbox, resolveTarget, sourceRef, targetKind } from '../../src/deploy/target.js';
import { startSandbox } from '../../src/sandbox/index.js';

let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-target-'));
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

const SECRET = 'super-secret-value-0123456789';
const envKeys = { HOME: '', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenvKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET };

describe('targetKind', () => {
  it('--target wins, then --endpoint, then the profile, then cloud', () => {
    expect(targetKind({ target: 'local' }, { kind: 'cloud' })).toBe('local');
    expect(targetKind({ endpoint: 'http://127.0.0.1:1' }, { kind: 'local' })).toBe('endpoint');
    expect(targetKind({}, { kind: 'local' })).toBe('local');
    expect(targetKind({})).toBe('cloud');
    expect(() => targetKind({ target: 'mars' })).toThrow(UsageError);
    expect(() => targetKind({ target: 'endpoint' })).toThrow(/--endpoint/);
  });

  it('--target local or cloud with --endpoint is a usage error, not one of them silently ignored', () => {
    for (const target of ['local', 'cloud']) {
      expect(() => targetKind({ target, endpoint: 'http://127.0.0.1:9420' })).toThrow(UsageError);
      expect(() => targetKind({ target, endpoint: 'http://127.0.0.1:9420' })).toThrow(`--target ${target} and --endpoint http://127.0.0.1:9420 name two different places`);
    }
    expect(targetKind({ target: 'endpoint', endpoint: 'http://127.0.0.1:9420' })).toBe('endpoint');
  });
});

describe('resolveTarget', () => {
  it('cloud: credentials from the chain, region and account from flags, profile, env; the line names them, no secret', async () => {
    const t = await resolveTarget({ region: 'cn-shanghai' }, { kind: 'cloud', accountId: '1234' }, { env: { ...envKeys, HOME: home }, home });
    expect(t.endpoint).toBe('https://1234.cn-shanghai.fc.aliyuncs.com');
    expect(t.credentials.accessKeySecret).toBe(SECRET);
    expect(t.description).toBe('Deploying to: account 1234, region cn-shanghai, endpoint https://1234.cn-shanghai.fc.aliyuncs.com, credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID).');
    expect(t.profileTarget).toEqual({ kind: 'cloud', accountId: '1234', region: 'cn-shanghai', credentialSource: { kind: 'env' } });
    expect(JSON.stringify(t.profileTarget) + t.description).not.toContain(SECRET);
  });

  it('cloud without an account id or region says which and how to set them', async () => {
    await expect(resolveTarget({}, undefined, { env: { ...envKeys, HOME: home }, home })).rejects.toThrow(/account id .* and the region/);
  });

  it('cloud without any key lists the places looked', async () => {
    await expect(resolveTarget({ region: 'cn-hangzhou', accountId: '1' }, undefined, { env: { HOME: home }, home })).rejects.toThrow(/No Alibaba Cloud credentials found/);
  });

  it('a loopback endpoint uses the local sandbox key file over environment keys', async () => {
    const sandboxDir = path.join(home, 'cfg', 'sandbox');
    fs.mkdirSync(sandboxDir, { recursive: true });
    fs.writeFileSync(path.join(sandboxDir, 'credentials.json'), JSON.stringify({ accessKeyId: 'LTAIsandboxX', accessKeySecret: 'sandbox-secret' }));
    fs.writeFileSync(path.join(sandboxDir, 'account.json'), JSON.stringify({ accountId: '999' }));
    const env = { ...envKeys, HOME: home, FCW_CONFIG_DIR: path.join(home, 'cfg') };
    const t = await resolveTarget({ endpoint: 'http://127.0.0.1:9000' }, undefined, { env, home });
    expect(t.credentials.accessKeyId).toBe('LTAIsandboxX');
    expect(t.accountId).toBe('999');
    expect(t.description).toMatch(/credentials from the local sandbox's own key/);
    expect(t.description).not.toContain('sandbox-secret');
    // A non-loopback endpoint takes the environment's key.
    const far = await resolveTarget({ endpoint: 'https://fc.example.com', accountId: '5' }, undefined, { env, home });
    expect(far.credentials.accessKeyId).toBe('LTAIenvKeyId');
    expect(far.profileTarget).toEqual({ kind: 'endpoint', endpoint: 'https://fc.example.com', accountId: '5', credentialSource: { kind: 'env' } });
  });

  it('a loopback endpoint with neither a sandbox key nor a cloud key says where both were looked for', async () => {
    const env = { HOME: home, FCW_CONFIG_DIR: path.join(home, 'empty') };
    await expect(resolveTarget({ endpoint: 'http://127.0.0.1:9000', accountId: '1' }, undefined, { env, home })).rejects.toThrow(/Nor is there a local sandbox key in .*empty\/sandbox\/credentials\.json/);
  });

  describe('a loopback endpoint asks the running sandbox which key it expects', () => {
    function defaultSandboxKey(): Record<string, string> {
      const sandboxDir = path.join(home, 'cfg', 'sandbox');
      fs.mkdirSync(sandboxDir, { recursive: true });
      fs.writeFileSync(path.join(sandboxDir, 'credentials.json'), JSON.stringify({ accessKeyId: 'LTAIsandboxDefault', accessKeySecret: 'default-secret' }));
      return { HOME: home, FCW_CONFIG_DIR: path.join(home, 'cfg') };
    }

    it('started with --access-key-id: the environment key with that id is used, not the config dir sandbox key', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({ dataDir: path.join(home, 'x'), credentials: { accessKeyId: 'LTAImine', accessKeySecret: 's' } });
      try {
        expect(await probeSandbox(sandbox.url)).toEqual({ accountId: sandbox.accountId, accessKeyId: 'LTAImine' });
        const t = await resolveTarget({ endpoint: sandbox.url }, undefined, { env: { ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAImine', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' }, home });
        expect(t.credentials).toEqual({ accessKeyId: 'LTAImine', accessKeySecret: 's' });
        expect(t.accountId).toBe(sandbox.accountId);
        expect(t.credentialSource).toBe('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
        expect(t.description).toContain('credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
      } finally {
        await sandbox.close();
      }
    });

    it('started with --data elsewhere: the key file it names is read', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({ dataDir: path.join(home, 'elsewhere') });
      try {
        const t = await resolveTarget({ endpoint: sandbox.url }, undefined, { env: { ...env, ...envKeys, HOME: home }, home });
        expect(t.credentials).toEqual(sandbox.credentials);
        expect(t.credentialSource).toBe(`the local sandbox's own key (${path.join(home, 'elsewhere', 'credentials.json')})`);
      } finally {
        await sandbox.close();
      }
    });

    it('no key with the expected id anywhere: exit 2 naming the id and every place looked, no request sent', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({ dataDir: path.join(home, 'x'), credentials: { accessKeyId: 'LTAIother', accessKeySecret: 's' } });
      try {
        const attempt = resolveTarget({ endpoint: sandbox.url }, undefined, { env: { ...env, ...envKeys, HOME: home }, home });
        await expect(attempt).rejects.toThrow(UsageError);
        await expect(attempt).rejects.toThrow(/expects key id LTAIother.*\n.*cfg\/sandbox\/credentials\.json \(key id LTAIsandboxDefault\)\n.*environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\) \(key id LTAIenvKeyId\)/);
        await attempt.catch((error: UsageError) => expect(`${error.message}${error.hint}`).not.toMatch(/default-secret|super-secret/));
      } finally {
        await sandbox.close();
      }
    });
  });

  it('local: starts the sandbox in the config dir, and close() stops it', async () => {
    let closed = false;
    let started: { port: number; dataDir: string } | undefined;
    const t = await resolveTarget({ target: 'local' }, undefined, {
      env: { FCW_CONFIG_DIR: path.join(home, 'cfg') },
      startSandbox: async (options) => {
        started = options;
        return { url: 'http://127.0.0.1:5555', accountId: '42', credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, close: async () => void (closed = true) };
      },
    });
    expect(started).toEqual({ port: 0, dataDir: path.join(home, 'cfg', 'sandbox') });
    expect(t.profileTarget).toEqual({ kind: 'local' });
    await t.close();
    expect(closed).toBe(true);
  });

  it('sourceRef keeps the aliyun CLI profile name and nothing else', () => {
    expect(sourceRef({ kind: 'aliyun-cli', profileName: 'dev' })).toEqual({ kind: 'aliyun-cli', profileName: 'dev' });
    expect(sourceRef({ kind: 'fcli' })).toEqual({ kind: 'fcli' });
    expect(sourceRef({ kind: 'sandbox' })).toBeUndefined();
  });
});
