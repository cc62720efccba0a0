// The built fcw in a real terminal (tmux): a sample deployed to the in-process sandbox by
// keystrokes, the summary checked on screen, the exit code captured through a wrapper shell;
// and Ctrl-C in the middle exiting 130. Needs `npm run build` first (npm test does it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { startSandbox } from '../../src/sandbox/index.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;
const BIN = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const sessions: string[] = [];
let dir: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function start(
  name: string,
  width: number,
  height: number,
  exitFile: string,
  extraArgs = '',
  extraEnv = '',
  home = dir,
  before = '',
): void {
  const config = path.join(home, 'config');
  // CI, NO_COLOR and FORCE_COLOR are unset for the child unless given: the wizard refuses to run
  // under CI, and this IS a terminal. The environment is spelled out because a tmux server that
  // is already running gives new sessions ITS environment, not ours (vitest sets FORCE_COLOR=0).
  // After the exit, the terminal's mode goes into the same file: raw mode must be off again. The
  // session then stays a while so its cursor can be read (afterAll ends it).
  const command = `cd ${home} && env -u CI -u NO_COLOR -u FORCE_COLOR FCW_CONFIG_DIR=${config} HOME=${home} ${extraEnv} sh -c '${before}node ${BIN}${extraArgs}; echo EXIT=$? > ${exitFile}.tmp; stty -a >> ${exitFile}.tmp; mv ${exitFile}.tmp ${exitFile}; sleep 30'`;
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), command);
  sessions.push(name);
}

function screen(name: string): string {
  return tmux('capture-pane', '-p', '-t', name);
}

/** The SGR colour parameters (30–37, 38, 90–97, and backgrounds) on the screen, from capture-pane -e. */
/** The escape character that starts an SGR (colour) sequence. */
const ESC = String.fromCharCode(0x1b);

function colours(name: string): string[] {
  const text = tmux('capture-pane', '-e', '-p', '-t', name);
  const found: string[] = [];
  for (const m of text.matchAll(new RegExp(`${ESC}\\[([0-9;]*)m`, 'g'))) {
    for (const p of (m[1] ?? '').split(';')) if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)) found.push(p);
  }
  return found;
}

// The bound turns a hang into a failure that shows the screen; generous, as it is no speed check.
async function waitFor(test: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last screen:\n${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForScreen(name: string, text: string | RegExp, timeoutMs?: number): Promise<string> {
  let last = '';
  await waitFor(
    () => {
      last = screen(name);
      return typeof text === 'string' ? last.includes(text) : text.test(last);
    },
    () => last,
    timeoutMs,
  );
  return last;
}

/**
 * Waits until two captures 100 ms apart are the same. A screen is drawn before its key handlers
 * are attached (Ink attaches them in an effect, after the frame is written): a key sent the moment
 * a new field shows can reach no handler, which a loaded machine makes likely. No upper bound.
 */
async function settled(name: string): Promise<void> {
  let before = screen(name);
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = screen(name);
    if (now === before) return;
    before = now;
  }
}

/** Sends keys (tmux key names, or '-l' and text) once the screen has settled. */
async function send(name: string, ...k: string[]): Promise<void> {
  await settled(name);
  tmux('send-keys', '-t', name, ...k);
}

/** Sends keys once the screen has settled, then waits for the screen to show `until`. */
async function keys(name: string, until: string | RegExp, ...k: string[]): Promise<string> {
  await send(name, ...k);
  return waitForScreen(name, until);
}

async function exitCode(file: string): Promise<string> {
  await waitFor(
    () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('EXIT='),
    () => `no ${file}`,
  );
  const [first, ...stty] = fs.readFileSync(file, 'utf8').split('\n');
  // The terminal is handed back as it was: line editing and echo on (no raw mode left behind).
  const modes = stty.join(' ').split(/[\s;]+/);
  expect(modes).toContain('icanon');
  expect(modes).toContain('echo');
  return (first ?? '').trim();
}

let tmuxMissing = false;
try {
  execFileSync('tmux', ['-V']);
} catch {
  tmuxMissing = true;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-tmux-'));
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
});

