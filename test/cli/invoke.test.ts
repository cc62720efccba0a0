// `fcw invoke` as a user runs it: the built bin with piped stdio, against a sandbox on a loopback
// endpoint and against the in-process sandbox of a saved profile.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FCW_BIN, isolatedEnv, runFcw } from '../helpers/run-fcw.js';

let root: string;
let configDir: string;
let env: NodeJS.ProcessEnv;
let sandbox: RunningSandbox;

function writeApp(name: string, source: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.js'), source);
  return dir;
}

function oneJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '');
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-invoke-'));
  configDir = path.join(root, 'config');
  env = isolatedEnv(root, configDir);
  sandbox = await startSandbox({ dataDir: path.join(root, 'serve-data') });
  const code = writeApp(
    'echo',
    `exports.handler = (event, context, callback) => {
    console.log('got', event.length, 'bytes');
    if (event.toString() === 'fail') return callback(new Error('asked to fail'));
    callback(null, 'echo:' + event.toString());
  };\n`,
  );
  const deployed = await runFcw(
    [
      'deploy',
      '--endpoint',
      sandbox.url,
      '--service',
      'svc',
      '--create-service',
      '--function',
      'echo',
      '--runtime',
      'nodejs20',
      '--handler',
      'index.handler',
      '--code',
      code,
      '--save-profile',
      'echo',
      '--json',
    ],
    { env, cwd: root, timeoutMs: 60_000 },
  );
  expect(deployed.code).toBe(0);
});

