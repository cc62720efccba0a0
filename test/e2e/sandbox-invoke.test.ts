// The sandbox runs functions: the official SDK (@alicloud/fc2) invokes Node.js, Python and custom
// runtime functions stored in a real sandbox, and checks what FC's contract says it gets back.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { tempDir } from './sandbox-support.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;

let sandbox: RunningSandbox;
let dir: string;
let removeDir: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const SERVICE = 'invoke';

async function zipOf(files: Record<string, string | { content: string; mode: number }>): Promise<string> {
  const zip = new JSZip();
  for (const [name, file] of Object.entries(files)) {
    if (typeof file === 'string') zip.file(name, file, { unixPermissions: 0o644 });
    else zip.file(name, file.content, { unixPermissions: file.mode });
  }
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64');
}

async function deploy(
  functionName: string,
  runtime: string,
  files: Parameters<typeof zipOf>[0],
  extra: Record<string, unknown> = {},
) {
  const res = await client.createFunction(SERVICE, {
    functionName,
    runtime,
    handler: 'index.handler',
    code: { zipFile: await zipOf(files) },
    ...extra,
  });
  return res.data as { codeChecksum: string };
}

function invoke(fn: string, event: string | Buffer, headers: Record<string, string> = {}) {
  return client.invokeFunction(SERVICE, fn, event, { 'X-Fc-Log-Type': 'Tail', ...headers }) as Promise<{
    headers: Record<string, string>;
    data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  }>;
}

const tailOf = (headers: Record<string, string>) =>
  Buffer.from(headers['x-fc-log-result'] ?? '', 'base64').toString('utf8');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  ({ dir, remove: removeDir } = await tempDir());
  sandbox = await startSandbox({ dataDir: path.join(dir, 'data') });
  client = new FCClient(sandbox.accountId, {
    accessKeyID: sandbox.credentials.accessKeyId,
    accessKeySecret: sandbox.credentials.accessKeySecret,
    region: 'cn-hangzhou',
    endpoint: sandbox.url,
    timeout: 120_000,
  });
  await client.createService(SERVICE);
});

afterAll(async () => {
  await sandbox.close();
  await removeDir();
});

