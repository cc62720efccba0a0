// HTTP triggers end to end through `/proxy/...` and through a custom domain's Host: a Python WSGI
// function and a custom-runtime function (its bootstrap's own HTTP server), created with the official
// SDK (@alicloud/fc2) and reached by plain HTTP requests built by hand.
import net from 'node:net';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, rawRequest } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const SERVICE = 'web';
const DOMAIN = 'api.example.com';

const WSGI_APP = [
  'import json',
  '',
  'def handler(environ, start_response):',
  '    length = int(environ.get("CONTENT_LENGTH") or 0)',
  '    body = environ["wsgi.input"].read(length).decode()',
  '    start_response("201 Created", [("Content-Type", "application/json"), ("X-Runtime", "python")])',
  '    answer = {"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],',
  '              "query": environ["QUERY_STRING"], "body": body, "header": environ.get("HTTP_X_HELLO"),',
  '              "function": environ["fc.context"].function.name}',
  '    return [json.dumps(answer).encode()]',
  '',
].join('\n');

const BOOTSTRAP = `#!/usr/bin/env node
require('http').createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'text/plain', 'x-runtime': 'custom' });
    res.end(req.method + ' ' + req.url + ' ' + body + ' ' + req.headers['x-hello']);
  });
}).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function zipOf(files: Record<string, { content: string; mode?: number }>): Promise<string> {
  const zip = new JSZip();
  for (const [name, { content, mode }] of Object.entries(files)) {
    zip.file(name, content, { unixPermissions: mode ?? 0o644 });
  }
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64');
}

async function withHttpTrigger(functionName: string, fields: Record<string, unknown>): Promise<void> {
  await client.createFunction(SERVICE, { functionName, handler: 'index.handler', timeout: 30, ...fields });
  await client.createTrigger(SERVICE, functionName, {
    triggerName: 'http',
    triggerType: 'http',
    triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
  });
}

function send(method: string, target: string, body?: string, host?: string) {
  const headers: Record<string, string> = { 'x-hello': 'hi' };
  if (host) headers.host = host;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return rawRequest(sandbox.url, { method, path: target, headers, body });
}

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox({ dataSubdir: 'data', sdkTimeoutMs: 60_000 }));
  await client.createService(SERVICE);
  await withHttpTrigger('wsgi', {
    runtime: 'python3.10',
    code: { zipFile: await zipOf({ 'index.py': { content: WSGI_APP } }) },
  });
  await withHttpTrigger('server', {
    runtime: 'custom',
    caPort: await freePort(),
    code: { zipFile: await zipOf({ bootstrap: { content: BOOTSTRAP, mode: 0o755 } }) },
  });
  await client.createCustomDomain(DOMAIN, {
    protocol: 'HTTP',
    routeConfig: {
      routes: [
        { path: '/py/*', serviceName: SERVICE, functionName: 'wsgi' },
        { path: '/custom/*', serviceName: SERVICE, functionName: 'server', methods: ['POST'] },
      ],
    },
  });
}, 60_000);

afterAll(async () => {
  await closeSandbox?.();
});

describe('the HTTP trigger URL', () => {
  it('runs a Python WSGI function: method, path, query, headers, body in; status, headers, body out', async () => {
    const res = await send('POST', `/2016-08-15/proxy/${SERVICE}/wsgi/items/7?a=1&b=2`, 'payload');
    expect(res.status, res.text).toBe(201);
    expect(res.headers['x-runtime']).toBe('python');
    expect(res.json).toEqual({
      method: 'POST',
      path: '/items/7',
      query: 'a=1&b=2',
      body: 'payload',
      header: 'hi',
      function: 'wsgi',
    });
  });

  it("runs a custom runtime's server: the request passes through, its answer comes back", async () => {
    const res = await send('POST', `/2016-08-15/proxy/${SERVICE}.LATEST/server/x/y?q=1`, 'raw');
    expect(res.status, res.text).toBe(202);
    expect(res.headers['x-runtime']).toBe('custom');
    expect(res.text).toBe('POST /x/y?q=1 raw hi');
  });
});

describe('a custom domain', () => {
  it("runs the function its route names for a request with the domain's Host, the whole path seen", async () => {
    const py = await send('GET', '/py/hello?x=1', undefined, `${DOMAIN}:80`);
    expect(py.status, py.text).toBe(201);
    expect(py.json).toMatchObject({ method: 'GET', path: '/py/hello', query: 'x=1', function: 'wsgi' });
    const custom = await send('POST', '/custom/a', 'body', DOMAIN.toUpperCase());
    expect(custom.status, custom.text).toBe(202);
    expect(custom.text).toBe('POST /custom/a body hi');
  });

  it('answers 404 for a path no route serves and 405 for a method its route does not take', async () => {
    const none = await send('GET', '/elsewhere', undefined, DOMAIN);
    expect([none.status, none.json?.ErrorCode]).toEqual([404, 'RouteNotFound']);
    expect(none.json.ErrorMessage).toContain('/py/*');
    const wrongMethod = await send('GET', '/custom/a', undefined, DOMAIN);
    expect([wrongMethod.status, wrongMethod.headers.allow]).toEqual([405, 'POST']);
  });

  it('leaves other hosts to the API: an unknown domain is not routed', async () => {
    const other = await send('GET', '/py/hello', undefined, 'other.example.com');
    expect([other.status, other.json?.ErrorCode]).toEqual([400, 'PathNotSupported']);
  });
});