afterAll(async () => {
  await sandbox.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('fcw invoke (spawned)', () => {
  it('prints the result on stdout, the log tail, timings and checksum verdict on stderr; exit 0', async () => {
    const res = await runFcw(['invoke', '--profile', 'echo', '--event', '{"k":1}'], { env, timeoutMs: 60_000 });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('echo:{"k":1}');
    expect(res.stderr).toMatch(/\[info\] got 7 bytes/);
    expect(res.stderr).toMatch(/FC Invoke End RequestId: \S+/);
    expect(res.stderr).toMatch(/\d+ ms · max memory [\d.]+ MB · request \S+/);
    expect(res.stderr).toMatch(/code \d+ ✓ the one profile "echo" last deployed/);
  });

  it('a function error exits 1 and says so; --json is one object with status error', async () => {
    const res = await runFcw(
      ['invoke', '--endpoint', sandbox.url, '--service', 'svc', '--function', 'echo', '--event', 'fail'],
      { env, timeoutMs: 60_000 },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('fcw: the function failed (HandledInvocationError): asked to fail');
    const json = await runFcw(['invoke', '--profile', 'echo', '--event', 'fail', '--json'], { env, timeoutMs: 60_000 });
    expect(json.code).toBe(1);
    expect(oneJson(json.stdout)).toMatchObject({
      status: 'error',
      error: { type: 'HandledInvocationError', message: 'asked to fail' },
      log: expect.stringContaining('got 4 bytes'),
      requestId: expect.any(String),
      codeChecksum: expect.stringMatching(/^\d+$/),
      checksum: 'match',
    });
  });

  it('--event - reads the event from stdin; --event @file from a file; --json ok', async () => {
    const res = await runFcw(['invoke', '--profile', 'echo', '--event', '-', '--json'], {
      env,
      input: 'from stdin',
      timeoutMs: 60_000,
    });
    expect(res.code).toBe(0);
    const out = oneJson(res.stdout);
    expect(out).toMatchObject({ status: 'ok', result: 'echo:from stdin', resultEncoding: 'utf8', error: null });
    expect(out.durationMs).toEqual(expect.any(Number));
    expect(out.maxMemoryMB).toEqual(expect.any(Number));
    fs.writeFileSync(path.join(root, 'event.json'), '{"from":"file"}');
    const file = await runFcw(['invoke', '--profile', 'echo', '--event', '@event.json'], {
      env,
      cwd: root,
      timeoutMs: 60_000,
    });
    expect(file.stdout).toBe('echo:{"from":"file"}');
  });

  it('--async is accepted (exit 0) with the request id', async () => {
    const res = await runFcw(['invoke', '--profile', 'echo', '--async', '--json'], { env, timeoutMs: 60_000 });
    expect(res.code).toBe(0);
    expect(oneJson(res.stdout)).toMatchObject({ status: 'ok', async: true, requestId: expect.any(String) });
  });

  it('bad usage exits 2 with what to give: no function, an unreadable event file, an unknown flag', async () => {
    const none = await runFcw(['invoke', '--json'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('fcw invoke needs the function: --profile NAME, or --service S --function F.');
    expect(oneJson(none.stdout)).toMatchObject({ status: 'error' });
    const missing = await runFcw(['invoke', '--profile', 'echo', '--event', '@nope.json'], { env, cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--event @nope\.json: cannot read .*nope\.json \(ENOENT\)/);
    const unknown = await runFcw(['invoke', '--bogus'], { env });
    expect(unknown.code).toBe(2);
    const half = await runFcw(['invoke', '--service', 'demo'], { env });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('fcw invoke needs --function F with --service demo.');
    const otherHalf = await runFcw(['invoke', '--function', 'hello'], { env });
    expect(otherHalf.stderr).toContain('fcw invoke needs --service S with --function hello.');
    // The function typed as an argument, as a newcomer tries first: the error gives the flags for it.
    const pair = await runFcw(['invoke', 'demo/hello'], { env });
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain("fcw invoke takes the function as flags, not as the argument 'demo/hello'.");
    expect(pair.stderr).toContain('Use --service demo --function hello.');
    const word = await runFcw(['invoke', 'hello', '--json'], { env });
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('Use --profile hello for a saved profile, or --service S --function hello.');
    expect(oneJson(word.stdout)).toMatchObject({ status: 'error' });
  });

  it("an unknown function exits 1 with the service's error", async () => {
    const res = await runFcw(['invoke', '--endpoint', sandbox.url, '--service', 'svc', '--function', 'nope'], {
      env,
      timeoutMs: 60_000,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/FunctionNotFound/);
  });

  it('--help lists the flags and exit codes', async () => {
    const res = await runFcw(['invoke', '--help'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--event JSON|@FILE|-');
    expect(res.stdout).toContain('Exit codes: 0 the function succeeded');
  });
});

describe('fcw deploy --invoke (spawned)', () => {
  const deployFlags = (name: string, code: string) => [
    'deploy',
    '--endpoint',
    sandbox.url,
    '--service',
    'svc',
    '--function',
    name,
    '--runtime',
    'nodejs20',
    '--handler',
    'index.handler',
    '--code',
    code,
    '--yes',
  ];

  it('a working function: the deploy invokes it once and exits 0', async () => {
    const code = writeApp('smoke-ok', 'exports.handler = (e, c, cb) => cb(null, "smoke:" + e);\n');
    const res = await runFcw([...deployFlags('smokeok', code), '--invoke', '--event', 'hi'], {
      env,
      timeoutMs: 60_000,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/Invoked svc\/smokeok: ok \(\d+ ms/);
    expect(res.stderr).toContain('answer: smoke:hi');
  });

  it('a broken function: deployed, but the deploy exits 1 and says so; --json carries the invoke', async () => {
    const code = writeApp('smoke-broken', 'exports.handler = () => { throw new Error("broken on purpose"); };\n');
    const res = await runFcw([...deployFlags('smokebroken', code), '--invoke'], { env, timeoutMs: 60_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'fcw: svc/smokebroken is deployed but broken: ' +
        'its invocation failed (UnhandledInvocationError): broken on purpose',
    );
    const again = await runFcw([...deployFlags('smokebroken', code), '--invoke', '--json'], { env, timeoutMs: 60_000 });
    expect(again.code).toBe(1);
    expect(oneJson(again.stdout)).toMatchObject({
      status: 'unchanged',
      invoke: { status: 'error', error: { message: 'broken on purpose' } },
    });
  });

  it('--event without --invoke is bad usage (exit 2)', async () => {
    const res = await runFcw(['deploy', '--profile', 'echo', '--event', 'x'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--event is the event of --invoke.');
  });
});

describe('fcw invoke and Ctrl-C', () => {
  it('Ctrl-C while the function runs stops waiting: exit 130, saying the function may still be running', async () => {
    const code = writeApp('sleeper', 'exports.handler = (e, c, cb) => setTimeout(() => cb(null, "late"), 60000);\n');
    const deployed = await runFcw(
      [
        'deploy',
        '--endpoint',
        sandbox.url,
        '--service',
        'svc',
        '--function',
        'sleeper',
        '--runtime',
        'nodejs20',
        '--handler',
        'index.handler',
        '--code',
        code,
        '--timeout',
        '120',
        '--yes',
      ],
      { env, timeoutMs: 60_000 },
    );
    expect(deployed.code).toBe(0);
    const child = spawn(
      process.execPath,
      [FCW_BIN, 'invoke', '--endpoint', sandbox.url, '--service', 'svc', '--function', 'sleeper'],
      {
        env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Once the target line is out, the invocation is being sent: then Ctrl-C.
    while (!stderr.includes('Invoking on:')) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT');
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(exitCode).toBe(130);
    expect(stderr).toContain('fcw stopped waiting; the function may still be running');
  });
});
