// Functions that use layers, with the official SDK (@alicloud/fc2): a function's `layers` must name
// stored layer versions made for its runtime, and code that requires a module from a layer runs
// (the layers' content is where FC's runtimes look: Node.js NODE_PATH, Python PYTHONPATH).

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, rawRequest, sdkError } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
let tempRoot: string;
const SERVICE = 'layered';
/** A file only a layer holds (no machine has it at the real /opt). */
const OPT_FILE = 'fcw-layer-test-4f1c.txt';

async function zipOf(files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content, { unixPermissions: 0o644 });
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64');
}

async function publish(name: string, runtimes: string[], files: Record<string, string>): Promise<string> {
  const res = await client.publishLayerVersion(name, {
    code: { zipFile: await zipOf(files) },
    compatibleRuntime: runtimes,
  });
  return (res.data as { arn: string }).arn;
}

async function invokeText(fn: string): Promise<string> {
  const res = await client.invokeFunction(SERVICE, fn, '{}');
  return String(res.data);
}

let first: string;
let second: string;
let pythonLayer: string;

beforeAll(async () => {
  ({
    sandbox,
    client,
    dir: tempRoot,
    close: closeSandbox,
  } = await openSdkSandbox({ dataSubdir: 'data', sdkTimeoutMs: 60_000 }));
  await client.createService(SERVICE);
  // Both layers hold `greet`: the one listed first wins, as on FC.
  first = await publish('first', ['nodejs18', 'nodejs20'], {
    'nodejs/node_modules/greet/index.js': "module.exports = () => 'from first';\n",
  });
  second = await publish('second', ['nodejs18', 'nodejs20'], {
    'nodejs/node_modules/greet/index.js': "module.exports = () => 'from second';\n",
    'nodejs/node_modules/only-second/index.js': "module.exports = 'only in second';\n",
  });
  pythonLayer = await publish('pydeps', ['python3.9', 'python3.10'], {
    'python/layerlib.py': "def hello():\n    return 'python layer says hi'\n",
  });
}, 60_000);

afterAll(async () => {
  await closeSandbox?.();
});

