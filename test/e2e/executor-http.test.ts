// The executor's HTTP-style call (what an HTTP trigger uses), without a server in front: Node.js
// (request, response, context), Python WSGI, and a custom runtime's own HTTP server.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FunctionInfo } from '../../src/fc/types.js';
import { FunctionExecutor, type FunctionTarget, type HttpRequestIn } from '../../src/sandbox/runtime/executor.js';
import { openExecutor, writeTarget } from './executor-support.js';

let dir: string;
let closeExecutor: () => Promise<void>;
let executor: FunctionExecutor;

beforeAll(async () => {
  ({ dir, executor, close: closeExecutor } = await openExecutor('fcw-executor-http-'));
});

afterAll(async () => {
  await closeExecutor?.();
});

async function target(
  name: string,
  runtime: string,
  files: Record<string, { content: string; mode?: number }>,
  extra: Partial<FunctionInfo> = {},
): Promise<FunctionTarget> {
  const zip = new JSZip();
  for (const [file, { content, mode }] of Object.entries(files))
    zip.file(file, content, { unixPermissions: mode ?? 0o644 });
  return writeTarget(dir, zip, { functionName: name, runtime, ...extra });
}

const request: HttpRequestIn = {
  method: 'POST',
  path: '/items/7',
  url: '/items/7?tag=a&tag=b',
  headers: { 'content-type': 'text/plain', 'x-custom': 'yes' },
  queries: { tag: ['a', 'b'] },
  clientIP: '127.0.0.1',
};

describe('executor.invokeHttp', () => {
  it('Node.js: (request, response, context), the body as a stream and as .body; status and headers back', async () => {
    const fn = await target('nodehttp', 'nodejs20', {
      'index.js': {
        content: `exports.handler = (req, resp, context) => {
          const chunks = [];
          req.on('data', (c) => chunks.push(c));
          req.on('end', () => {
            resp.setStatusCode(201);
            resp.setHeader('X-Answer', 'yes');
            resp.send(JSON.stringify({
              streamed: Buffer.concat(chunks).toString(), body: req.body.toString(), path: req.path,
              method: req.method, tags: req.queries.tag, custom: req.headers['x-custom'], fn: context.function.name,
            }));
          });
        };`,
      },
    });
    const result = await executor.invokeHttp(fn, request, Buffer.from('payload'), { requestId: 'rid-1' });
    expect(result.errorType).toBeUndefined();
    expect(result.status).toBe(201);
    expect(result.headers['x-answer']).toBe('yes');
    expect(JSON.parse(result.body.toString())).toEqual({
      streamed: 'payload',
      body: 'payload',
      path: '/items/7',
      method: 'POST',
      tags: ['a', 'b'],
      custom: 'yes',
      fn: 'nodehttp',
    });
  });

  it('Node.js: a throwing HTTP handler is a 502 with the error', async () => {
    const fn = await target('nodethrow', 'nodejs20', {
      'index.js': { content: 'exports.handler = () => { throw new Error("no"); };' },
    });
    const result = await executor.invokeHttp(fn, request, Buffer.alloc(0), { requestId: 'rid-2' });
    expect(result.status).toBe(502);
    expect(result.errorType).toBe('UnhandledInvocationError');
  });

  it('Python: a WSGI handler(environ, start_response)', async () => {
    const fn = await target('pyhttp', 'python3.9', {
      'index.py': {
        content: [
          'def handler(environ, start_response):',
          '    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))',
          '    start_response("202 Accepted", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])',
          '    q = environ["QUERY_STRING"].encode()',
          '    h = environ["HTTP_X_CUSTOM"].encode()',
          '    fn = environ["fc.context"].function.name.encode()',
          '    return [b"got ", body, b" q=", q, b" h=", h, b" fn=", fn]',
          '',
        ].join('\n'),
      },
    });
    const result = await executor.invokeHttp(fn, request, Buffer.from('data'), { requestId: 'rid-3' });
    expect(result.errorType).toBeUndefined();
    expect(result.status).toBe(202);
    expect(result.headers['x-path']).toBe('/items/7');
    expect(result.body.toString()).toBe('got data q=tag=a&tag=b h=yes fn=pyhttp');
  });

  it("custom runtime: the request goes through to bootstrap's server with its method, path and headers", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const bootstrap = `#!/usr/bin/env node
require('http').createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.writeHead(418, { 'x-seen': req.method + ' ' + req.url });
    res.end(body + ' ' + req.headers['x-custom'] + ' ' + req.headers['x-fc-control-path']);
  });
}).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');
`;
    const fn = await target(
      'customhttp',
      'custom',
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { caPort: port },
    );
    const result = await executor.invokeHttp(fn, request, Buffer.from('raw'), { requestId: 'rid-4' });
    expect(result.status).toBe(418);
    expect(result.headers['x-seen']).toBe('POST /items/7?tag=a&tag=b');
    expect(result.body.toString()).toBe('raw yes /http-invoke');
  });

  it('custom runtime: a code package that cannot be unpacked leaves its caPort free for the next start', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const bootstrap =
      "#!/usr/bin/env node\nrequire('http').createServer((req, res) => { req.resume(); res.end('up'); })" +
      '.listen(Number(process.env.FC_SERVER_PORT));\n';
    const broken = await target(
      'brokenzip',
      'custom',
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { caPort: port },
    );
    // The port is claimed while the code is unpacked: a failed unpack must give it back.
    writeFileSync(broken.codeZipPath, 'not a zip');
    await expect(executor.invokeHttp(broken, request, Buffer.alloc(0), { requestId: 'rid-6' })).rejects.toThrow();
    const good = await target(
      'goodzip',
      'custom',
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { caPort: port },
    );
    const result = await executor.invokeHttp(good, request, Buffer.alloc(0), { requestId: 'rid-7' });
    expect(result.body.toString()).toBe('up');
  });
});

