import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError, FailedError, UsageError } from '../../src/core/errors.js';
import { parseCredentialChoice } from '../../src/deploy/credential-choice.js';
import { probeSandbox, resolveTarget, sourceRef, targetKind } from '../../src/deploy/target.js';
import { keepsCloudKeysAway } from '../../src/fc/endpoint.js';
import { startSandbox } from '../../src/sandbox/index.js';

let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-target-'));
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

const SECRET = 'super-secret-value-0123456789';

/** A loopback HTTP server answering each request with what `answer` gives; `seen` lists every request. */
async function fakeEndpoint(
  answer: (
    req: http.IncomingMessage,
  ) => Promise<{ status: number; body?: unknown }> | { status: number; body?: unknown },
) {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer(async (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const { status, body } = await answer(req);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
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
      expect(() => targetKind({ target, endpoint: 'http://127.0.0.1:9420' })).toThrow(
        `--target ${target} and --endpoint http://127.0.0.1:9420 name two different places`,
      );
    }
    expect(targetKind({ target: 'endpoint', endpoint: 'http://127.0.0.1:9420' })).toBe('endpoint');
  });
});

describe('resolveTarget', () => {
  it('cloud: credentials from the chain, region and account from flags, profile, env; the line names them, no secret', async () => {
    const t = await resolveTarget(
      { region: 'cn-shanghai' },
      { kind: 'cloud', accountId: '1234' },
      { env: { ...envKeys, HOME: home }, home },
    );
    expect(t.endpoint).toBe('https://1234.cn-shanghai.fc.aliyuncs.com');
    expect(t.credentials.accessKeySecret).toBe(SECRET);
    expect(t.description).toBe(
      'Deploying to: account 1234, region cn-shanghai, endpoint https://1234.cn-shanghai.fc.aliyuncs.com, credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID).',
    );
    expect(t.profileTarget).toEqual({
      kind: 'cloud',
      accountId: '1234',
      region: 'cn-shanghai',
      credentialSource: { kind: 'env' },
    });
    expect(JSON.stringify(t.profileTarget) + t.description).not.toContain(SECRET);
  });

  it('cloud without an account id or region says which and how to set them', async () => {
    await expect(resolveTarget({}, undefined, { env: { ...envKeys, HOME: home }, home })).rejects.toThrow(
      /the account id and the region/,
    );
    // Below the command it names the field, not a flag: fcw deploy adds --account-id, the wizard its step.
    const error = await resolveTarget({ accountId: '1' }, undefined, { env: { ...envKeys, HOME: home }, home }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ field: 'region' });
    expect(`${(error as ConfigError).message} ${(error as ConfigError).hint ?? ''}`).not.toMatch(/--/);
  });

  it('cloud without any key lists the places looked', async () => {
    await expect(
      resolveTarget({ region: 'cn-hangzhou', accountId: '1' }, undefined, { env: { HOME: home }, home }),
    ).rejects.toThrow(/No Alibaba Cloud credentials found/);
  });

  it('a loopback endpoint uses the local sandbox key file over environment keys', async () => {
    const sandboxDir = path.join(home, 'cfg', 'sandbox');
    fs.mkdirSync(sandboxDir, { recursive: true });
    fs.writeFileSync(
      path.join(sandboxDir, 'credentials.json'),
      JSON.stringify({ accessKeyId: 'LTAIsandboxX', accessKeySecret: 'sandbox-secret' }),
    );
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
    expect(far.profileTarget).toEqual({
      kind: 'endpoint',
      endpoint: 'https://fc.example.com',
      accountId: '5',
      credentialSource: { kind: 'env' },
    });
  });

  it('a loopback endpoint with neither a sandbox key nor a cloud key names what is missing and the flag, not "no credentials"', async () => {
    const server = await fakeEndpoint(() => ({ status: 404 }));
    try {
      const env = { HOME: home, FCW_CONFIG_DIR: path.join(home, 'empty') };
      const attempt = resolveTarget({ endpoint: server.url, accountId: '1' }, undefined, { env, home });
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(
        /it does not answer GET \/sandbox-info as fcw serve does \(HTTP 404\), and there is no sandbox key in .*empty\/sandbox\/credentials\.json/,
      );
      await attempt.catch((error: UsageError) =>
        expect(error.hint).toContain('--credentials env, aliyun, aliyun:PROFILE, fcli or sandbox'),
      );
    } finally {
      await server.close();
    }
  });

  it('keepsCloudKeysAway: loopback hosts and plain http, not an https host elsewhere', () => {
    for (const url of [
      'http://127.0.0.1:9000',
      'https://127.0.0.1',
      'http://127.1.2.3:1',
      'https://localhost:8443',
      'http://[::1]:9',
      'https://a.localhost',
      'http://10.0.0.5:9000',
      'http://fc.example.com',
    ]) {
      expect(keepsCloudKeysAway(url), url).toBe(true);
    }
    for (const url of ['https://fc.example.com', 'https://1234.cn-hangzhou.fc.aliyuncs.com', 'https://10.0.0.5:9000'])
      expect(keepsCloudKeysAway(url), url).toBe(false);
  });

  describe('a loopback endpoint asks the running sandbox which key it expects', () => {
    function defaultSandboxKey(): Record<string, string> {
      const sandboxDir = path.join(home, 'cfg', 'sandbox');
      fs.mkdirSync(sandboxDir, { recursive: true });
      fs.writeFileSync(
        path.join(sandboxDir, 'credentials.json'),
        JSON.stringify({ accessKeyId: 'LTAIsandboxDefault', accessKeySecret: 'default-secret' }),
      );
      return { HOME: home, FCW_CONFIG_DIR: path.join(home, 'cfg') };
    }

    it('started with --access-key-id: the environment key with that id is refused, named by the flag that sends it', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({
        dataDir: path.join(home, 'x'),
        credentials: { accessKeyId: 'LTAImine', accessKeySecret: 's' },
      });
      try {
        expect(await probeSandbox(sandbox.url)).toEqual({
          answer: 'sandbox',
          info: { accountId: sandbox.accountId, accessKeyId: 'LTAImine' },
        });
        const withEnv = { ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAImine', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' };
        const attempt = resolveTarget({ endpoint: sandbox.url }, undefined, { env: withEnv, home });
        await expect(attempt).rejects.toThrow(UsageError);
        await expect(attempt).rejects.toThrow(
          /The key from environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\) has that id, but it is not sent there: .*\n.*does not cover the host.*15 minutes/,
        );
        await attempt.catch((error: UsageError) => expect(error.hint).toContain('pass --credentials env'));

        const t = await resolveTarget({ endpoint: sandbox.url, credentials: 'env' }, undefined, { env: withEnv, home });
        expect(t.credentials).toEqual({ accessKeyId: 'LTAImine', accessKeySecret: 's' });
        expect(t.accountId).toBe(sandbox.accountId);
        expect(t.credentialSource).toBe('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
        expect(t.description).toContain('credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
        expect(t.description).toContain('because --credentials env names it');
        expect(t.profileTarget.credentialSource).toEqual({ kind: 'env', chosen: true });
        // Saved as chosen, the profile sends it again; saved as merely found (an older profile), it does not.
        const again = await resolveTarget({}, t.profileTarget, { env: withEnv, home });
        expect(again.credentials.accessKeyId).toBe('LTAImine');
        await expect(
          resolveTarget({}, { ...t.profileTarget, credentialSource: { kind: 'env' } }, { env: withEnv, home }),
        ).rejects.toThrow(/is not sent there/);
      } finally {
        await sandbox.close();
      }
    });

    it('started with --data elsewhere: the key file it names is read', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({ dataDir: path.join(home, 'elsewhere') });
      try {
        const t = await resolveTarget({ endpoint: sandbox.url }, undefined, {
          env: { ...env, ...envKeys, HOME: home },
          home,
        });
        expect(t.credentials).toEqual(sandbox.credentials);
        expect(t.credentialSource).toBe(
          `the local sandbox's own key (${path.join(home, 'elsewhere', 'credentials.json')})`,
        );
        const chosen = await resolveTarget({ endpoint: sandbox.url, credentials: 'sandbox' }, undefined, {
          env: { ...env, ...envKeys, HOME: home },
          home,
        });
        expect(chosen.credentials).toEqual(sandbox.credentials);
        expect(chosen.profileTarget.credentialSource).toEqual({ kind: 'sandbox', chosen: true });
      } finally {
        await sandbox.close();
      }
    });

    it('no key with the expected id anywhere: exit 2 naming the id and every place looked, no request sent', async () => {
      const env = defaultSandboxKey();
      const sandbox = await startSandbox({
        dataDir: path.join(home, 'x'),
        credentials: { accessKeyId: 'LTAIother', accessKeySecret: 's' },
      });
      try {
        const attempt = resolveTarget({ endpoint: sandbox.url }, undefined, {
          env: { ...env, ...envKeys, HOME: home },
          home,
        });
        await expect(attempt).rejects.toThrow(UsageError);
        await expect(attempt).rejects.toThrow(
          /expects key id LTAIother.*\n.*cfg\/sandbox\/credentials\.json \(key id LTAIsandboxDefault\)\n.*The key from environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\) is not sent there/,
        );
        await attempt.catch((error: UsageError) =>
          expect(`${error.message}${error.hint}`).not.toMatch(/default-secret|super-secret/),
        );
        await attempt.catch((error: UsageError) => expect(error.hint).toContain('pass --credentials env'));
      } finally {
        await sandbox.close();
      }
    });

    it('a slow /sandbox-info (past the old 1.5 s) is waited for, and the key file it names is used', async () => {
      // As `fcw serve --data elsewhere` under load: no key in the config dir, the sandbox names its own.
      const dataDir = path.join(home, 'elsewhere');
      fs.mkdirSync(dataDir);
      fs.writeFileSync(
        path.join(dataDir, 'credentials.json'),
        JSON.stringify({ accessKeyId: 'LTAIsandboxSlow', accessKeySecret: 'slow-secret' }),
      );
      const server = await fakeEndpoint(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_600));
        const keyFile = path.join(dataDir, 'credentials.json');
        return { status: 200, body: { sandbox: 'fcw', accountId: '777', accessKeyId: 'LTAIsandboxSlow', keyFile } };
      });
      try {
        const env = { ...envKeys, HOME: home, FCW_CONFIG_DIR: path.join(home, 'cfg') };
        const t = await resolveTarget({ endpoint: server.url }, undefined, { env, home });
        expect(t.credentials.accessKeyId).toBe('LTAIsandboxSlow');
        expect(t.accountId).toBe('777');
      } finally {
        await server.close();
      }
    });

    it('no answer within the wait: says the endpoint did not answer in time (naming it and the wait), not "no credentials"', async () => {
      const env = defaultSandboxKey();
      const server = await fakeEndpoint(() => new Promise(() => {}));
      try {
        const attempt = resolveTarget({ endpoint: server.url }, undefined, {
          env: { ...env, ...envKeys },
          home,
          sandboxInfoWaitMs: 100,
        });
        await expect(attempt).rejects.toThrow(FailedError);
        await expect(attempt).rejects.toThrow(`${server.url} did not answer GET /sandbox-info within 0.1 s`);
        await attempt.catch((error: Error) => expect(error.message).not.toMatch(/credentials found/i));
        expect(server.seen.filter((r) => r.url !== '/sandbox-info')).toEqual([]);
      } finally {
        await server.close();
      }
    });
  });

  describe('--credentials chooses the source instead of the search order', () => {
    async function writeConfigs(): Promise<void> {
      fs.mkdirSync(path.join(home, '.aliyun'));
      const profile = (name: string) => ({
        name,
        mode: 'AK',
        access_key_id: `LTAI-${name}`,
        access_key_secret: 'cliSecret',
      });
      fs.writeFileSync(
        path.join(home, '.aliyun', 'config.json'),
        JSON.stringify({ current: 'default', profiles: [profile('default'), profile('work')] }),
        { mode: 0o600 },
      );
      fs.mkdirSync(path.join(home, '.fcli'));
      fs.writeFileSync(
        path.join(home, '.fcli', 'config.yaml'),
        'access_key_id: LTAI-fcli\naccess_key_secret: fcliSecret\n',
        { mode: 0o600 },
      );
    }
    const cloud = { region: 'cn-hangzhou', accountId: '1' };

    it('for the cloud: each source alone, saved as chosen', async () => {
      await writeConfigs();
      const env = { ...envKeys, HOME: home };
      const pick = async (credentials: string) => resolveTarget({ ...cloud, credentials }, undefined, { env, home });
      expect((await pick('env')).credentials.accessKeyId).toBe('LTAIenvKeyId');
      expect((await pick('aliyun')).credentials.accessKeyId).toBe('LTAI-default');
      const work = await pick('aliyun:work');
      expect(work.credentials.accessKeyId).toBe('LTAI-work');
      expect(work.profileTarget.credentialSource).toEqual({ kind: 'aliyun-cli', profileName: 'work', chosen: true });
      expect((await pick('fcli')).credentials.accessKeyId).toBe('LTAI-fcli');
      // A chosen profile name wins over ALIBABA_CLOUD_PROFILE, which is ambient.
      const named = await resolveTarget({ ...cloud, credentials: 'aliyun:work' }, undefined, {
        env: { ...env, ALIBABA_CLOUD_PROFILE: 'default' },
        home,
      });
      expect(named.credentials.accessKeyId).toBe('LTAI-work');
    });

    it('a chosen source with no key is exit 2, never another source', async () => {
      await writeConfigs();
      const attempt = resolveTarget({ ...cloud, credentials: 'env' }, undefined, { env: { HOME: home }, home });
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(
        /The credentials chosen, the environment, have no key here: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set/,
      );
    });

    it('parsing errors: an unknown source, an empty or unknown aliyun profile; sandbox for the cloud, a cloud key for --target local', async () => {
      await writeConfigs();
      const env = { ...envKeys, HOME: home, FCW_CONFIG_DIR: path.join(home, 'cfg') };
      await expect(resolveTarget({ ...cloud, credentials: 'ram-role' }, undefined, { env, home })).rejects.toThrow(
        '--credentials must be env, aliyun, aliyun:PROFILE, fcli or sandbox, not "ram-role".',
      );
      await expect(resolveTarget({ ...cloud, credentials: 'aliyun:' }, undefined, { env, home })).rejects.toThrow(
        /needs the aliyun CLI profile name after the colon/,
      );
      const missing = resolveTarget({ ...cloud, credentials: 'aliyun:nope' }, undefined, { env, home });
      await expect(missing).rejects.toThrow(UsageError);
      await expect(missing).rejects.toThrow(
        'aliyun CLI profile "nope", have no key here: ~/.aliyun/config.json: no profile "nope" (the one chosen; it has: "default", "work")',
      );
      await expect(resolveTarget({ ...cloud, credentials: 'sandbox' }, undefined, { env, home })).rejects.toThrow(
        /Alibaba Cloud does not know/,
      );
      let started = false;
      const local = resolveTarget({ target: 'local', credentials: 'env' }, undefined, {
        env,
        home,
        startSandbox: async () => ((started = true), Promise.reject(new Error('not started'))),
      });
      await expect(local).rejects.toThrow(/--credentials env cannot be used with the built-in sandbox/);
      expect(started).toBe(false);
      expect(parseCredentialChoice(' aliyun:work ')).toEqual({ kind: 'aliyun-cli', profileName: 'work', chosen: true });
      expect(() => parseCredentialChoice('ENV')).toThrow(UsageError);
    });
  });

  it('local: starts the sandbox in the config dir, and close() stops it', async () => {
    let closed = false;
    let started: { port: number; dataDir: string } | undefined;
    const t = await resolveTarget({ target: 'local' }, undefined, {
      env: { FCW_CONFIG_DIR: path.join(home, 'cfg') },
      startSandbox: async (options) => {
        started = options;
        return {
          url: 'http://127.0.0.1:5555',
          accountId: '42',
          credentials: { accessKeyId: 'a', accessKeySecret: 'b' },
          close: async () => void (closed = true),
        };
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