describe("a function's layers", () => {
  it('are refused when a layer version does not exist (404 LayerNotFound naming it)', async () => {
    const missing = first.replace(/#1$/, '#7');
    const error = await sdkError(
      client.createFunction(SERVICE, {
        functionName: 'ghost',
        runtime: 'nodejs18',
        handler: 'index.handler',
        code: { zipFile: await zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, 1);' }) },
        layers: [missing],
      }),
    );
    expect(error.code).toBe('LayerNotFound');
    expect(error.message).toContain("layer 'first' version 7 does not exist");
    const byArn = await sdkError(
      client.createFunction(SERVICE, {
        functionName: 'ghost',
        runtime: 'nodejs18',
        handler: 'index.handler',
        code: { zipFile: await zipOf({ 'index.js': 'exports.handler = (e, c, cb) => cb(null, 1);' }) },
        layers: [`acs:fc:cn-hangzhou:${sandbox.accountId}:layers/nosuch/versions/1`],
      }),
    );
    expect(byArn.code).toBe('LayerNotFound');
  });

  it("are refused for a runtime the layer was not published for (FC's text)", async () => {
    const error = await sdkError(
      client.createFunction(SERVICE, {
        functionName: 'wrong-runtime',
        runtime: 'python3.9',
        handler: 'index.handler',
        code: { zipFile: await zipOf({ 'index.py': 'def handler(e, c):\n    return 1\n' }) },
        layers: [first],
      }),
    );
    expect(error.code).toBe('InvalidArgument');
    expect(error.message).toContain('runtime: python3.9 is not supported by layer:acs:fc:');
  });

  it("run: Node.js requires modules from its layers, the first listed winning; an update's take over", async () => {
    const code = {
      'index.js':
        "exports.handler = (event, context, callback) => callback(null, require('greet')() + ' / ' + " +
        "require('only-second') + ' / ' + (process.env.NODE_PATH ? 'NODE_PATH set' : 'no NODE_PATH'));\n",
    };
    await client.createFunction(SERVICE, {
      functionName: 'node-layers',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: await zipOf(code) },
      layers: [first, second],
    });
    expect(await invokeText('node-layers')).toBe('from first / only in second / NODE_PATH set');
    // Reordered: the other layer's greet wins, on a new instance.
    await client.updateFunction(SERVICE, 'node-layers', { layers: [second, first] });
    expect(await invokeText('node-layers')).toBe('from second / only in second / NODE_PATH set');
    // A runtime the kept layers were not made for is refused too.
    const error = await sdkError(client.updateFunction(SERVICE, 'node-layers', { runtime: 'nodejs16' }));
    expect(error.code).toBe('InvalidArgument');
  });

  it('run: a Python function imports a module from its layer', async () => {
    await client.createFunction(SERVICE, {
      functionName: 'py-layers',
      runtime: 'python3.10',
      handler: 'index.handler',
      code: {
        zipFile: await zipOf({
          'index.py': 'import layerlib\n\ndef handler(event, context):\n    return layerlib.hello()\n',
        }),
      },
      layers: [pythonLayer],
    });
    expect(await invokeText('py-layers')).toBe('python layer says hi');
  });

  it("find layers named by '/opt/...': Node.js require is redirected, files through FC_OPT_DIR", async () => {
    const outsideModule = path.join(tempRoot, 'outside.js');
    await writeFile(outsideModule, "module.exports = 'outside';\n");
    const files = await publish('optfiles', ['nodejs18', 'python3.10'], {
      'nodejs/node_modules/shout/index.js': "module.exports = (s) => s.toUpperCase() + '!';\n",
      [`${OPT_FILE}`]: 'layer data',
    });
    const node = {
      'index.js':
        "const fs = require('fs');\n" +
        "const shout = require('/opt/nodejs/node_modules/shout');\n" +
        "const where = require.resolve('//opt/nodejs/./node_modules/shout');\n" +
        // As on FC, a path that climbs out of /opt is read where it leads, not beside the layers.
        `const outside = require(${JSON.stringify(`/opt/..${outsideModule}`)});\n` +
        'exports.handler = (event, context, callback) => {\n' +
        "  const opt = process.env.FC_OPT_DIR || '/opt';\n" +
        `  const data = fs.readFileSync(opt + '/${OPT_FILE}', 'utf8');\n` +
        "  callback(null, shout(data) + ' ' + where.startsWith(opt + '/nodejs/') + ' ' + outside);\n" +
        '};\n' +
        `exports.literal = (event, context, callback) => callback(null, fs.readFileSync('/opt/${OPT_FILE}', 'utf8'));\n`,
    };
    await client.createFunction(SERVICE, {
      functionName: 'node-opt',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: await zipOf(node) },
      layers: [files],
    });
    expect(await invokeText('node-opt')).toBe('LAYER DATA! true outside');
    // A file read at the literal /opt is not found; the log says where the layers are.
    await client.updateFunction(SERVICE, 'node-opt', { handler: 'index.literal' });
    const literal = await client.invokeFunction(SERVICE, 'node-opt', '{}', { 'x-fc-log-type': 'Tail' });
    expect(literal.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    const log = Buffer.from(String(literal.headers['x-fc-log-result']), 'base64').toString('utf8');
    expect(log).toContain(`fcw sandbox: '/opt/${OPT_FILE}': layers are not at /opt here but in FC_OPT_DIR`);

    const python =
      'import os\n\n' +
      'def handler(event, context):\n' +
      `    with open(os.environ.get('FC_OPT_DIR', '/opt') + '/${OPT_FILE}') as f:\n` +
      '        return f.read()\n\n' +
      'def literal(event, context):\n' +
      `    return open('/opt/${OPT_FILE}').read()\n`;
    await client.createFunction(SERVICE, {
      functionName: 'py-opt',
      runtime: 'python3.10',
      handler: 'index.handler',
      code: { zipFile: await zipOf({ 'index.py': python }) },
      layers: [files],
    });
    expect(await invokeText('py-opt')).toBe('layer data');
    await client.updateFunction(SERVICE, 'py-opt', { handler: 'index.literal' });
    const pyLiteral = await client.invokeFunction(SERVICE, 'py-opt', '{}', { 'x-fc-log-type': 'Tail' });
    expect(pyLiteral.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    const pyLog = Buffer.from(String(pyLiteral.headers['x-fc-log-result']), 'base64').toString('utf8');
    expect(pyLog).toContain(`fcw sandbox: '/opt/${OPT_FILE}': layers are not at /opt here but in FC_OPT_DIR`);
  });

  it('follow a link a layer made to an absolute path under /opt, as on FC', async () => {
    const zip = new JSZip();
    zip.file('nodejs/node_modules/real/index.js', "module.exports = 'through the link';\n", { unixPermissions: 0o644 });
    zip.file('nodejs/node_modules/linked', '/opt/nodejs/node_modules/real', { unixPermissions: 0o120777 });
    const res = await client.publishLayerVersion('linking', {
      code: { zipFile: (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64') },
      compatibleRuntime: ['nodejs18'],
    });
    const code = "exports.handler = (event, context, callback) => callback(null, require('linked'));\n";
    await client.createFunction(SERVICE, {
      functionName: 'node-linked',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: await zipOf({ 'index.js': code }) },
      layers: [(res.data as { arn: string }).arn],
    });
    expect(await invokeText('node-linked')).toBe('through the link');
  });

  it("are downloadable: GetLayerVersion's code.location gives the zip", async () => {
    const res = await client.getLayerVersion('second', '1');
    const location = (res.data as { code: { location: string } }).code.location;
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const url = new URL(location);
    const download = await rawRequest(url.origin, { method: 'GET', path: `${url.pathname}${url.search}` });
    expect(download.status).toBe(200);
    const zip = await JSZip.loadAsync(download.body);
    expect(Object.keys(zip.files)).toContain('nodejs/node_modules/only-second/index.js');
  });
});