describe('a spare Node.js host bound to a function', () => {
  it("takes the function's working copy and exactly its environment", async () => {
    const { HostInstance } = await import('../../src/sandbox/runtime/host-instance.js');
    const { hostScriptPath } = await import('../../src/sandbox/runtime/host-files.js');
    const { mkdirSync } = await import('node:fs');
    const code = path.join(dir, 'spare-code');
    mkdirSync(code);
    writeFileSync(
      path.join(code, 'index.js'),
      'exports.handler = (e, c, cb) => cb(null, { cwd: process.cwd(), env: process.env });',
    );
    const host = await HostInstance.start({
      command: process.execPath,
      args: [hostScriptPath('node-host.cjs'), '{"consoleLevel":"info","thrownPrefix":""}'],
      cwd: dir,
      env: { PATH: '/usr/bin', HOME: dir, SPARE_ONLY: 'gone after bind' },
      startTimeoutMs: 30_000,
    });
    try {
      host.bind(code, { PATH: '/bin', MY_VAR: 'mine', FC_FUNCTION_NAME: 'f' }, true);
      const context = { requestId: 'r', function: { handler: 'index.handler' } } as never;
      const outcome = await host.invoke(context, Buffer.alloc(0), 30_000);
      expect(outcome.ok).toBe(true);
      const seen = JSON.parse(outcome.body.toString());
      expect(seen.cwd).toBe(code);
      expect(seen.env).toEqual({ PATH: '/bin', MY_VAR: 'mine', FC_FUNCTION_NAME: 'f' });
    } finally {
      await host.stop();
    }
  });
});

describe('a missing interpreter', () => {
  it("a Python function with no python3 on fcw's PATH is a 501 naming python3", async () => {
    const fn = await target('nopython', 'python3.10', {
      'index.py': { content: 'def handler(e, c):\n    return "x"\n' },
    });
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-such-bin');
    try {
      const error = await executor.invoke(fn, Buffer.alloc(0), { requestId: 'rid-5' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 501, code: 'NotImplemented' });
      expect((error as Error).message).toContain("needs python3, which is not on fcw's PATH");
    } finally {
      process.env.PATH = saved;
    }
  });
});
