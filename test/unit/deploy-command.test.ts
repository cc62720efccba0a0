// The deploy command in process, with fake terminal streams: the y/N question in a TTY, and the
// flag parsing that turns values into fields.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CancelledError, UsageError } from '../../src/core/errors.js';
import type { Io } from '../../src/cli/io.js';
import { overridesFromFlags, run } from '../../src/commands/deploy.js';
import { startSandbox } from '../../src/sandbox/index.js';

let root: string;
let codeDir: string;

function tty(): PassThrough & { isTTY: boolean; columns: number } {
  return Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
}

const CTRL_C = '\x03';

function makeIo(
  answer: string,
  options: { stdoutTty?: boolean } = {},
): { io: Io; out: () => string; err: () => string } {
  const stdin = tty();
  const stdout = options.stdoutTty === false ? new PassThrough() : tty();
  const stderr = tty();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    // Answer once the question is on screen, as a person would.
    if (d.includes('Deploy? [y/N]')) stdin.write(answer === CTRL_C ? answer : `${answer}\n`);
  });
  const env = { FCW_CONFIG_DIR: path.join(root, 'cfg'), HOME: root, CI: undefined } as NodeJS.ProcessEnv;
  return { io: { stdin, stdout, stderr, env, cwd: root }, out: () => out, err: () => err };
}

const FLAGS = [
  '--target',
  'local',
  '--service',
  'svc',
  '--create-service',
  '--runtime',
  'nodejs18',
  '--handler',
  'index.handler',
  '--no-animation',
];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-deploy-cmd-'));
  codeDir = path.join(root, 'app');
  fs.mkdirSync(codeDir);
  fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = () => {};\n');
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('fcw deploy in a terminal', () => {
  it('shows the diff and asks; "n" cancels with nothing sent (exit 130)', async () => {
    const { io, err } = makeIo('n');
    await expect(
      run([...FLAGS, '--function', 'asked', '--code', codeDir, '--memory', '512'], io),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(err()).toMatch(/Create function svc\/asked:/);
    expect(err()).toMatch(/memorySize: \(not set\) → 512/);
    expect(err()).toContain('  code: new function');
    // Nothing was created: the next run still plans a create.
    const again = makeIo('y');
    expect(await run([...FLAGS, '--function', 'asked', '--code', codeDir, '--memory', '512'], again.io)).toBe(0);
    expect(again.err()).toMatch(/Create function svc\/asked:/);
    expect(again.out()).toMatch(/^Created svc\/asked/);
    // Other code: the question says "code: changed (…)", not "code: code changed".
    const other = path.join(root, 'asked-v2');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'index.js'), 'exports.handler = () => 2;\n');
    const update = makeIo('n');
    await expect(
      run([...FLAGS, '--function', 'asked', '--code', other, '--memory', '512'], update.io),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(update.err()).toMatch(/\n {2}code: changed \(checksum \d+ → \d+\)/);
    expect(update.err()).not.toContain('code: code');
  });

  it('Ctrl-C at the question cancels (exit 130) and ends the prompt line, so the message starts on its own', async () => {
    const { io, err } = makeIo(CTRL_C);
    await expect(run([...FLAGS, '--function', 'interrupted', '--code', codeDir], io)).rejects.toBeInstanceOf(
      CancelledError,
    );
    // Whatever cursor moves readline writes after the question, the last thing written is a newline.
    expect(stripVTControlCharacters(err())).toMatch(/Deploy\? \[y\/N\] \n$/);
  });

  it('still asks when only stdout is piped (fcw deploy --json | jq at a terminal)', async () => {
    const { io, err, out } = makeIo('n', { stdoutTty: false });
    await expect(run([...FLAGS, '--function', 'piped', '--code', codeDir, '--json'], io)).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(err()).toMatch(/Deploy\? \[y\/N\]/);
    expect(JSON.parse(out())).toMatchObject({ status: 'failed', error: { exitCode: 130 } });
  });

  it('prints a warning once, before the question (not after the write)', async () => {
    const { io, err } = makeIo('y');
    expect(
      await run(
        [...FLAGS, '--function', 'warned', '--handler', 'nothere.handler', '--code', codeDir].filter(
          (a, i, all) => !(a === 'index.handler' || (a === '--handler' && all[i + 1] === 'index.handler')),
        ),
        io,
      ),
    ).toBe(0);
    const text = err();
    const warning = text.indexOf('warning: ');
    expect(warning).toBeGreaterThan(-1);
    expect(warning).toBeLessThan(text.indexOf('Deploy? [y/N]'));
    expect(text.indexOf('warning: ', warning + 1)).toBe(-1);
  });

  it('--yes does not ask', async () => {
    const { io, err, out } = makeIo('n');
    expect(await run([...FLAGS, '--function', 'asked', '--code', codeDir, '--memory', '1024', '--yes'], io)).toBe(0);
    expect(err()).not.toMatch(/Deploy\? \[y\/N\]/);
    expect(out()).toMatch(/^Updated svc\/asked/);
    expect(out()).toMatch(/memorySize: 512 → 1024/);
  });
});

