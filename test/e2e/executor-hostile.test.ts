// Functions that misbehave on purpose, run by the executor without a server in front: one that
// prints far more log than is ever sent, ones that start a process in a session of its own (out of
// the instance's process group) and never answer, and code packages that try to write outside
// their working copy while being unpacked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ANSWER_MAX_BYTES } from '../../src/fc/answer-body.js';
import { FunctionExecutor, type FunctionTarget } from '../../src/sandbox/runtime/executor.js';
import { LOG_KEPT_BYTES } from '../../src/sandbox/runtime/log-keeper.js';
import { findProgram } from '../../src/sandbox/runtime/environment.js';
import { openExecutor, testExecutor, writeTarget } from './executor-support.js';

let dir: string;
let closeExecutor: () => Promise<void>;
let executor: FunctionExecutor;
let serial = 0;

beforeAll(async () => {
  ({ dir, executor, close: closeExecutor } = await openExecutor('fcw-executor-hostile-'));
});

afterAll(async () => {
  await closeExecutor?.();
});

function targetOf(zip: JSZip, runtime: string, timeout = 30): Promise<FunctionTarget> {
  return writeTarget(dir, zip, { functionName: `fn${++serial}`, runtime, timeout });
}

function zipOf(files: Record<string, string>): JSZip {
  const zip = new JSZip();
  for (const [file, content] of Object.entries(files)) zip.file(file, content, { unixPermissions: 0o644 });
  return zip;
}

/** True while the process exists and is not a zombie (a killed orphan is reaped by init). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function untilGone(pid: number): Promise<void> {
  while (running(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('a function that prints without end', () => {
  it('keeps a bounded log per call, whose tail still ends with the call', async () => {
    const fn = await targetOf(
      zipOf({
        'index.js': `exports.handler = (event, context, callback) => {
          const line = 'x'.repeat(1023) + '\\n';
          for (let i = 0; i < 20 * 1024; i++) process.stdout.write(line);
          console.log('last line');
          callback(null, 'done');
        };`,
      }),
      'nodejs20',
    );
    const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'big-log' });
    expect(result.body.toString()).toBe('done');
    // 20 MB were printed; what is kept is the bound plus FC's end line and the note.
    expect(result.log.length).toBeLessThan(LOG_KEPT_BYTES + 1024);
    const text = result.log.toString('utf8');
    expect(text).toMatch(/earlier bytes of this log were not kept/);
    expect(text).toMatch(/last line\nFC Invoke End RequestId: big-log\n$/);
  });
});

describe.skipIf(process.platform !== 'linux')('a process started in a session of its own', () => {
  it('Node.js: is killed when its instance times out', async () => {
    const pidFile = path.join(dir, 'node-stray.pid');
    const fn = await targetOf(
      zipOf({
        'index.js': `const { spawn } = require('node:child_process');
          exports.handler = (event, context, callback) => {
            const child = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
            child.unref();
            require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
          };`,
      }),
      'nodejs20',
      1,
    );
    const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'stray-node' });
    expect(result.errorType).toBe('UnhandledInvocationError');
    expect(result.body.toString()).toMatch(/timed out/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await untilGone(pid);
    expect(running(pid)).toBe(false);
  });

  it.skipIf(!findProgram('python3'))(
    'Python: is killed when its instance crashes, after its parent re-parented it',
    async () => {
      const pidFile = path.join(dir, 'python-stray.pid');
      const fn = await targetOf(
        zipOf({
          // A double fork: the sleeper's parent exits, so it is no descendant of the instance any more.
          'index.py': `import os, subprocess
def handler(event, context):
    subprocess.run(['sh', '-c', 'setsid sh -c "echo \\\\$\\\\$ > ${pidFile}; exec sleep 1000" &'])
    while not os.path.exists('${pidFile}') or os.path.getsize('${pidFile}') == 0:
        pass
    os._exit(3)
`,
        }),
        'python3.10',
      );
      const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'stray-python' });
      expect(result.body.toString()).toMatch(/Process exited unexpectedly/);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await untilGone(pid);
      expect(running(pid)).toBe(false);
    },
  );
});

describe('a code package that writes outside its working copy', () => {
  it('a file under a symlink the zip made is refused, and nothing is written there', async () => {
    const outside = path.join(dir, 'outside');
    mkdirSync(outside);
    const zip = zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, "ran");' });
    zip.file('d', outside, { unixPermissions: 0o120777 });
    zip.file('d/planted.txt', 'planted', { createFolders: false });
    const fn = await targetOf(zip, 'nodejs20');
    const outcome = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'slip' }).then(
      (result) => result.body.toString(),
      (error: Error) => error.message,
    );
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
    expect(outcome).toMatch(/entry under a symlink: d\/planted.txt/);
  });
});

describe('working copies of a sandbox that was killed', () => {
  it('are removed by the next sandbox that starts an instance; a live one keeps its own', async () => {
    const parent = path.join(dir, 'instances-parent');
    mkdirSync(parent);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = path.join(parent, `fcw-instances-${gone}-AbCdEf`);
    const live = path.join(parent, `fcw-instances-${process.ppid}-GhIjKl`);
    for (const folder of [stale, live]) {
      mkdirSync(path.join(folder, 'some-instance', 'code'), { recursive: true });
      writeFileSync(path.join(folder, 'some-instance', 'code', 'index.js'), 'left behind');
    }
    const next = testExecutor(parent);
    try {
      const fn = await targetOf(zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, "ok");' }), 'nodejs20');
      expect((await next.invoke(fn, Buffer.alloc(0), { requestId: 'after-kill' })).body.toString()).toBe('ok');
    } finally {
      await next.close();
    }
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('a function that writes to the channel it inherited (fd 3)', () => {
  for (const [label, bytes] of [
    ['a header that is not JSON', 'Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("{bad}")])'],
    ['lengths no frame has', 'Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff])'],
  ] as const) {
    it(`${label}: ends that instance as a crash; the sandbox runs on`, async () => {
      const fn = await targetOf(
        zipOf({
          'index.js': `exports.handler = (event, context, callback) => {
            require('node:fs').writeSync(3, ${bytes});
          };`,
        }),
        'nodejs20',
      );
      const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'fd3' });
      expect(result.errorType).toBe('UnhandledInvocationError');
      expect(result.body.toString()).toMatch(/Process exited unexpectedly/);
      const hello = await targetOf(
        zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, "still here");' }),
        'nodejs20',
      );
      expect((await executor.invoke(hello, Buffer.alloc(0), { requestId: 'after' })).body.toString()).toBe(
        'still here',
      );
    });
  }
});

describe('a custom runtime answering more than any answer holds', () => {
  it('is read up to the bound, then the call fails and the instance ends', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    // A finite answer past the bound (an endless one is what this guards against).
    const bootstrap = `#!/usr/bin/env node
const chunk = Buffer.alloc(1024 * 1024, 97);
require('http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200);
    let left = ${ANSWER_MAX_BYTES / (1024 * 1024) + 16};
    const pump = () => { while (left > 0) { left--; if (!res.write(chunk)) return res.once('drain', pump); } res.end(); };
    pump();
  });
}).listen(Number(process.env.FC_SERVER_PORT), '127.0.0.1');
`;
    const zip = new JSZip();
    zip.file('bootstrap', bootstrap, { unixPermissions: 0o755 });
    const fn = await targetOf(zip, 'custom');
    fn.config.caPort = port;
    const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'huge-answer' });
    expect(result.errorType).toBe('UnhandledInvocationError');
    expect(result.body.toString()).toMatch(/answer to \/invoke is over 64 MB/);
  });
});
