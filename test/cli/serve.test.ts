// `fcw serve` as a user runs it: the built bin, spawned, on port 0. It must print where it listens
// and where the secret is (never the secret), answer signed requests, and stop cleanly on SIGINT.
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { FCW_BIN, runFcw } from '../helpers/run-fcw.js';
import { json, signed, tempDir } from '../e2e/sandbox-support.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Served {
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout text that matches. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Closes our end of its stdout and stderr, as `fcw serve | head` does once head is done. */
  closeOutput(): void;
}

function serve(args: string[], env: NodeJS.ProcessEnv = {}): Served {
  const child = spawn(process.execPath, [FCW_BIN, 'serve', ...args], {
    env: { ...process.env, CI: 'true', NO_COLOR: '1', FCW_SANDBOX_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    waiters.forEach((w) => w());
  });
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  cleanups.push(async () => {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = stdout.match(pattern);
          if (m) resolve(m);
        };
        waiters.push(check);
        check();
        exited.then(() => reject(new Error(`fcw serve exited before printing ${pattern}: ${stderr}`)));
      }),
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
    closeOutput: () => {
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

describe('fcw serve', () => {
  it('prints endpoint, account, key id and the secret file (not the secret), answers requests, and stops on SIGINT with 0', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    // No --data: the default is the sandbox directory under FCW_CONFIG_DIR.
    const served = serve(['--port', '0'], { FCW_CONFIG_DIR: dir });
    const [, url] = await served.waitFor(/endpoint\s+(http:\/\/127\.0\.0\.1:\d+)/);
    await served.waitFor(/Ctrl-C stops it/);
    const file = path.join(dir, 'sandbox', 'credentials.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    const out = served.stdout();
    expect(out).toContain(stored.accessKeyId);
    expect(out).toMatch(/account id\s+\d{16}\n/);
    expect(out).toContain(file);
    expect(out).toContain('@alicloud/fc2');

    const accountId = out.match(/account id\s+(\d+)/)![1];
    const sandbox = { url, accountId, credentials: stored } as RunningSandbox;
    const created = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/services',
      body: json({ serviceName: 'from-cli' }),
    });
    expect(created.status).toBe(200);
    const listed = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services' });
    expect(listed.json.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['from-cli']);

    const { code } = await served.stop('SIGINT');
    expect(code).toBe(0);
    expect(served.stderr()).toMatch(/POST \/2016-08-15\/services 200/);
    expect(served.stderr()).toContain('stopped');
    for (const text of [served.stdout(), served.stderr()]) expect(text).not.toContain(stored.accessKeySecret);
  });

  it('takes an explicit key pair (secret from FCW_SANDBOX_SECRET, never printed), prints JSON, stops on SIGTERM', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const secret = 'explicit-secret-value-1234567890';
    const served = serve(
      ['--port', '0', '--data', dir, '--access-key-id', 'LTAIexplicit', '--account-id', '1234567890', '--json'],
      { FCW_SANDBOX_SECRET: secret },
    );
    const [line] = await served.waitFor(/^\{.*\}\n/);
    const info = JSON.parse(line);
    expect(info).toMatchObject({
      accountId: '1234567890',
      accessKeyId: 'LTAIexplicit',
      secretFile: null,
      secretEnv: 'FCW_SANDBOX_SECRET',
    });
    const sandbox = {
      url: info.endpoint,
      accountId: '1234567890',
      credentials: { accessKeyId: 'LTAIexplicit', accessKeySecret: secret },
    } as RunningSandbox;
    expect((await signed(sandbox, { method: 'GET', path: '/2016-08-15/services' })).status).toBe(200);
    await expect(stat(path.join(dir, 'credentials.json'))).rejects.toThrow(); // an explicit secret is never written
    const { code } = await served.stop('SIGTERM');
    expect(code).toBe(0);
    for (const text of [served.stdout(), served.stderr()]) expect(text).not.toContain(secret);
  });

  it('with an explicit key, the deploy command it prints names the exported key (--credentials env)', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const served = serve(['--port', '0', '--data', dir, '--access-key-id', 'LTAIexplicit'], {
      FCW_SANDBOX_SECRET: 'explicit-secret-value-1234567890',
    });
    const [deployLine] = await served.waitFor(/fcw deploy --endpoint .*\n/);
    expect(deployLine).toContain('--credentials env');
  });

  it('keeps serving when its output pipe is closed (fcw serve | head), and still stops with 0', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const served = serve(['--port', '0', '--data', dir, '--json']);
    const [, url] = await served.waitFor(/"endpoint":"(http:\/\/127\.0\.0\.1:\d+)"/);
    const info = JSON.parse(served.stdout());
    const stored = JSON.parse(await readFile(path.join(dir, 'credentials.json'), 'utf8'));
    const sandbox = { url, accountId: info.accountId, credentials: stored } as RunningSandbox;
    served.closeOutput();
    // Each request writes a log line into the closed pipe; the sandbox must answer them all.
    for (let i = 0; i < 3; i++) {
      const listed = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services' });
      expect(listed.status).toBe(200);
    }
    const { code } = await served.stop('SIGINT');
    expect(code).toBe(0);
  });

  it('refuses bad usage with exit 2 and a port in use with exit 1', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const open = await runFcw(['serve', '--host', '0.0.0.0', '--port', '0', '--data', dir], {
      env: { FCW_SANDBOX_SECRET: '' },
    });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('FCW_SANDBOX_SECRET');
    const noSecret = await runFcw(['serve', '--access-key-id', 'LTAIx', '--port', '0', '--data', dir], {
      env: { FCW_SANDBOX_SECRET: '' },
    });
    expect(noSecret.code).toBe(2);
    const badPort = await runFcw(['serve', '--port', 'http', '--data', dir]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port');

    // A file where the data directory should be (or one of its parents): exit 2, naming it.
    await writeFile(path.join(dir, 'a-file'), 'x');
    for (const data of [path.join(dir, 'a-file'), path.join(dir, 'a-file', 'sandbox')]) {
      const notDir = await runFcw(['serve', '--port', '0', '--data', data]);
      expect(notDir.code, data).toBe(2);
      expect(notDir.stderr, data).toContain(`--data ${data} is not a directory`);
      expect(notDir.stderr, data).not.toMatch(/\n\s+at /);
    }

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as net.AddressInfo).port;
    const busy = await runFcw(['serve', '--port', String(port), '--data', dir]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('already in use');

    // A --host that is no address: named as such (exit 2), not taken for a public address or an
    // unexplained failure.
    for (const host of ['999.1.1.1', '', 'bad host']) {
      const bad = await runFcw(['serve', '--host', host, '--port', '0', '--data', dir]);
      expect(bad.code, host).toBe(2);
      expect(bad.stderr, host).toContain('--host must be an IP address or a host name');
      expect(bad.stderr, host).not.toContain('key pair');
    }
    const keyed = { FCW_SANDBOX_SECRET: 'a-secret-of-some-length-0123456789' };
    const notHere = await runFcw(
      ['serve', '--host', '192.0.2.1', '--access-key-id', 'LTAIx', '--port', '0', '--data', dir],
      { env: keyed },
    );
    expect(notHere.code).toBe(2);
    expect(notHere.stderr).toContain('--host 192.0.2.1 is not an address of this machine');
    expect(notHere.stderr).toContain('Use 127.0.0.1');

    const help = await runFcw(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--access-key-id');
  });
});
