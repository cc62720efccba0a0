import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import {
  describeTarget,
  findCloudCredentials,
  listCredentialSources,
  parseFcEndpoint,
  resolveCredentials,
  type ResolveCredentialsOptions,
} from '../../src/profiles/credentials.js';

// Every secret and token used below: no message, label or note may contain any of them.
const SECRETS = [
  'envSecretValue123',
  'envTokenValue456',
  'cliSecretValue789',
  'cliTokenValueABC',
  'fcliSecretValueDEF',
  'fcliTokenValueGHI',
];

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'fcw-cred-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function writeAliyun(config: unknown) {
  await mkdir(path.join(home, '.aliyun'), { recursive: true });
  await writeFile(
    path.join(home, '.aliyun', 'config.json'),
    typeof config === 'string' ? config : JSON.stringify(config, null, 2),
    { mode: 0o600 },
  );
}
async function writeFcli(text: string) {
  await mkdir(path.join(home, '.fcli'), { recursive: true });
  await writeFile(path.join(home, '.fcli', 'config.yaml'), text, { mode: 0o600 });
}

const aliyunProfile = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  mode: 'AK',
  access_key_id: `LTAI-${name}`,
  access_key_secret: 'cliSecretValue789',
  sts_token: '',
  region_id: 'cn-shanghai',
  ...extra,
});

const FCLI_OK = [
  'endpoint: https://1234567890123456.cn-beijing.fc.aliyuncs.com',
  "api_version: '2016-08-15'",
  'access_key_id: LTAI-fcli',
  'access_key_secret: fcliSecretValueDEF',
  'security_token:',
  'debug: false',
  'timeout: 60',
  'retries: 3',
  '',
].join('\n');

const ENV_KEY = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-env', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecretValue123' };

const opts = (
  env: Record<string, string | undefined>,
  extra: Partial<ResolveCredentialsOptions> = {},
): ResolveCredentialsOptions => ({
  env,
  home,
  ...extra,
});

/** The thrown UsageError, checked for secrets in message and hint. */
async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  const u = error as UsageError;
  for (const s of SECRETS) {
    expect(u.message).not.toContain(s);
    expect(u.hint ?? '').not.toContain(s);
  }
  return u;
}

/**
 * resolveCredentials with an empty environment, run as nobody. Only the file's own mode may stop
 * the read: home and .aliyun are opened up to others. Returns what the child caught.
 */