describe('Node.js functions', () => {
  it('a sync invoke answers the callback value, the code checksum, memory and duration, and the log tail', async () => {
    const deployed = await deploy('hello', 'nodejs20', {
      'index.js': `exports.handler = (event, context, callback) => {
        console.log('hello from the function', Buffer.isBuffer(event));
        callback(null, { echo: event.toString() });
      };`,
    });
    const res = await invoke('hello', '{"a":1}');
    expect(res.data).toBe('{"echo":"{\\"a\\":1}"}');
    expect(res.headers['x-fc-error-type']).toBeUndefined();
    expect(res.headers['x-fc-code-checksum']).toBe(deployed.codeChecksum);
    expect(Number(res.headers['x-fc-max-memory-usage'])).toBeGreaterThan(0);
    expect(Number(res.headers['x-fc-invocation-duration'])).toBeGreaterThanOrEqual(0);
    const rid = res.headers['x-fc-request-id'];
    const tail = tailOf(res.headers);
    expect(tail).toContain(`FC Invoke Start RequestId: ${rid}`);
    expect(tail).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${rid} \\[info\\] hello from the function true`));
    expect(tail).toContain(`FC Invoke End RequestId: ${rid}`);
  });

  it("context has the sandbox key (never a cloud key); the environment only the function's and FC's", async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'LTAI-must-not-leak';
    process.env.FCW_LEAK_CHECK = 'must-not-leak';
    try {
      await deploy(
        'ctx',
        'nodejs18',
        {
          'index.js': `exports.handler = async (event, context) => ({
          requestId: context.requestId, credentials: context.credentials, fn: context.function,
          service: context.service,
          accountId: context.accountId, region: context.region, hasLogger: typeof context.logger.info,
          env: Object.keys(process.env).filter((k) => k.startsWith('ALIBABA') || k.startsWith('FCW')),
          mine: process.env.MY_SETTING, fcName: process.env.FC_FUNCTION_NAME, cwd: process.cwd(),
        });`,
        },
        { environmentVariables: { MY_SETTING: 'on' }, memorySize: 256, timeout: 30 },
      );
      const res = await invoke('ctx', '');
      const data = JSON.parse(res.data);
      expect(data.requestId).toBe(res.headers['x-fc-request-id']);
      expect(data.credentials).toEqual({
        accessKeyId: sandbox.credentials.accessKeyId,
        accessKeySecret: sandbox.credentials.accessKeySecret,
        securityToken: '',
      });
      expect(data.fn).toMatchObject({ name: 'ctx', handler: 'index.handler', memory: 256, timeout: 30 });
      expect(data.service).toMatchObject({ name: SERVICE, qualifier: 'LATEST' });
      expect(data.accountId).toBe(sandbox.accountId);
      expect(data.hasLogger).toBe('function');
      expect(data.env).toEqual([]);
      expect(data.mine).toBe('on');
      expect(data.fcName).toBe('ctx');
      // A working copy, not the sandbox's data directory.
      expect(data.cwd.startsWith(path.join(dir, 'data'))).toBe(false);
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.FCW_LEAK_CHECK;
    }
  });

  it('the initializer runs once per instance, then the instance stays warm', async () => {
    await deploy(
      'warm',
      'nodejs20',
      {
        'index.js': `let inits = 0; let calls = 0;
        exports.init = (context, callback) => { inits++; callback(null, ''); };
        exports.handler = (event, context, callback) => callback(null, inits + ':' + ++calls + ':' + process.pid);`,
      },
      { initializer: 'index.init' },
    );
    const first = await invoke('warm', '');
    const second = await invoke('warm', '');
    const [inits1, calls1, pid1] = String(first.data).split(':');
    const [inits2, calls2, pid2] = String(second.data).split(':');
    expect([inits1, calls1, inits2, calls2]).toEqual(['1', '1', '1', '2']);
    expect(pid2).toBe(pid1);
    expect(tailOf(first.headers)).toContain('FC Initialize Start RequestId');
    expect(tailOf(second.headers)).not.toContain('FC Initialize Start');
  });

  it('a thrown error is UnhandledInvocationError, an error passed to the callback HandledInvocationError', async () => {
    await deploy('errors', 'nodejs20', {
      'index.js': `exports.handler = (event, context, callback) => {
        if (event.toString() === 'throw') throw new TypeError('thrown here');
        callback(new Error('oops'));
      };`,
    });
    const thrown = await invoke('errors', 'throw');
    expect(thrown.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(thrown.data).toMatchObject({ errorMessage: 'thrown here', errorType: 'TypeError' });
    expect(thrown.data.stackTrace[0]).toBe('TypeError: thrown here');
    const handled = await invoke('errors', 'callback');
    expect(handled.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(handled.data).toMatchObject({ errorMessage: 'oops', errorType: 'Error' });
    // The log says the invocation failed, with the error, as FC's runtimes print it.
    expect(tailOf(thrown.headers)).toMatch(/\[ERROR\] .*thrown here/);
    expect(tailOf(thrown.headers)).toMatch(/FC Invoke End RequestId: [\w-]+, Error: Unhandled function error\n$/);
    expect(tailOf(handled.headers)).toMatch(/FC Invoke End RequestId: [\w-]+, Error: Handled function error\n$/);
  });

  it('a function past its timeout is killed and answered as timed out; the next call gets a new instance', async () => {
    await deploy(
      'slow',
      'nodejs20',
      {
        'index.js': `exports.handler = (event, context, callback) => {
        setTimeout(() => callback(null, 'late'), event.toString() === 'sleep' ? 5000 : 0);
      };`,
      },
      { timeout: 1 },
    );
    const res = await invoke('slow', 'sleep');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(res.data.errorMessage).toMatch(/^Function timed out after 1 seconds \(maxMemoryUsage: /);
    expect((await invoke('slow', 'quick')).data).toBe('late');
  });

  it('a process that exits mid-call is answered "Process exited unexpectedly"', async () => {
    await deploy('crash', 'nodejs20', { 'index.js': 'exports.handler = () => process.exit(3);' });
    const res = await invoke('crash', '');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(res.data.errorMessage).toMatch(/^Process exited unexpectedly before completing request \(duration: \d+ms/);
  });

  it('concurrent requests get an instance each; sequential ones reuse a warm one', async () => {
    // Each call registers in a shared folder and answers only once both have: two calls sharing one
    // instance would wait on each other until the timeout.
    await deploy(
      'parallel',
      'nodejs20',
      {
        'index.js': `const fs = require('fs');
        exports.handler = (event, context, callback) => {
          const dir = event.toString();
          if (!dir) return callback(null, String(process.pid));
          fs.writeFileSync(dir + '/' + process.pid, '');
          const both = () => fs.readdirSync(dir).length >= 2;
          const wait = () => (both() ? callback(null, String(process.pid)) : setTimeout(wait, 10));
          wait();
        };`,
      },
      { timeout: 60 },
    );
    const barrier = path.join(dir, 'barrier');
    require('node:fs').mkdirSync(barrier);
    const both = await Promise.all([invoke('parallel', barrier), invoke('parallel', barrier)]);
    const [a, b] = both.map((r) => String(r.data));
    expect(both.map((r) => r.headers['x-fc-error-type'])).toEqual([undefined, undefined]);
    expect(a).not.toBe(b);
    expect([a, b]).toContain(String((await invoke('parallel', '')).data));
  });

  it("memory is capped at the function's memorySize: past it the process ends, peak memory reported", async () => {
    await deploy(
      'hungry',
      'nodejs20',
      {
        'index.js': 'exports.handler = () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1.5)); };',
      },
      { memorySize: 128 },
    );
    const res = await invoke('hungry', '');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(res.data.errorMessage).toMatch(/^Process exited unexpectedly before completing request/);
    if (process.platform === 'linux') expect(res.data.errorMessage).toMatch(/maxMemoryUsage: \d+\.\d\dMB\)$/);
  });

  it('a code update is served by the next invoke', async () => {
    await deploy('update', 'nodejs20', { 'index.js': "exports.handler = (e, c, cb) => cb(null, 'v1');" });
    expect((await invoke('update', '')).data).toBe('v1');
    await client.updateFunction(SERVICE, 'update', {
      code: { zipFile: await zipOf({ 'index.js': "exports.handler = async () => 'v2';" }) },
    });
    expect((await invoke('update', '')).data).toBe('v2');
  });

  it('an async invoke answers 202 at once and runs the function in the background', async () => {
    const marker = path.join(dir, 'async-ran');
    await deploy('background', 'nodejs20', {
      'index.js':
        // Written aside, then renamed: the marker never exists half-written when the test looks.
        "const fs = require('fs'); exports.handler = (event, context, callback) => {" +
        " fs.writeFileSync(event + '.part', 'ran'); fs.renameSync(event + '.part', String(event));" +
        " callback(null, 'done'); };",
    });
    const res = await client.invokeFunction(SERVICE, 'background', marker, { 'X-Fc-Invocation-Type': 'Async' });
    expect(res.headers['x-fc-request-id']).toBeTruthy();
    await until(() => existsSync(marker));
    expect(readFileSync(marker, 'utf8')).toBe('ran');
  });

  it('a sync event over 6 MB is refused with EntityTooLarge, naming the cap', async () => {
    const error = await invoke('hello', Buffer.alloc(6 * 1024 * 1024 + 1, 0x61)).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'EntityTooLarge' });
    expect((error as Error).message).toContain('payload size exceeds maximum allowed size (6291456 bytes)');
  });

  it('an async event over 128 KB is refused with EntityTooLarge', async () => {
    const error = await client
      .invokeFunction(SERVICE, 'background', 'x'.repeat(128 * 1024 + 1), { 'X-Fc-Invocation-Type': 'Async' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'EntityTooLarge' });
  });
});

describe('other runtimes', () => {
  it('Python 3: handler(event, context) with bytes, print and logging in the tail, an exception', async () => {
    await deploy('py', 'python3.10', {
      'index.py': [
        'import logging',
        'def handler(event, context):',
        '    print("printed", type(event).__name__)',
        '    logging.getLogger().info("logged")',
        '    if event == b"fail":',
        '        raise ValueError("bad event")',
        '    return context.function.name + ":" + event.decode() + ":" + context.credentials.access_key_id',
        '',
      ].join('\n'),
    });
    const res = await invoke('py', 'hi');
    expect(res.data).toBe(`py:hi:${sandbox.credentials.accessKeyId}`);
    const tail = tailOf(res.headers);
    expect(tail).toContain('printed bytes');
    expect(tail).toMatch(/Z \S+ \[INFO\] logged/);
    const failed = await invoke('py', 'fail');
    expect(failed.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(failed.data).toMatchObject({ errorMessage: 'bad event', errorType: 'ValueError' });
    expect(failed.data.stackTrace.at(-1)).toEqual([
      expect.stringContaining('index.py'),
      'line 6',
      'in handler',
      'raise ValueError("bad event")',
    ]);
  });

  it("Python 3: memory is capped at the function's memory: more fails, the instance lives", async () => {
    await deploy(
      'pymem',
      'python3.10',
      { 'index.py': 'def handler(event, context):\n    return len(bytearray(int(event) * 1024 * 1024))\n' },
      { memorySize: 128 },
    );
    expect((await invoke('pymem', '64')).data).toBe(String(64 * 1024 * 1024));
    const tooMuch = await invoke('pymem', '512');
    expect(tooMuch.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(tooMuch.data).toMatchObject({ errorType: 'MemoryError' });
    expect((await invoke('pymem', '32')).data).toBe(String(32 * 1024 * 1024));
  });

  it('Python 3: initializer(context) runs once per instance, then the instance stays warm', async () => {
    await deploy(
      'pyinit',
      'python3.9',
      {
        'index.py': [
          'state = {"inits": 0, "calls": 0}',
          'def init(context):',
          '    state["inits"] += 1',
          'def handler(event, context):',
          '    state["calls"] += 1',
          '    return "%d:%d" % (state["inits"], state["calls"])',
          '',
        ].join('\n'),
      },
      { initializer: 'index.init' },
    );
    expect((await invoke('pyinit', '')).data).toBe('1:1');
    expect((await invoke('pyinit', '')).data).toBe('1:2');
  });

  it('custom runtime: bootstrap serves /initialize and /invoke on caPort with the x-fc-* headers', async () => {
    const port = await freePort();
    const bootstrap = `#!/usr/bin/env node
let initialized = 0;
require('http').createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/initialize') { initialized++; res.end(); return; }
    const body = Buffer.concat(chunks).toString();
    console.log('FC Invoke Start RequestId: ' + req.headers['x-fc-request-id']);
    if (body === 'fail') {
      res.writeHead(404, { 'x-fc-status': '404' });
      res.end('{"errorMessage":"failed on purpose"}');
      return;
    }
    const fn = req.headers['x-fc-function-name'];
    const port = process.env.FC_SERVER_PORT;
    res.end(JSON.stringify({ body, initialized, fn, path: req.headers['x-fc-control-path'], port }));
  });
}).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');
`;
    await deploy(
      'custom',
      'custom.debian10',
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { caPort: port, initializer: 'true' },
    );
    const res = await invoke('custom', 'ping');
    expect(JSON.parse(res.data)).toEqual({
      body: 'ping',
      initialized: 1,
      fn: 'custom',
      path: '/invoke',
      port: String(port),
    });
    expect(tailOf(res.headers)).toContain('FC Invoke Start RequestId');
    const again = await invoke('custom', 'ping');
    expect(JSON.parse(again.data).initialized).toBe(1);
    const failed = await invoke('custom', 'fail');
    expect(failed.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
  });

  it('a runtime the sandbox cannot run answers 501 naming it and what it can run', async () => {
    await client.createFunction(SERVICE, {
      functionName: 'java',
      runtime: 'java11',
      handler: 'a.B::handleRequest',
      code: { zipFile: await zipOf({ 'a.txt': 'x' }) },
    });
    const error = await invoke('java', '').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'NotImplemented' });
    expect((error as Error).message).toMatch(/java11.*Node\.js.*Python 3.*custom/);
  });
});

describe('a failing initializer', () => {
  /** The log tail of a call whose initializer failed: it must say so, and give the error. */
  async function failedInitTail(fn: string): Promise<string> {
    const res = await invoke(fn, '');
    expect(res.headers['x-fc-error-type']).toMatch(/^(Handled|Unhandled)InvocationError$/);
    return tailOf(res.headers);
  }

  it('Node.js: the end line says the initializer failed, and the error is in the log', async () => {
    await deploy(
      'initfails',
      'nodejs20',
      {
        'index.js': `exports.init = (context, callback) => callback(new Error('no database here'));
        exports.handler = (event, context, callback) => callback(null, 'ran');`,
      },
      { initializer: 'index.init' },
    );
    const tail = await failedInitTail('initfails');
    expect(tail).toMatch(/FC Initialize End RequestId: [\w-]+, Error: Handled function error\n/);
    expect(tail).toContain('no database here');
    expect(tail).not.toContain('FC Invoke Start');
  });

  it('Node.js: a thrown error in the initializer is logged the same way', async () => {
    await deploy(
      'initthrows',
      'nodejs20',
      {
        'index.js': `exports.init = () => { throw new TypeError('bad config'); };
        exports.handler = (event, context, callback) => callback(null, 'ran');`,
      },
      { initializer: 'index.init' },
    );
    const tail = await failedInitTail('initthrows');
    expect(tail).toMatch(/FC Initialize End RequestId: [\w-]+, Error: Unhandled function error\n/);
    expect(tail).toContain('bad config');
  });

  it('Python 3: the end line says the initializer failed, and the error is in the log', async () => {
    await deploy(
      'pyinitfails',
      'python3.9',
      {
        'index.py': [
          'def init(context):',
          '    raise ValueError("no queue here")',
          'def handler(event, context):',
          '    return "ran"',
          '',
        ].join('\n'),
      },
      { initializer: 'index.init' },
    );
    const tail = await failedInitTail('pyinitfails');
    expect(tail).toMatch(/FC Initialize End RequestId: [\w-]+, Error: Unhandled function error\n/);
    expect(tail).toContain('no queue here');
  });

  it('custom runtime (which prints its own marker lines): a failing /initialize is noted with its answer', async () => {
    const port = await freePort();
    const bootstrap = `#!/usr/bin/env node
