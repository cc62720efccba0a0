// `fcw deploy` and `fcw profiles` as a user (or CI) runs them: the built bin, piped stdio, a temp
// FCW_CONFIG_DIR, the in-process sandbox (--target local) or a sandbox on a loopback endpoint.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { binReadableByAnyone, isolatedEnv, runFcw } from '../helpers/run-fcw.js';

let root: string;
let configDir: string;
let codeDir: string;
let env: NodeJS.ProcessEnv;

// The tests walk the --json output field by field; a missing field fails its expectation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(stdout: string): Record<string, any> {
  const trimmed = stdout.trim();
  expect(trimmed.split('\n')).toHaveLength(1);
  return JSON.parse(trimmed);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-deploy-'));
  configDir = path.join(root, 'config');
  codeDir = path.join(root, 'app');
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v1");\n');
  env = isolatedEnv(root, configDir);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const FLAGS = [
  '--service',
  'svc',
  '--create-service',
  '--function',
  'hello',
  '--runtime',
  'nodejs18',
  '--handler',
  'index.handler',
  '--memory',
  '256',
];

describe('fcw deploy (spawned, piped stdio)', () => {
  it('creates, saves the profile, then redeploys it unchanged, then updates a code change', async () => {
    const first = await runFcw(
      ['deploy', '--target', 'local', ...FLAGS, '--code', codeDir, '--save-profile', 'web', '--json'],
      { env, cwd: root },
    );
    expect(first.stderr).toMatch(
      /Deploying to: account \d+, endpoint http:\/\/127\.0\.0\.1:\d+, credentials from the local sandbox's own key/,
    );
    expect(first.code).toBe(0);
    const created = json(first.stdout);
    expect(created).toMatchObject({
      status: 'created',
      profile: 'web',
      checksum: { match: true },
      function: { functionName: 'hello', memorySize: 256 },
    });
    expect(created.requestIds.length).toBeGreaterThan(0);
    expect(created.timings.total).toBeGreaterThanOrEqual(0);

    const again = await runFcw(['deploy', '--profile', 'web', '--json'], { env, cwd: os.tmpdir() });
    expect(again.code).toBe(0);
    const unchanged = json(again.stdout);
    expect(unchanged).toMatchObject({ status: 'unchanged', diff: [], codeSent: false, checksum: { match: true } });
    expect(unchanged.function.lastModifiedTime).toBe(created.function.lastModifiedTime);

    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v2");\n');
    const third = await runFcw(['deploy', '--profile', 'web', '--json'], { env });
    expect(third.code).toBe(0);
    const updated = json(third.stdout);
    expect(updated).toMatchObject({ status: 'updated', codeSent: true, checksum: { match: true } });
    expect(updated.checksum.local).not.toBe(created.checksum.local);

    const profiles = await runFcw(['profiles', 'list', '--json'], { env });
    expect(profiles.code).toBe(0);
    const list = json(profiles.stdout);
    expect(list.profiles.map((p: { name: string }) => p.name)).toEqual(['web']);
    expect(list.profiles[0].lastDeploy).toMatchObject({ status: 'updated', codeChecksum: updated.checksum.local });

    // The sandbox's own secret is in its key file, and nowhere in the profile file.
    const key = JSON.parse(fs.readFileSync(path.join(configDir, 'sandbox', 'credentials.json'), 'utf8'));
    const stored = fs.readFileSync(path.join(configDir, 'config.json'), 'utf8');
    expect(stored).not.toContain(key.accessKeySecret);
    expect(stored).not.toContain(key.accessKeyId);
  });

  it('human output: a summary on stdout, the target line on stderr', async () => {
    const result = await runFcw(['deploy', '--profile', 'web', '--no-animation'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Unchanged: svc\/hello already matches/);
    expect(result.stdout).toMatch(/redeploy: fcw deploy --profile web/);
    expect(result.stderr).toMatch(/^Deploying to: /);
  });

  it('--dry-run prints the plan and the exact request, and writes nothing', async () => {
    const result = await runFcw(['deploy', '--profile', 'web', '--memory', '512', '--dry-run', '--json'], { env });
    expect(result.code).toBe(0);
    const out = json(result.stdout);
    expect(out).toMatchObject({ dryRun: true, action: 'update', diff: [{ field: 'memorySize', from: 256, to: 512 }] });
    expect(out.requests).toHaveLength(1);
    expect(out.requests[0]).toMatchObject({ action: 'UpdateFunction', method: 'PUT' });
    expect(out.requests[0].headers.authorization).toMatch(/<redacted>/);
    expect(out.requests[0].headers['if-match']).toBeTruthy();
    // Nothing is deployed: the target line says where it would go, not "Deploying to".
    expect(result.stderr).toMatch(/^Would deploy to \(dry run, nothing is sent\): account /);
    expect(result.stderr).not.toContain('Deploying to');
    const after = json((await runFcw(['deploy', '--profile', 'web', '--json'], { env })).stdout);
    expect(after.status).toBe('unchanged');
    expect(after.function.memorySize).toBe(256);
  });

  it('exit 2 for an invalid field from a flag, with one JSON object on stdout', async () => {
    const result = await runFcw(['deploy', '--profile', 'web', '--memory', '100', '--json'], { env });
    expect(result.code).toBe(2);
    const out = json(result.stdout);
    expect(out).toMatchObject({ status: 'failed', error: { exitCode: 2 } });
    expect(result.stderr).toMatch(/memorySize/);
    // The layers below name the field; the command names the flag that sets it.
    expect(result.stderr).toMatch(/\(--memory\)/);
    expect(result.stderr).not.toMatch(/Deploying to/);
  });

  it('exit 2 for an invalid field in a hand-edited profile file, before any call', async () => {
    const file = path.join(configDir, 'config.json');
    const original = fs.readFileSync(file, 'utf8');
    const edited = JSON.parse(original);
    edited.profiles.broken = {
      ...edited.profiles.web,
      name: 'broken',
      function: { ...edited.profiles.web.function, timeout: 9000 },
    };
    fs.writeFileSync(file, JSON.stringify(edited));
    try {
      const result = await runFcw(['deploy', '--profile', 'broken'], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/profile "broken"/);
      expect(result.stderr).toMatch(/timeout/);
      expect(result.stderr).not.toMatch(/Deploying to/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('exit 2 for an unknown profile, listing the known ones', async () => {
    const result = await runFcw(['deploy', '--profile', 'nope', '--json'], { env });
    expect(result.code).toBe(2);
    expect(json(result.stdout)).toMatchObject({ status: 'failed', error: { exitCode: 2 } });
    expect(result.stderr).toMatch(/No profile named "nope"/);
    expect(result.stderr).toMatch(/Known profiles: web/);
  });

  it('exit 2 for an unknown flag, still one JSON object with --json', async () => {
    const result = await runFcw(['deploy', '--profile', 'web', '--memroy', '256', '--json'], { env });
    expect(result.code).toBe(2);
    expect(json(result.stdout)).toMatchObject({ status: 'failed', error: { exitCode: 2 } });
    expect(result.stderr).toMatch(/memroy/);
  });

  it('exit 2 for missing fields without a profile, naming the flags', async () => {
    const result = await runFcw(['deploy', '--target', 'local', '--service', 'svc'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Missing --function, --runtime, --handler, --code/);
  });

  it('exit 2 for a malformed endpoint or region: the hint names the flag that sets it', async () => {
    const badEndpoint = await runFcw(['deploy', '--endpoint', 'ftp://x', ...FLAGS, '--code', codeDir], { env });
    expect(badEndpoint.code).toBe(2);
    expect(badEndpoint.stderr).toMatch(/must use http or https/);
    expect(badEndpoint.stderr).toMatch(/Set it with --endpoint URL/);
    const keys = {
      ...env,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIsomeTestKeyId',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'some-secret',
    };
    const badRegion = await runFcw(
      ['deploy', '--region', 'Hangzhou', '--account-id', '123', ...FLAGS, '--code', codeDir],
      { env: keys },
    );
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toMatch(/Region "Hangzhou" is not a region id/);
    expect(badRegion.stderr).toMatch(/Set it with --region or ALIBABA_CLOUD_REGION_ID/);
  });

  it('exit 1 when the service fails (missing service without --create-service)', async () => {
    const result = await runFcw(
      [
        'deploy',
        '--target',
        'local',
        ...FLAGS.filter((f) => f !== '--create-service').map((f) => (f === 'svc' ? 'other' : f)),
        '--code',
        codeDir,
        '--json',
      ],
      { env },
    );
    expect(result.code).toBe(1);
    expect(json(result.stdout)).toMatchObject({ status: 'failed', error: { code: 'ServiceNotFound' } });
    expect(result.stderr).toMatch(/add --create-service/);
  });
});

describe('fcw deploy to a compatible endpoint with keys from the environment', () => {
  let sandbox: RunningSandbox;
  const KNOWN = { accessKeyId: 'LTAIknownTestKeyId42', accessKeySecret: 'known-secret-value-for-the-grep-test' };

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      dataDir: path.join(root, 'served'),
      credentials: KNOWN,
      accountId: '1234567890123456',
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('deploys with the environment key, saves a profile without it, and says where the key came from', async () => {
    const dir = path.join(root, 'config-endpoint');
    const envKeys = {
      ...env,
      FCW_CONFIG_DIR: dir,
      ALIBABA_CLOUD_ACCESS_KEY_ID: KNOWN.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: KNOWN.accessKeySecret,
    };
    const result = await runFcw(
      [
        'deploy',
        '--endpoint',
        sandbox.url,
        '--account-id',
        '1234567890123456',
        ...FLAGS,
        '--code',
        codeDir,
        '--credentials',
        'env',
        '--save-profile',
        'ep',
        '--json',
      ],
      { env: envKeys },
    );
    expect(result.stderr).toMatch(/credentials from environment/);
    expect(result.code).toBe(0);
    expect(json(result.stdout).status).toBe('created');
    const stored = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    expect(stored).not.toContain(KNOWN.accessKeySecret);
    expect(stored).not.toContain(KNOWN.accessKeyId);
    expect(JSON.parse(stored).profiles.ep.target).toEqual({
      kind: 'endpoint',
      endpoint: sandbox.url,
      accountId: '1234567890123456',
      credentialSource: { kind: 'env', chosen: true },
    });
    expect(result.stdout + result.stderr).not.toContain(KNOWN.accessKeySecret);

    const again = await runFcw(['deploy', '--profile', 'ep', '--json'], { env: envKeys });
    expect(again.code).toBe(0);
    expect(json(again.stdout).status).toBe('unchanged');
  });
});

describe('fcw profiles', () => {
  it('show, rm, and exit 2 for unknown names', async () => {
    const show = await runFcw(['profiles', 'show', 'web'], { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/function +hello: nodejs18, handler index\.handler/);
    const showJson = json((await runFcw(['profiles', 'show', 'web', '--json'], { env })).stdout);
    expect(showJson).toMatchObject({ name: 'web', target: { kind: 'local' }, code: { kind: 'folder', path: codeDir } });

    const unknown = await runFcw(['profiles', 'show', 'nope'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Known profiles: web/);

    expect((await runFcw(['profiles', 'rm', 'nope'], { env })).code).toBe(2);
    // --json: one object on stdout also for an error, the message on stderr as well.
    for (const args of [['show', 'nope'], ['rm', 'nope'], ['show'], ['frob']]) {
      const failed = await runFcw(['profiles', ...args, '--json'], { env });
      expect(failed.code, args.join(' ')).toBe(2);
      expect(json(failed.stdout).error, args.join(' ')).toMatchObject({ exitCode: 2, message: expect.any(String) });
      expect(failed.stderr, args.join(' ')).toMatch(/^fcw: /);
    }
    expect(json((await runFcw(['profiles', 'show', 'nope', '--json'], { env })).stdout).error.hint).toMatch(
      /Known profiles: web/,
    );
    const rm = await runFcw(['profiles', 'rm', 'web'], { env });
    expect(rm.code).toBe(0);
    const list = await runFcw(['profiles', 'list'], { env });
    expect(list.stdout).toMatch(/No saved profiles/);
  });

  it('a config folder fcw may not read or write: exit 2 naming the file and the fix, and the profiles are kept', async () => {
    // root reads and writes anything, so as root (CI) fcw runs as nobody; otherwise as ourselves.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const { bin, remove } = binReadableByAnyone();
    const run = (args: string[], dir: string) =>
      spawnSync(process.execPath, [bin, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env, CI: 'true', FCW_CONFIG_DIR: dir },
        timeout: 20_000,
        ...asNobody,
      });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-perm-'));
    try {
      fs.chmodSync(dir, 0o755);
      const file = path.join(dir, 'config.json');
      const web = {
        name: 'web',
        target: { kind: 'local' },
        service: { name: 'svc' },
        function: { functionName: 'hello', runtime: 'nodejs18', handler: 'index.handler' },
        code: { kind: 'folder', path: codeDir },
      };
      const stored = JSON.stringify({ version: 1, profiles: { web } });
      fs.writeFileSync(file, stored, { mode: 0o000 });
      fs.chmodSync(file, 0o000);
      const unreadable = run(['profiles', 'list'], dir);
      expect(unreadable.status).toBe(2);
      expect(unreadable.stderr).toContain(`Cannot read the profile file ${file} (permission denied).`);
      expect(unreadable.stderr).toContain('FCW_CONFIG_DIR');
      expect(unreadable.stderr).not.toMatch(/\n\s+at /);

      // Readable, but the folder is not writable: reading works, a change is refused, nothing lost.
      fs.chmodSync(file, 0o644);
      fs.chmodSync(dir, 0o555);
      expect(run(['profiles', 'list'], dir).status).toBe(0);
      const rm = run(['profiles', 'rm', 'web'], dir);
      expect(rm.status).toBe(2);
      expect(rm.stderr).toContain('Cannot write the profile lock');
      const local = run(
        [
          'deploy',
          '--target',
          'local',
          '--service',
          's',
          '--function',
          'f',
          '--runtime',
          'nodejs18',
          '--handler',
          'index.handler',
          '--code',
          codeDir,
        ],
        dir,
      );
      expect(local.status).toBe(2);
      expect(local.stderr).toContain('Cannot start the local sandbox: its data directory');
      expect(fs.readFileSync(file, 'utf8')).toBe(stored);
    } finally {
      fs.chmodSync(dir, 0o755);
      fs.rmSync(dir, { recursive: true, force: true });
      remove();
    }
  });

  it('a corrupt profile file is set aside with a message, and the command still works', async () => {
    const dir = path.join(root, 'config-corrupt');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), '{ this is not json');
    const result = await runFcw(['profiles', 'list'], { env: { ...env, FCW_CONFIG_DIR: dir } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/could not be read: it is not valid JSON/);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('config.json.corrupt-'))).toBe(true);
  });
});