afterAll(() => {
  for (const s of sessions) {
    try {
      execFileSync('tmux', ['kill-session', '-t', s], { stdio: 'ignore' });
    } catch {
      // already gone: the wizard exited
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(tmuxMissing)('fcw wizard in tmux', () => {
  it('deploys a sample to the local sandbox by keystrokes and shows the summary', async () => {
    const name = `fcw-wizard-${process.pid}-deploy`;
    const exitFile = path.join(dir, 'deploy.exit');
    start(name, 120, 40, exitFile);
    await waitForScreen(name, /❯ Local sandbox/);
    // With colour on, the highlighted row is cyan (36): the NO_COLOR check below can fail.
    expect(colours(name)).toContain('36');
    await keys(name, 'Create a new service', 'Enter');
    await keys(name, 'New service name', 'Enter');
    await send(name, '-l', 'demo');
    await keys(name, 'Function name:', 'Enter');
    // Four Backspaces in one write (what tmux, key repeat or ssh deliver) are four deletions, and
    // the name deployed is the one on screen.
    await send(name, '-l', '1bad');
    await waitForScreen(name, 'Function name: 1bad');
    await send(name, 'BSpace', 'BSpace', 'BSpace', 'BSpace');
    await send(name, '-l', 'hello');
    await waitForScreen(name, /Function name: hello\s*\n/);
    await keys(name, /❯ nodejs20/, 'Enter');
    await keys(name, 'A folder', 'Enter');
    await keys(name, /❯ A sample handler/, 'Down', 'Down', 'Down');
    await keys(name, 'New folder for the sample', 'Enter');
    await keys(name, /✓ index\.js/, 'Enter');
    await keys(name, /❯ 128 MB/, 'Enter');
    await keys(name, 'Timeout (s):', 'Enter');
    await keys(name, 'Initializer:', 'Enter');
    await keys(name, 'Description:', 'Enter');
    await keys(name, 'Add KEY=value', 'Enter');
    await keys(name, 'Add a layer', 'Enter');
    const review = await keys(name, /CRC-64\s+\d+/, 'Enter');
    const checksum = /CRC-64\s+(\d+)/.exec(review)![1];
    const summary = await keys(name, 'Save as profile', 'Enter');
    expect(summary).toContain('Created: demo/hello');
    expect(summary).toMatch(/functionId\s+[0-9a-f-]{36}/);
    expect(summary).toContain(`codeChecksum  ${checksum}  ✓ equals our CRC-64`);
    expect(summary).toContain('CreateFunction');
    await keys(name, 'fcw deploy --profile hello', 'Enter');
    await send(name, 'Enter');
    expect(await exitCode(exitFile)).toBe('EXIT=0');
  });

  it('Ctrl-C in the middle cancels and exits 130; readable at 60 columns; NO_COLOR honoured', async () => {
    const name = `fcw-wizard-${process.pid}-cancel`;
    const exitFile = path.join(dir, 'cancel.exit');
    start(name, 60, 30, exitFile, ' --no-animation', 'NO_COLOR=1');
    const first = await waitForScreen(name, /❯ Local sandbox/);
    expect(colours(name)).toEqual([]);
    expect(first).toContain('Where should the function go?');
    // At 60 columns the menu rows and the key help stay whole lines (long text wraps, rows do not).
    const lines = first.split('\n').map((l) => l.trimEnd());
    expect(lines).toContain('❯ Local sandbox  no account needed');
    expect(lines).toContain('↑/↓ move · Enter confirm · Esc back · Ctrl-C quit');
    await keys(name, 'Create a new service', 'Enter');
    // The list starts on the first service when the sandbox has one (an earlier test's): ↑ is create.
    await keys(name, /❯ \+ Create a new service/, 'Up');
    await keys(name, 'New service name', 'Enter');
    await send(name, '-l', 'half');
    await waitForScreen(name, 'New service name: half');
    await send(name, 'C-c');
    expect(await exitCode(exitFile)).toBe('EXIT=130');
    // The cursor Ink hid while drawing is shown again.
    expect(tmux('display', '-p', '-t', name, '#{cursor_flag}').trim()).toBe('1');
  });

  it('redeploys a saved profile, then "Invoke it now": the event checked as typed, the answer and log', async () => {
    // A profile deployed to the local sandbox first (spawned, as a user would before).
    const code = path.join(dir, 'invoke-app');
    fs.mkdirSync(code);
    fs.writeFileSync(
      path.join(code, 'index.js'),
      "exports.handler = (e, c, cb) => { console.log('ran'); cb(null, 'got ' + e); };\n",
    );
    const config = path.join(dir, 'invoke-config');
    execFileSync(
      process.execPath,
      [
        BIN,
        'deploy',
        '--target',
        'local',
        '--service',
        's',
        '--create-service',
        '--function',
        'f',
        '--runtime',
        'nodejs20',
        '--handler',
        'index.handler',
        '--code',
        code,
        '--save-profile',
        'p',
        '--yes',
      ],
      {
        env: { ...process.env, FCW_CONFIG_DIR: config, HOME: dir, CI: 'true' },
        stdio: 'ignore',
      },
    );
    const name = `fcw-wizard-${process.pid}-invoke`;
    const exitFile = path.join(dir, 'invoke.exit');
    start(name, 120, 50, exitFile, ' --no-animation', `FCW_CONFIG_DIR=${config}`);
    await waitForScreen(name, /❯ Local sandbox/);
    await keys(name, /❯ Redeploy a saved profile/, 'Up', 'Up');
    await keys(name, /❯ p /, 'Enter');
    // Nothing changed since the profile's deploy: Review offers Exit first; Deploy is next.
    await keys(name, /❯ Exit/, 'Enter');
    await keys(name, /❯ Deploy/, 'Down');
    await keys(name, 'Save as profile: p', 'Enter');
    await keys(name, /❯ Done/, 'Enter');
    await keys(name, /❯ Invoke it now/, 'Down');
    await keys(name, /Event: \{"key1"/, 'Enter');
    tmux('send-keys', '-t', name, 'C-u');
    tmux('send-keys', '-t', name, '-l', '{"a":');
    await waitForScreen(name, /✗ not JSON/);
    tmux('send-keys', '-t', name, '-l', '1}');
    await waitForScreen(name, /Event: \{"a":1\}\s*\n/);
    const answer = await keys(name, /❯ Invoke again/, 'Enter');
    expect(answer).toContain('got {"a":1}');
    expect(answer).toContain('✓ the code just deployed');
    expect(answer).toMatch(/\[info\] ran/);
    await keys(name, /❯ Done/, 'Down');
    tmux('send-keys', '-t', name, 'Enter');
    expect(await exitCode(exitFile)).toBe('EXIT=0');
    expect(fs.readFileSync(path.join(config, 'config.json'), 'utf8')).toContain('"lastEvent": "{\\"a\\":1}"');
  });

  // The trust tests: each in its own folder and config, so they run alone or in any order.
  const ownHome = () => fs.mkdtempSync(path.join(dir, 'home-'));

  /** The sandbox the wizard used (its data under the config dir), started again to read it back. */
  async function readBack(home: string) {
    const sandbox = await startSandbox({ port: 0, dataDir: path.join(home, 'config', 'sandbox') });
    const { accessKeyId, accessKeySecret } = sandbox.credentials;
    const sdk = new FCClient(sandbox.accountId, {
      accessKeyID: accessKeyId,
      accessKeySecret,
      region: 'cn-hangzhou',
      endpoint: sandbox.url,
    });
    return { sandbox, sdk };
  }

  /** Local sandbox, a new service, function hello, nodejs20, up to the code menu. */
  async function upToCode(name: string, serviceName: string): Promise<void> {
    await waitForScreen(name, /❯ Local sandbox/);
    await keys(name, 'Create a new service', 'Enter');
    await keys(name, 'New service name', 'Enter');
    await send(name, '-l', serviceName);
    await keys(name, 'Function name:', 'Enter');
    await send(name, '-l', 'hello');
    await keys(name, /❯ nodejs20/, 'Enter');
    await keys(name, 'A folder', 'Enter');
  }

  /** From the limits step, every default, to the review. */
  async function limitsToReview(name: string): Promise<string> {
    await keys(name, 'Timeout (s):', 'Enter');
    await keys(name, 'Initializer:', 'Enter');
    await keys(name, 'Description:', 'Enter');
    await keys(name, 'Add KEY=value', 'Enter');
    await keys(name, 'Add a layer', 'Enter');
    return keys(name, /CRC-64\s+\d+/, 'Enter');
  }

  it('the code folder edited after the handler step: the review shows it packaged again, the deployed zip holds the edit', async () => {
    const home = ownHome();
    const code = path.join(home, 'app');
    fs.mkdirSync(code);
    const source = (v: string) => `exports.handler = async () => '${v}';\n`;
    fs.writeFileSync(path.join(code, 'index.js'), source('v1'));
    const name = `fcw-wizard-${process.pid}-stale`;
    const exitFile = path.join(home, 'stale.exit');
    start(name, 120, 40, exitFile, ' --no-animation', '', home);
    await upToCode(name, 'demo');
    await keys(name, 'Folder:', 'Enter');
    await send(name, 'C-u');
    await send(name, '-l', 'app');
    await waitForScreen(name, /1 file · /);
    await keys(name, /✓ index\.js/, 'Enter');
    fs.writeFileSync(path.join(code, 'index.js'), source('v2-edited-after-the-handler-step'));
    await keys(name, /❯ 128 MB/, 'Enter');
    await limitsToReview(name);
    const review = await waitForScreen(name, /packaged again \(CRC-64 \d+ →/);
    const shown = /^CRC-64\s+(\d+)/m.exec(review)![1];
    const summary = await keys(name, 'Save as profile', 'Enter');
    expect(summary).toContain(`codeChecksum  ${shown}  ✓ equals our CRC-64`);
    await keys(name, 'fcw deploy --profile hello', 'Enter');
    await send(name, 'Enter');
    expect(await exitCode(exitFile)).toBe('EXIT=0');

    const { sandbox, sdk } = await readBack(home);
    try {
      const stored = await sdk.getFunctionCode('demo', 'hello');
      expect(stored.data.checksum).toBe(shown);
      const zip = await JSZip.loadAsync(Buffer.from(await (await fetch(stored.data.url)).arrayBuffer()));
      expect(await zip.file('index.js')!.async('string')).toBe(source('v2-edited-after-the-handler-step'));
    } finally {
      await sandbox.close();
    }
  });

  it('Cancel at the review: exit 130 and the sandbox holds nothing new (no service, no function)', async () => {
    const home = ownHome();
    const name = `fcw-wizard-${process.pid}-review-cancel`;
    const exitFile = path.join(home, 'review-cancel.exit');
    start(name, 120, 40, exitFile, ' --no-animation', '', home);
    await upToCode(name, 'fresh');
    await keys(name, /❯ A sample handler/, 'Down', 'Down', 'Down');
    await keys(name, 'New folder for the sample', 'Enter');
    await keys(name, /✓ index\.js/, 'Enter');
    await keys(name, /❯ 128 MB/, 'Enter');
    const review = await limitsToReview(name);
    expect(review).toMatch(/service\s+fresh: create/);
    await keys(name, /❯ Cancel/, 'Down', 'Down');
    await send(name, 'Enter');
    expect(await exitCode(exitFile)).toBe('EXIT=130');

    const { sandbox, sdk } = await readBack(home);
    try {
      expect((await sdk.listServices()).data.services).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
  it('an initializer the package lacks is said at its field and at the review, before anything is sent', async () => {
    const home = ownHome();
    const name = `fcw-wizard-${process.pid}-initializer`;
    const exitFile = path.join(home, 'initializer.exit');
    start(name, 120, 40, exitFile, ' --no-animation', '', home);
    await upToCode(name, 'demo');
    await keys(name, /❯ A sample handler/, 'Down', 'Down', 'Down');
    await keys(name, 'New folder for the sample', 'Enter');
    await keys(name, /✓ index\.js/, 'Enter');
    await keys(name, /❯ 128 MB/, 'Enter');
    await keys(name, 'Timeout (s):', 'Enter');
    await keys(name, 'Initializer:', 'Enter');
    await send(name, '-l', 'main.init');
    const field = await waitForScreen(name, /✗ .*main/);
    expect(field).toContain('Initializer: main.init');
    await keys(name, 'Press Enter again to keep this initializer anyway', 'Enter');
    await keys(name, 'Initializer timeout (s):', 'Enter');
    await keys(name, 'Description:', 'Enter');
    await keys(name, 'Add KEY=value', 'Enter');
    await keys(name, 'Add a layer', 'Enter');
    await keys(name, /CRC-64\s+\d+/, 'Enter');
    // Both checks run at once; wait for the two.
    const review = await waitForScreen(name, /✓ handler: [\s\S]*✗ initializer /);
    expect(review.replace(/\s+/g, ' ')).toContain('To change it: Edit a step → Memory, timeout, initializer.');
    await send(name, 'C-c');
    expect(await exitCode(exitFile)).toBe('EXIT=130');
  });
  it('a resize in any direction redraws from a cleared screen: one header, on the first row', async () => {
    const home = ownHome();
    const name = `fcw-wizard-${process.pid}-resize`;
    const exitFile = path.join(home, 'resize.exit');
    // Lines above the wizard, as a shell leaves them: the frame does not start at the top.
    start(name, 120, 30, exitFile, ' --no-animation', '', home, 'seq 1 5; ');
    await waitForScreen(name, /❯ Local sandbox/);
    await keys(name, 'Create a new service', 'Enter');
    // Wider first (the frame is still below the shell's lines), then narrower in two steps, then
    // the height alone. The redraw comes when the wizard gets to it: wait for one header on the
    // first row. A stale header stays for good, so with one left behind this never holds.
    const sizes = [
      ['-x', '140'],
      ['-x', '70'],
      ['-x', '45'],
      ['-x', '100'],
      ['-y', '20'],
      ['-y', '36'],
    ];
    for (const size of sizes) {
      tmux('resize-window', '-t', name, ...size);
      let shown = '';
      await waitFor(
        () => {
          shown = screen(name);
          return (
            shown.split('\n')[0] === 'fcw · step 2/9 · Service' &&
            shown.match(/fcw · step 2\/9 · Service/g)?.length === 1
          );
        },
        () => `after resize-window ${size.join(' ')}:\n${shown}`,
      );
      await settled(name);
    }
    await send(name, 'C-c');
    expect(await exitCode(exitFile)).toBe('EXIT=130');
  });
});