require('http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/initialize') {
      res.writeHead(500);
      res.end('{"errorMessage":"cannot reach the cache"}');
      return;
    }
    res.end('ran');
  });
}).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');
`;
    await deploy(
      'custominitfails',
      'custom.debian10',
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { caPort: port, initializer: 'true' },
    );
    const tail = await failedInitTail('custominitfails');
    expect(tail).toMatch(/fcw sandbox: the initializer failed: .*cannot reach the cache/);
    expect(tail).toContain('cannot reach the cache');
  });
});

describe('instance lifetime', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('an idle instance ends after the idle time; closing the sandbox ends the rest', async () => {
    const { dir: data, remove } = await tempDir();
    const local = await startSandbox({ dataDir: data, instanceIdleMs: 100 });
    try {
      const sdk = new FCClient(local.accountId, {
        accessKeyID: local.credentials.accessKeyId,
        accessKeySecret: local.credentials.accessKeySecret,
        region: 'cn-hangzhou',
        endpoint: local.url,
        timeout: 60_000,
      });
      await sdk.createService('life');
      const code = {
        zipFile: await zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, String(process.pid));' }),
      };
      await sdk.createFunction('life', { functionName: 'idle', runtime: 'nodejs20', handler: 'index.handler', code });
      const pid = Number((await sdk.invokeFunction('life', 'idle', '')).data);
      expect(alive(pid)).toBe(true);
      await until(() => !alive(pid));

      // A busy instance (an async call sleeping for a minute) ends when the sandbox closes.
      const pidFile = path.join(data, 'busy.pid');
      const sleeper = {
        zipFile: await zipOf({
          'index.js':
            "exports.handler = (e, c, cb) => { require('fs').writeFileSync(e.toString(), String(process.pid));" +
            " setTimeout(() => cb(null, ''), 60000); };",
        }),
      };
      await sdk.createFunction('life', {
        functionName: 'busy',
        runtime: 'nodejs20',
        handler: 'index.handler',
        code: sleeper,
        timeout: 600,
      });
      await sdk.invokeFunction('life', 'busy', pidFile, { 'X-Fc-Invocation-Type': 'Async' });
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
      const busyPid = Number(readFileSync(pidFile, 'utf8'));
      expect(alive(busyPid)).toBe(true);
      await local.close();
      expect(alive(busyPid)).toBe(false);
    } finally {
      await local.close();
      await remove();
    }
  });
});