async function resolveAsNobody(homeDir: string): Promise<{ name: string; message: string; hint?: string }> {
  await chmod(homeDir, 0o755);
  await chmod(path.join(homeDir, '.aliyun'), 0o755);
  const moduleFile = path.join(homeDir, 'credentials.cjs');
  // Everything bundled in (yaml too, which needs CommonJS): nobody runs it from a folder with no node_modules.
  await build({
    entryPoints: [fileURLToPath(new URL('../../src/profiles/credentials.ts', import.meta.url))],
    outfile: moduleFile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const script = [
    `const { resolveCredentials } = require(${JSON.stringify(moduleFile)});`,
    `resolveCredentials({ env: {}, home: ${JSON.stringify(homeDir)} }).then(`,
    `  () => console.log(JSON.stringify({ name: 'resolved' })),`,
    `  (e) => console.log(JSON.stringify({ name: e.name, message: e.message, hint: e.hint })));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    cwd: homeDir,
    env: { PATH: process.env.PATH },
    uid: 65534,
    gid: 65534,
    timeout: 15_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as { name: string; message: string; hint?: string };
}

function expectNoSecretsIn(text: string) {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

describe('environment', () => {
  it('reads id and secret, region and account', async () => {
    const r = await resolveCredentials(
      opts({ ...ENV_KEY, ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou', ALIBABA_CLOUD_ACCOUNT_ID: '1111' }),
    );
    expect(r.credentials).toEqual({ accessKeyId: 'LTAI-env', accessKeySecret: 'envSecretValue123' });
    expect(r.source).toEqual({ kind: 'env', label: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)' });
    expect(r.region).toBe('cn-hangzhou');
    expect(r.accountId).toBe('1111');
    expect(r.note).toBeUndefined();
  });

  it('reads an STS token and says so in the label', async () => {
    const r = await resolveCredentials(
      opts({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.abc',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecretValue123',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'envTokenValue456',
      }),
    );
    expect(r.credentials.securityToken).toBe('envTokenValue456');
    expect(r.source.label).toContain('ALIBABA_CLOUD_SECURITY_TOKEN');
    expectNoSecretsIn(r.source.label);
  });

  it('without region and account leaves them undefined', async () => {
    const r = await resolveCredentials(opts(ENV_KEY));
    expect(r.region).toBeUndefined();
    expect(r.accountId).toBeUndefined();
  });

  it('an id without a secret names the missing variable', async () => {
    const e = await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-env' })));
    expect(e.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(e.message).toMatch(/is not/);
    expect(e.exitCode).toBe(2);
  });

  it('a secret without an id names the missing variable, and never the secret', async () => {
    const e = await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecretValue123' })));
    expect(e.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID is not');
  });

  it('a token alone names both missing variables', async () => {
    const e = await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_SECURITY_TOKEN: 'envTokenValue456' })));
    expect(e.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not');
  });

  it('an STS key id without a token is an error', async () => {
    const e = await usageError(
      resolveCredentials(
        opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.xyz', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecretValue123' }),
      ),
    );
    expect(e.message).toContain('ALIBABA_CLOUD_SECURITY_TOKEN');
  });

  it('a half-set environment is an error even when a file has a key (no silent fallback)', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default')] });
    await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-env' })));
  });

  it('empty variables count as unset', async () => {
    await writeFcli(FCLI_OK);
    const r = await resolveCredentials(
      opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '  ' }),
    );
    expect(r.source.kind).toBe('fcli');
  });
});

describe('aliyun CLI config', () => {
  it('uses the current profile in AK mode, with its region', async () => {
    await writeAliyun({
      current: 'work',
      profiles: [aliyunProfile('default'), aliyunProfile('work', { region_id: 'cn-shenzhen' })],
    });
    const r = await resolveCredentials(opts({}));
    expect(r.credentials).toEqual({ accessKeyId: 'LTAI-work', accessKeySecret: 'cliSecretValue789' });
    expect(r.source).toEqual({
      kind: 'aliyun-cli',
      label: 'aliyun CLI profile "work" (~/.aliyun/config.json)',
      profileName: 'work',
    });
    expect(r.region).toBe('cn-shenzhen');
    expect(r.accountId).toBeUndefined(); // the aliyun CLI holds no account id
  });

  it('ALIBABA_CLOUD_PROFILE picks the profile over current', async () => {
    await writeAliyun({ current: 'work', profiles: [aliyunProfile('default'), aliyunProfile('work')] });
    const r = await resolveCredentials(opts({ ALIBABA_CLOUD_PROFILE: 'default' }));
    expect(r.source.profileName).toBe('default');
    expect(r.credentials.accessKeyId).toBe('LTAI-default');
  });

  it('without current uses "default"', async () => {
    await writeAliyun({ profiles: [aliyunProfile('other'), aliyunProfile('default')] });
    const r = await resolveCredentials(opts({}));
    expect(r.source.profileName).toBe('default');
  });

  it('a profile without mode is AK (the CLI default)', async () => {
    const { mode: _mode, ...noMode } = aliyunProfile('default');
    await writeAliyun({ current: 'default', profiles: [noMode] });
    const r = await resolveCredentials(opts({}));
    expect(r.credentials.accessKeyId).toBe('LTAI-default');
  });

  it('StsToken mode carries the token', async () => {
    await writeAliyun({
      current: 'sts',
      profiles: [aliyunProfile('sts', { mode: 'StsToken', access_key_id: 'STS.cli', sts_token: 'cliTokenValueABC' })],
    });
    const r = await resolveCredentials(opts({}));
    expect(r.credentials).toEqual({
      accessKeyId: 'STS.cli',
      accessKeySecret: 'cliSecretValue789',
      securityToken: 'cliTokenValueABC',
    });
    expect(r.source.label).toContain('StsToken');
    expectNoSecretsIn(r.source.label);
  });

  it('AK mode ignores a leftover sts_token', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default', { sts_token: 'cliTokenValueABC' })] });
    const r = await resolveCredentials(opts({}));
    expect(r.credentials.securityToken).toBeUndefined();
  });

  it('StsToken mode without a token is an error naming sts_token', async () => {
    await writeAliyun({ current: 'sts', profiles: [aliyunProfile('sts', { mode: 'StsToken', sts_token: '' })] });
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('sts_token');
    expect(e.message).toContain('"sts"');
  });

  it('AK mode without a secret names the field and the file', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default', { access_key_secret: '' })] });
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('access_key_secret');
    expect(e.message).toContain('~/.aliyun/config.json');
  });

  for (const mode of ['RamRoleArn', 'EcsRamRole', 'RsaKeyPair', 'CloudSSO', 'External']) {
    it(`mode ${mode} is a clear "not supported yet"`, async () => {
      await writeAliyun({ current: 'x', profiles: [aliyunProfile('x', { mode, ram_role_arn: 'acs:ram::1:role/r' })] });
      const e = await usageError(resolveCredentials(opts({})));
      expect(e.message).toContain(`mode "${mode}"`);
      expect(e.message).toContain('does not support yet');
      expect(e.hint).toContain('ALIBABA_CLOUD_PROFILE');
    });
  }

  it('ALIBABA_CLOUD_PROFILE naming a missing profile is an error listing the known ones', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default'), aliyunProfile('work')] });
    const e = await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_PROFILE: 'nope' })));
    expect(e.message).toContain('"nope"');
    expect(e.message).toContain('"default", "work"');
  });

  it('ALIBABA_CLOUD_PROFILE without any aliyun config is an error, not a silent fallback', async () => {
    await writeFcli(FCLI_OK);
    const e = await usageError(resolveCredentials(opts({ ALIBABA_CLOUD_PROFILE: 'work' })));
    expect(e.message).toContain('ALIBABA_CLOUD_PROFILE is "work", but there is no ~/.aliyun/config.json');
  });

  it('reads a config as the aliyun CLI writes it (every field, numbers, meta_path)', async () => {
    await writeAliyun({
      current: 'default',
      profiles: [
        {
          name: 'default',
          mode: 'AK',
          access_key_id: 'LTAI5tRealistic',
          access_key_secret: 'cliSecretValue789',
          sts_token: '',
          sts_region: '',
          ram_role_name: '',
          ram_role_arn: '',
          ram_session_name: '',
          source_profile: '',
          private_key: '',
          key_pair_name: '',
          expired_seconds: 0,
          verified: '',
          region_id: 'cn-hangzhou',
          output_format: 'json',
          language: 'en',
          site: '',
          retry_timeout: 0,
          connect_timeout: 0,
          retry_count: 0,
          process_command: '',
          credentials_uri: '',
        },
      ],
      meta_path: '',
    });
    const r = await resolveCredentials(opts({}));
    expect(r.credentials).toEqual({ accessKeyId: 'LTAI5tRealistic', accessKeySecret: 'cliSecretValue789' });
    expect(r.region).toBe('cn-hangzhou');
  });

  it('a byte-order mark at the start is accepted', async () => {
    await writeAliyun(`\uFEFF${JSON.stringify({ current: 'default', profiles: [aliyunProfile('default')] })}`);
    expect((await resolveCredentials(opts({}))).source.profileName).toBe('default');
  });

  it('a current naming a missing profile falls through to fcli', async () => {
    await writeAliyun({ current: 'gone', profiles: [aliyunProfile('default')] });
    await writeFcli(FCLI_OK);
    const r = await resolveCredentials(opts({}));
    expect(r.source.kind).toBe('fcli');
  });

  it('invalid JSON is an error naming the file, without quoting it', async () => {
    await writeAliyun(
      '{"current": "default", "profiles": [{"name": "default", "access_key_secret": "cliSecretValue789", }]}',
    );
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('~/.aliyun/config.json is not valid JSON');
  });

  it('a parser message that would quote the secret is never passed on', async () => {
    // V8 quotes the text around an unexpected token: "Unexpected token 'c', "..cliSecretV".." is not valid JSON".
    await writeAliyun('{"profiles": [{"name": "default", "access_key_secret": cliSecretValue789}]}');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('~/.aliyun/config.json is not valid JSON');
    expect(e.message).not.toContain('cliSecretV');
  });

  it('an error position becomes a line and column', async () => {
    await writeAliyun('{\n  "current": "default",\n  "profiles": [] x\n}');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('(near line 3, column 18)');
  });

  it('truncated JSON with the secret near the cut is an error without the secret', async () => {
    await writeAliyun(
      '{"current": "default", "profiles": [{"name": "default", "access_key_secret": "cliSecretValue789"',
    );
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('not valid JSON');
  });

  it('wrong shapes are errors, not crashes', async () => {
    for (const bad of ['[]', '"text"', '{"profiles": {}}', '{"profiles": [1, 2]}', 'null']) {
      await writeAliyun(bad);
      const e = await usageError(resolveCredentials(opts({})));
      expect(e.message).toContain('~/.aliyun/config.json');
    }
  });

  it('a secret of the wrong type is named by field, not value', async () => {
    await writeAliyun({
      current: 'default',
      profiles: [aliyunProfile('default', { access_key_secret: { nested: 'cliSecretValue789' } })],
    });
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('"access_key_secret" must be a string');
  });

  // root reads any file whatever its mode, and CI runs as root: there the check runs in a child
  // process as nobody (uid/gid 65534, supplementary groups dropped by Node's spawn), on credentials.ts
  // bundled with esbuild, so it is never skipped.
  it('an unreadable file is an error naming it', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default')] });
    await chmod(path.join(home, '.aliyun', 'config.json'), 0o000);
    const e = process.getuid?.() === 0 ? await resolveAsNobody(home) : await usageError(resolveCredentials(opts({})));
    expect(e.name).toBe('UsageError');
    expect(e.message).toContain('Cannot read ~/.aliyun/config.json (permission denied)');
    for (const s of SECRETS) expect(`${e.message}\n${e.hint ?? ''}`).not.toContain(s);
  });

  it('a directory where the file should be is an error naming it', async () => {
    await mkdir(path.join(home, '.aliyun', 'config.json'), { recursive: true });
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('Cannot read ~/.aliyun/config.json');
  });

  it('a symlink loop (any other read failure) is an error naming the file', async () => {
    await mkdir(path.join(home, '.aliyun'), { recursive: true });
    await symlink('config.json', path.join(home, '.aliyun', 'config.json'));
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('Cannot read ~/.aliyun/config.json (ELOOP)');
  });

  it('environment region and account win over the profile region', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default')] });
    const r = await resolveCredentials(
      opts({ ALIBABA_CLOUD_REGION_ID: 'ap-southeast-1', ALIBABA_CLOUD_ACCOUNT_ID: '999' }),
    );
    expect(r.region).toBe('ap-southeast-1');
    expect(r.accountId).toBe('999');
  });
});

describe('funcraft config', () => {
  it('reads the key and takes account id and region from the endpoint', async () => {
    await writeFcli(FCLI_OK);
    const r = await resolveCredentials(opts({}));
    expect(r.credentials).toEqual({ accessKeyId: 'LTAI-fcli', accessKeySecret: 'fcliSecretValueDEF' });
    expect(r.source).toEqual({ kind: 'fcli', label: 'funcraft config (~/.fcli/config.yaml)' });
    expect(r.accountId).toBe('1234567890123456');
    expect(r.region).toBe('cn-beijing');
  });

  it('reads a security token', async () => {
    await writeFcli(FCLI_OK.replace('security_token:', 'security_token: fcliTokenValueGHI'));
    const r = await resolveCredentials(opts({}));
    expect(r.credentials.securityToken).toBe('fcliTokenValueGHI');
    expectNoSecretsIn(r.source.label);
  });

  it('an internal endpoint gives the plain region', async () => {
    await writeFcli(FCLI_OK.replace('cn-beijing.fc', 'cn-beijing-internal.fc'));
    const r = await resolveCredentials(opts({}));
    expect(r.region).toBe('cn-beijing');
  });

  it('an endpoint it cannot parse leaves account and region unset', async () => {
    await writeFcli(FCLI_OK.replace(/^endpoint: .*$/m, 'endpoint: http://localhost:9000'));
    const r = await resolveCredentials(opts({}));
    expect(r.accountId).toBeUndefined();
    expect(r.region).toBeUndefined();
  });

  it('invalid YAML is an error naming the file, without quoting it', async () => {
    await writeFcli('access_key_id: LTAI\naccess_key_secret: "fcliSecretValueDEF\n  : : [');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('~/.fcli/config.yaml is not valid YAML');
    expect(e.message).toMatch(/line \d+/);
  });

  it('a YAML error on the line of the secret does not quote that line', async () => {
    // yaml's message shows the offending line: "...at line 2, column 20:\n\naccess_key_secret: fcliSecret..."
    await writeFcli('access_key_id: LTAI\naccess_key_secret: fcliSecretValueDEF: bad\n');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toBe('~/.fcli/config.yaml is not valid YAML (near line 2, column 20).');
  });

  it('a YAML list is an error, an empty file is "nothing here"', async () => {
    await writeFcli('- a\n- b\n');
    await usageError(resolveCredentials(opts({})));
    await writeFcli('');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('No Alibaba Cloud credentials found');
    expect(e.message).toContain('~/.fcli/config.yaml: empty');
  });

  it('an id without a secret is an error naming the file', async () => {
    await writeFcli('endpoint: https://1.cn-hangzhou.fc.aliyuncs.com\naccess_key_id: LTAI\n');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('~/.fcli/config.yaml');
    expect(e.message).toContain('no access_key_secret');
  });

  it('environment account and region win over the endpoint', async () => {
    await writeFcli(FCLI_OK);
    const r = await resolveCredentials(opts({ ALIBABA_CLOUD_ACCOUNT_ID: '42', ALIBABA_CLOUD_REGION_ID: 'cn-qingdao' }));
    expect(r.accountId).toBe('42');
    expect(r.region).toBe('cn-qingdao');
  });

  it('parseFcEndpoint', () => {
    expect(parseFcEndpoint('https://123.cn-hangzhou.fc.aliyuncs.com')).toEqual({
      accountId: '123',
      region: 'cn-hangzhou',
    });
    expect(parseFcEndpoint('https://123.ap-northeast-1-internal.fc.aliyuncs.com/')).toEqual({
      accountId: '123',
      region: 'ap-northeast-1',
    });
    expect(parseFcEndpoint('https://example.com')).toBeUndefined();
    expect(parseFcEndpoint('https://abc.cn-hangzhou.fc.aliyuncs.com')).toBeUndefined();
  });
});

describe('precedence', () => {
  async function allThree() {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default'), aliyunProfile('work')] });
    await writeFcli(FCLI_OK);
  }

  it('environment, then aliyun CLI, then fcli', async () => {
    await allThree();
    expect((await resolveCredentials(opts(ENV_KEY))).source.kind).toBe('env');
    expect((await resolveCredentials(opts({}))).source.kind).toBe('aliyun-cli');
    await rm(path.join(home, '.aliyun'), { recursive: true });
    expect((await resolveCredentials(opts({}))).source.kind).toBe('fcli');
  });

  it('a saved profile preferring fcli gets fcli even with the environment set', async () => {
    await allThree();
    const r = await resolveCredentials(opts(ENV_KEY, { preferSource: { kind: 'fcli' } }));
    expect(r.source.kind).toBe('fcli');
    expect(r.note).toBeUndefined();
  });

  it('a saved profile preferring an aliyun CLI profile gets that one, not current', async () => {
    await allThree();
    const r = await resolveCredentials(opts(ENV_KEY, { preferSource: { kind: 'aliyun-cli', profileName: 'work' } }));
    expect(r.source.profileName).toBe('work');
  });

  it('ALIBABA_CLOUD_PROFILE overrides the saved profile name', async () => {
    await allThree();
    const r = await resolveCredentials(
      opts({ ALIBABA_CLOUD_PROFILE: 'default' }, { preferSource: { kind: 'aliyun-cli', profileName: 'work' } }),
    );
    expect(r.source.profileName).toBe('default');
  });

  it('a preferred source that is absent here falls back in order, with a note', async () => {
    await writeFcli(FCLI_OK);
    // e.g. CI: the profile was saved with the aliyun CLI on a laptop; here only the environment has a key.
    const r = await resolveCredentials(opts(ENV_KEY, { preferSource: { kind: 'aliyun-cli', profileName: 'work' } }));
    expect(r.source.kind).toBe('env');
    expect(r.note).toContain('aliyun CLI profile "work"');
    expect(r.note).toContain('~/.aliyun/config.json: no such file');
    expectNoSecretsIn(r.note ?? '');
  });

  it('a preferred aliyun profile missing from the file falls back too', async () => {
    await allThree();
    const r = await resolveCredentials(opts({}, { preferSource: { kind: 'aliyun-cli', profileName: 'gone' } }));
    // Not to the CLI's current profile (a different identity the user did not pick), but on in order.
    expect(r.source.kind).toBe('fcli');
    expect(r.note).toContain('no profile "gone" (the saved profile; it has: "default", "work")');
  });
});

describe('nothing found', () => {
  it('lists every place looked and how to set one', async () => {
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('No Alibaba Cloud credentials found');
    expect(e.message).toContain(
      'environment: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set',
    );
    expect(e.message).toContain('~/.aliyun/config.json: no such file');
    expect(e.message).toContain('~/.fcli/config.yaml: no such file');
    expect(e.message).toContain('export ALIBABA_CLOUD_ACCESS_KEY_ID=');
    expect(e.message).toContain('aliyun configure');
    expect(e.message).toContain('fun config');
    expect(e.hint).toContain('--target local');
    expect(e.exitCode).toBe(2);
  });

  it('says why files that exist had nothing', async () => {
    await writeAliyun({ current: '', profiles: [] });
    await writeFcli('endpoint: https://1.cn-hangzhou.fc.aliyuncs.com\n');
    const e = await usageError(resolveCredentials(opts({})));
    expect(e.message).toContain('no profile "default"');
    expect(e.message).toContain('it has no profiles');
    expect(e.message).toContain('~/.fcli/config.yaml: no access_key_id or access_key_secret');
  });

  it('findCloudCredentials returns undefined instead of throwing', async () => {
    expect(await findCloudCredentials(opts({}))).toBeUndefined();
    expect(await findCloudCredentials(opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'half' }))).toBeUndefined();
    await writeFcli(FCLI_OK);
    expect((await findCloudCredentials(opts({})))?.source.kind).toBe('fcli');
  });
});

describe('a key file others can read', () => {
  // root reads any file, but the mode bits are still what they are: this runs the same as root.
  it('is warned about once per file: one line naming it, its mode and the chmod that fixes it', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default')] });
    await writeFcli(FCLI_OK);
    const aliyunFile = path.join(home, '.aliyun', 'config.json');
    const fcliFile = path.join(home, '.fcli', 'config.yaml');
    await chmod(aliyunFile, 0o644);
    await chmod(fcliFile, 0o640);
    const lines: string[] = [];
    const warn = (line: string) => lines.push(line);
    await resolveCredentials(opts({}, { warn }));
    await resolveCredentials(opts({}, { warn }));
    await resolveCredentials(opts({}, { warn, preferSource: { kind: 'fcli', chosen: true } }));
    expect(lines).toEqual([
      `fcw: warning: ~/.aliyun/config.json holds a key and is readable by group and others (mode 644); fix it: chmod 600 ${aliyunFile}`,
      `fcw: warning: ~/.fcli/config.yaml holds a key and is readable by group (mode 640); fix it: chmod 600 ${fcliFile}`,
    ]);
    expectNoSecretsIn(lines.join('\n'));
  });

  it('mode 600 (or a file not read) gives no warning', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default')] });
    await writeFcli(FCLI_OK);
    await chmod(path.join(home, '.fcli', 'config.yaml'), 0o644);
    const lines: string[] = [];
    // The environment has the key: neither file is read.
    await resolveCredentials(opts(ENV_KEY, { warn: (line) => lines.push(line) }));
    await resolveCredentials(opts({}, { warn: (line) => lines.push(line) }));
    expect(lines).toEqual([]);
  });
});

describe('a chosen source (--credentials)', () => {
  it('is the only one tried: no fallback to another identity', async () => {
    await writeFcli(FCLI_OK);
    const e = await usageError(
      resolveCredentials(opts({}, { preferSource: { kind: 'aliyun-cli', profileName: 'work', chosen: true } })),
    );
    expect(e.message).toBe(
      'The credentials chosen, aliyun CLI profile "work", have no key here: ~/.aliyun/config.json: no such file.',
    );
    expect(e.hint).toContain('--credentials env, aliyun, aliyun:PROFILE, fcli or sandbox');
  });

  it('a chosen aliyun profile name wins over ALIBABA_CLOUD_PROFILE', async () => {
    await writeAliyun({ current: 'default', profiles: [aliyunProfile('default'), aliyunProfile('work')] });
    const r = await resolveCredentials(
      opts(
        { ALIBABA_CLOUD_PROFILE: 'default' },
        { preferSource: { kind: 'aliyun-cli', profileName: 'work', chosen: true } },
      ),
    );
    expect(r.credentials.accessKeyId).toBe('LTAI-work');
    expect(r.note).toBeUndefined();
  });

  it('listCredentialSources gives every source with a usable key, each aliyun profile on its own', async () => {
    await writeAliyun({
      current: 'default',
      profiles: [aliyunProfile('default'), aliyunProfile('work'), aliyunProfile('sso', { mode: 'External' })],
    });
    await writeFcli(FCLI_OK);
    const all = await listCredentialSources(opts(ENV_KEY));
    expect(all.map((f) => f.source.label)).toEqual([
      'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
      'aliyun CLI profile "default" (~/.aliyun/config.json)',
      'aliyun CLI profile "work" (~/.aliyun/config.json)',
      'funcraft config (~/.fcli/config.yaml)',
    ]);
    expect(await listCredentialSources(opts({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'half' }))).toHaveLength(3);
  });
});

describe('describeTarget', () => {
  it('is one line with account, region, endpoint and source', () => {
    const line = describeTarget({
      accountId: '1234567890123456',
      region: 'cn-hangzhou',
      endpoint: 'https://1234567890123456.cn-hangzhou.fc.aliyuncs.com',
      source: { kind: 'env', label: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)' },
    });
    expect(line).toBe(
      'account 1234567890123456, region cn-hangzhou, endpoint https://1234567890123456.cn-hangzhou.fc.aliyuncs.com, credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
    );
    expect(line).not.toContain('\n');
  });

  it('leaves region out when there is none, and strips user:password and query from the endpoint', () => {
    const line = describeTarget({
      accountId: '42',
      endpoint: 'http://user:envSecretValue123@127.0.0.1:9000/?token=envTokenValue456',
      source: { label: 'funcraft config (~/.fcli/config.yaml)' },
    });
    expect(line).toBe(
      'account 42, endpoint http://127.0.0.1:9000, credentials from funcraft config (~/.fcli/config.yaml)',
    );
    expectNoSecretsIn(line);
  });

  it('shows the label of every source, and never a secret', async () => {
    await writeAliyun({
      current: 'sts',
      profiles: [aliyunProfile('sts', { mode: 'StsToken', sts_token: 'cliTokenValueABC' })],
    });
    const r = await resolveCredentials(opts({}));
    const line = describeTarget({
      accountId: '1',
      region: r.region,
      endpoint: 'https://1.cn-shanghai.fc.aliyuncs.com',
      source: r.source,
    });
    expect(line).toContain('credentials from aliyun CLI profile "sts" (~/.aliyun/config.json, StsToken)');
    expectNoSecretsIn(line);
  });

  it('control characters from files cannot reach the terminal', () => {
    const line = describeTarget({ accountId: '1\u001b[2J', endpoint: 'https://x', source: { label: 'env' } });
    expect(line).not.toContain('\u001b');
  });
});
