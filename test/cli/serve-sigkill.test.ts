// `fcw serve` killed with SIGKILL (no exit handler runs) must not leave a custom runtime's bootstrap
// running, nor what bootstrap started, nor a spare host: a leftover would hold the function's caPort and keep running
// the user's code with nobody to stop it.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';

import { FCW_BIN } from '../helpers/run-fcw.js';
import { tempDir } from '../e2e/sandbox-support.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;

const SECRET = 'sigkill-secret-value-1234567890';
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Alive and not a zombie (an orphan's parent may be slow to reap it; a zombie runs nothing). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** The live children of `parent` whose command line matches. */
function childrenRunning(parent: number, command: RegExp): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && command.test(readFileSync(`/proc/${name}/cmdline`, 'utf8')) && running(Number(name)))
        pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function hasPython(): boolean {
  return spawnSync('python3', ['-c', '0']).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `fcw serve` in its own process on a temp data directory, with an fc2 client for it. */
async function startServe() {
  const { dir, remove } = await tempDir('fcw-sigkill-');
  cleanups.push(remove);
  const child = spawn(
    process.execPath,
    [
      FCW_BIN,
      'serve',
      '--port',
      '0',
      '--data',
      path.join(dir, 'data'),
      '--access-key-id',
      'LTAIkill',
      '--account-id',
      '1234567890',
      '--json',
    ],
    {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FCW_SANDBOX_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => child.on('close', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let stdout = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^\{.*\}\n/m.exec(stdout)?.[0];
      if (line) resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    void exited.then(() => reject(new Error('fcw serve exited before it listened')));
  });
  const client = new FCClient('1234567890', {
    accessKeyID: 'LTAIkill',
    accessKeySecret: SECRET,
    region: 'cn-hangzhou',
    endpoint,
    timeout: 60_000,
  });
  return { dir, child, exited, client };
}

describe('fcw serve killed with SIGKILL', () => {
  it("takes a custom runtime's bootstrap and the processes it started with it", async () => {
    const { dir, child, exited, client } = await startServe();
    // bootstrap is a shell that starts node without exec: two processes, the second its child.
    const zip = new JSZip();
    zip.file('bootstrap', '#!/bin/sh\necho $$ > "$PID_DIR/shell.pid"\nnode server.js\n', { unixPermissions: 0o755 });
    zip.file(
      'server.js',
      "require('fs').writeFileSync(process.env.PID_DIR + '/node.pid', String(process.pid));\n" +
        "require('http').createServer((req, res) => res.end('up')).listen(Number(process.env.FC_SERVER_PORT));\n",
      { unixPermissions: 0o644 },
    );
    await client.createService('guard');
    await client.createFunction('guard', {
      functionName: 'server',
      runtime: 'custom',
      handler: 'index.handler',
      caPort: await freePort(),
      environmentVariables: { PID_DIR: dir },
      code: { zipFile: (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64') },
    });
    expect(String((await client.invokeFunction('guard', 'server', '{}')).data)).toBe('up');
    const pids = ['shell.pid', 'node.pid'].map((file) => Number(readFileSync(path.join(dir, file), 'utf8').trim()));
    cleanups.push(() => {
      for (const pid of pids) if (running(pid)) process.kill(pid, 'SIGKILL');
    });
    expect(pids.map(running)).toEqual([true, true]);

    child.kill('SIGKILL');
    await exited;
    // No bound on how long: the test fails by its timeout if they never end.
    while (pids.some(running)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.map(running)).toEqual([false, false]);
  }, 120_000);

  it.skipIf(process.platform !== 'linux')(
    'takes the spare Node.js and Python hosts with it',
    async () => {
      const { child, exited, client } = await startServe();
      const zip = new JSZip();
      zip.file('index.py', 'def handler(event, context):\n    return "hi"\n');
      zip.file('index.js', "exports.handler = (e, c, cb) => cb(null, 'hi');\n");
      const code = { zipFile: (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64') };
      await client.createService('spares');
      // Creating a function starts a spare host for its runtime and memory size, before any call.
      const runtimes = [hasPython() ? 'python3.10' : undefined, 'nodejs20'].filter((r) => r !== undefined);
      for (const runtime of runtimes) {
        await client.createFunction('spares', {
          functionName: runtime.replace('.', ''),
          runtime,
          handler: 'index.handler',
          code,
        });
      }
      let spares: number[] = [];
      while (spares.length < runtimes.length) {
        spares = childrenRunning(child.pid!, /(node-host\.cjs|python-host\.py)/);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      cleanups.push(() => {
        for (const pid of spares) if (running(pid)) process.kill(pid, 'SIGKILL');
      });
      child.kill('SIGKILL');
      await exited;
      // No bound on how long: the test fails by its timeout if they never end.
      while (spares.some(running)) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(spares.map(running)).toEqual(spares.map(() => false));
    },
    120_000,
  );
});