describe('fcw deploy --endpoint to a sandbox started with its own key', () => {
  it('signs with the environment key the sandbox expects only with --credentials env; a refused key names the source used', async () => {
    // The config dir's default sandbox key exists (the tests above started the local sandbox).
    const sandbox = await startSandbox({
      dataDir: path.join(root, 'x'),
      credentials: { accessKeyId: 'LTAImine', accessKeySecret: 's' },
    });
    try {
      const unnamed = [
        '--endpoint',
        sandbox.url,
        '--service',
        'svc',
        '--create-service',
        '--function',
        'own-key',
        '--runtime',
        'nodejs18',
        '--handler',
        'index.handler',
        '--code',
        codeDir,
        '--yes',
        '--no-animation',
      ];
      const refused = makeIo('y');
      Object.assign(refused.io.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAImine', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' });
      await expect(run(unnamed, refused.io)).rejects.toThrow(/has that id, but it is not sent there/);

      const args = [...unnamed, '--credentials', 'env'];
      const good = makeIo('y');
      Object.assign(good.io.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAImine', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' });
      expect(await run(args, good.io)).toBe(0);
      expect(good.err()).toMatch(/credentials from environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\)/);

      const bad = makeIo('y');
      Object.assign(bad.io.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAImine', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong' });
      expect(await run(args, bad.io)).toBe(1);
      expect(bad.err()).toMatch(/SignatureNotMatch/);
      expect(bad.err()).toMatch(/signed with the key from environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\)/);
    } finally {
      await sandbox.close();
    }
  });
});

describe('fcw deploy --profile whose code folder is gone', () => {
  it('names the profile and both ways on (--code DIR, or --save-profile to update it); --code overrides it', async () => {
    const { ProfileStore } = await import('../../src/profiles/store.js');
    const { io } = makeIo('y');
    new ProfileStore({ env: io.env, stderr: new PassThrough() }).save({
      name: 'gone',
      target: { kind: 'local' },
      service: { name: 'svc', create: true },
      function: { functionName: 'gone-fn', runtime: 'nodejs18', handler: 'index.handler' },
      code: { kind: 'folder', path: path.join(root, 'moved-away') },
    });
    const attempt = run(['--profile', 'gone', '--yes', '--no-animation'], io);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(
      `The code folder of profile "gone", ${path.join(root, 'moved-away')}, does not exist.`,
    );
    await expect(attempt).rejects.toMatchObject({
      hint: expect.stringMatching(/--code DIR.*fcw deploy --profile gone --code NEWDIR --save-profile gone/),
    });
    const again = makeIo('y');
    expect(await run(['--profile', 'gone', '--code', codeDir, '--yes', '--no-animation'], again.io)).toBe(0);
  });
});

describe('overridesFromFlags', () => {
  it('turns flag values into fields; repeatable --env and --layer', () => {
    expect(
      overridesFromFlags({
        memory: '256',
        timeout: '30',
        env: ['A=1', 'B=x=y'],
        layer: ['l1', 'l2'],
        'create-service': true,
        'oss-bucket': 'b',
        'oss-object': 'o',
        'ca-port': '9000',
      }),
    ).toEqual({
      memorySize: 256,
      timeout: 30,
      environmentVariables: { A: '1', B: 'x=y' },
      layers: ['l1', 'l2'],
      createService: true,
      ossBucket: 'b',
      ossObject: 'o',
      caPort: 9000,
    });
  });
  it('refuses a number that is not whole and an --env without =', () => {
    expect(() => overridesFromFlags({ memory: '256MB' })).toThrow(UsageError);
    expect(() => overridesFromFlags({ memory: '256MB' })).toThrow(/--memory must be a whole number, not "256MB"/);
    expect(() => overridesFromFlags({ env: ['NOEQUALS'] })).toThrow(/KEY=VALUE/);
  });
});
