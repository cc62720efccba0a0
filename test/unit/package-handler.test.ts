// The handler check, per runtime, against folders and existing zips/jars.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../src/package/build.js';
import { checkHandler } from '../../src/package/handler-check.js';
import { loadZipPackage } from '../../src/package/load-zip.js';
import type { PackageResult } from '../../src/package/types.js';
import { makeTree, tempDir, type TreeSpec } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

let counter = 0;
async function folder(spec: TreeSpec): Promise<PackageResult> {
  return buildPackage({ root: makeTree(path.join(dir, `pkg${counter++}`), spec) });
}

/** A zip written by jszip with the given Unix modes (or DOS, which records none). */
async function zipFile(
  files: Record<string, { data: string | Buffer; mode?: number }>,
  platform: 'UNIX' | 'DOS' = 'UNIX',
  ext = '.zip',
): Promise<string> {
  const zip = new JSZip();
  for (const [name, f] of Object.entries(files)) zip.file(name, f.data, { unixPermissions: f.mode, date: new Date(0) });
  const file = path.join(dir, `z${counter++}${ext}`);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', platform, compression: 'DEFLATE' }));
  return file;
}

async function jarBytes(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) zip.file(name, data);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Bytes that look like a class file mentioning the method in its constant pool. */
function classFile(method: string): Buffer {
  return Buffer.concat([
    Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]),
    Buffer.from(`\u0001${method}\u0001(Ljava/io/InputStream;)V`),
  ]);
}

describe('Python', () => {
  it('ok: a top-level def (and async def) in index.py or dir/file.py', async () => {
    const pkg = await folder({
      'index.py': 'import json\n\ndef handler(event, context):\n    return 1\n',
      'src/app.py': 'async def main(event, context):\n  pass\n',
    });
    expect(await checkHandler(pkg, 'python3.10', 'index.handler')).toEqual({
      status: 'ok',
      message: 'index.py defines handler().',
    });
    expect((await checkHandler(pkg, 'python3.9', 'src/app.main')).status).toBe('ok');
  });

  it('warning: bound by assignment or import', async () => {
    const pkg = await folder({
      'index.py': 'from app import make\nhandler = make()\n',
      'other.py': 'from lib.impl import handler\n',
    });
    expect((await checkHandler(pkg, 'python3', 'index.handler')).status).toBe('warning');
    expect((await checkHandler(pkg, 'python3', 'other.handler')).status).toBe('warning');
  });

  it('error: the file has no such function (a nested def does not count)', async () => {
    const pkg = await folder({ 'index.py': 'class A:\n    def handler(self):\n        pass\n' });
    const check = await checkHandler(pkg, 'python3.10', 'index.handler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('index.py has no top-level `def handler(event, context):`');
    expect(check.message).toContain(pkg.root!);
  });

  it('error: the file is missing, naming the package root and suggesting where it is', async () => {
    const pkg = await folder({ 'src/index.py': 'def handler(e, c):\n  pass\n' });
    const check = await checkHandler(pkg, 'python3.10', 'index.handler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('needs `index.py`');
    expect(check.message).toContain(pkg.root!);
    expect(check.message).toContain('did you mean handler `src/index.handler`?');
  });
});

describe('Node.js', () => {
  const styles: Record<string, string> = {
    'a.js': 'exports.handler = async (event) => event;',
    'b.js': 'module.exports.handler = function (event, context, cb) { cb(null, 1); };',
    'c.js': 'async function handler() {}\nmodule.exports = {\n  other,\n  handler,\n};',
    'd.mjs': 'export const handler = async () => 1;',
    'e.mjs': 'export async function handler(event) { return event; }',
    'f.mjs': 'const main = () => 1;\nexport { main as handler };',
    'g.cjs': 'Object.defineProperty(exports, "handler", { enumerable: true, get: function () { return h; } });',
    'h.js': 'var src_exports = {};\n__export(src_exports, {\n  handler: () => handler\n});',
    'i.js': "exports['handler'] = () => 1;",
  };

  it('ok: every common export style, in .js, .mjs and .cjs', async () => {
    const pkg = await folder(styles);
    for (const file of Object.keys(styles)) {
      const base = file.replace(/\.[cm]?js$/, '');
      const check = await checkHandler(pkg, 'nodejs20', `${base}.handler`);
      expect(check, file).toEqual({ status: 'ok', message: `${file} exports handler.` });
    }
  });

  it('warning: the file is there but no export is recognised', async () => {
    const pkg = await folder({ 'index.js': 'function handler() {}\n' });
    const check = await checkHandler(pkg, 'nodejs18', 'index.handler');
    expect(check.status).toBe('warning');
    expect(check.message).toContain('no export named handler was recognised');
  });

  it('error: no index.js/.mjs/.cjs, with the suggestion', async () => {
    const pkg = await folder({ 'dist/index.js': 'exports.handler = 1;' });
    const check = await checkHandler(pkg, 'nodejs20', 'index.handler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('`index.js` or `index.mjs` or `index.cjs`');
    expect(check.message).toContain('`dist/index.handler`');
  });

  it('follows a symlink to the handler file inside the package', async () => {
    const pkg = await folder({ 'dist/main.js': 'exports.handler = 1;', 'index.js': { link: 'dist/main.js' } });
    expect((await checkHandler(pkg, 'nodejs20', 'index.handler')).status).toBe('ok');
  });

  it('reads an existing zip rather than the disk', async () => {
    const pkg = await loadZipPackage(await zipFile({ 'index.js': { data: 'exports.handler = 1;' } }));
    expect((await checkHandler(pkg, 'nodejs20', 'index.handler')).status).toBe('ok');
    expect((await checkHandler(pkg, 'nodejs20', 'index.main')).status).toBe('warning');
  });
});

describe('PHP', () => {
  it('ok with function handler(, error without', async () => {
    const pkg = await folder({
      'index.php': '<?php\nfunction Handler($event, $context) {\n  return "hi";\n}\n',
      'other.php': '<?php\nclass A { }\n',
    });
    expect((await checkHandler(pkg, 'php7.2', 'index.handler')).status).toBe('ok');
    const check = await checkHandler(pkg, 'php7.2', 'other.handler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('other.php defines no `function handler(`');
    expect((await checkHandler(pkg, 'php7.2', 'missing.handler')).status).toBe('error');
  });
});

describe('Java', () => {
  it('ok: the class in the classes tree', async () => {
    const pkg = await folder({ 'example/App.class': classFile('handleRequest') });
    expect(await checkHandler(pkg, 'java11', 'example.App::handleRequest')).toEqual({
      status: 'ok',
      message: 'example/App.class is in the package.',
    });
  });

  it('ok: the class in a jar under lib/', async () => {
    const pkg = await folder({ 'lib/app.jar': await jarBytes({ 'com/acme/Fn.class': classFile('handle') }) });
    const check = await checkHandler(pkg, 'java8', 'com.acme.Fn::handle');
    expect(check).toEqual({ status: 'ok', message: 'com/acme/Fn.class is in lib/app.jar.' });
  });

  it('ok: the package is itself the jar', async () => {
    const jar = path.join(dir, 'fn.jar');
    writeFileSync(
      jar,
      await jarBytes({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'com/acme/Fn.class': classFile('handle') }),
    );
    const pkg = await loadZipPackage(jar);
    expect((await checkHandler(pkg, 'java11', 'com.acme.Fn::handle')).status).toBe('ok');
  });

  it('warning: a jar outside lib/, a class that does not mention the method, an unreadable jar', async () => {
    const outside = await folder({ 'target/app.jar': await jarBytes({ 'com/acme/Fn.class': classFile('handle') }) });
    expect((await checkHandler(outside, 'java11', 'com.acme.Fn::handle')).message).toContain('FC loads jars from lib/');
    const noMethod = await folder({ 'com/acme/Fn.class': classFile('other') });
    expect((await checkHandler(noMethod, 'java11', 'com.acme.Fn::handle')).status).toBe('warning');
    const broken = await folder({ 'lib/broken.jar': 'not a zip' });
    const check = await checkHandler(broken, 'java11', 'com.acme.Fn::handle');
    expect(check.status).toBe('warning');
    expect(check.message).toContain('lib/broken.jar could not be opened');
  });

  it('error: nowhere, naming where it looked', async () => {
    const pkg = await folder({
      'lib/dep.jar': await jarBytes({ 'org/dep/X.class': classFile('x') }),
      'src/main/java/com/acme/Fn.java': 'class Fn {}',
    });
    const check = await checkHandler(pkg, 'java11', 'com.acme.Fn::handle');
    expect(check.status).toBe('error');
    expect(check.message).toContain('needs class com/acme/Fn.class');
    expect(check.message).toContain('lib/dep.jar');
  });
});

describe('Go', () => {
  it('ok: the binary is there and executable', async () => {
    const pkg = await folder({ main: { mode: 0o755, data: '\x7fELF' }, 'bin/app': { mode: 0o700, data: '\x7fELF' } });
    expect((await checkHandler(pkg, 'go1', 'main')).status).toBe('ok');
    expect((await checkHandler(pkg, 'go1', 'bin/app')).status).toBe('ok');
  });

  it('error: not executable, or missing', async () => {
    const pkg = await folder({ main: { mode: 0o644, data: '\x7fELF' } });
    const check = await checkHandler(pkg, 'go1', 'main');
    expect(check.status).toBe('error');
    expect(check.message).toContain('chmod +x main');
    expect((await checkHandler(pkg, 'go1', 'server')).status).toBe('error');
  });

  it('warning: a zip that records no Unix modes', async () => {
    const pkg = await loadZipPackage(await zipFile({ main: { data: 'x' } }, 'DOS'));
    expect((await checkHandler(pkg, 'go1', 'main')).status).toBe('warning');
  });
});

describe('custom runtimes', () => {
  it('ok: a root bootstrap (made executable by the packager)', async () => {
    const pkg = await folder({ bootstrap: { mode: 0o644, data: '#!/bin/sh\n' } });
    expect((await checkHandler(pkg, 'custom', 'index.handler')).status).toBe('ok');
    expect((await checkHandler(pkg, 'custom.debian10', 'anything at all')).status).toBe('ok');
  });

  it('error: no bootstrap, or a zip whose bootstrap is not executable', async () => {
    const none = await folder({ 'server.js': 'x', 'sub/bootstrap': 'x' });
    const check = await checkHandler(none, 'custom', 'index.handler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('starts `bootstrap` at the package root');
    const notExec = await loadZipPackage(await zipFile({ bootstrap: { data: '#!/bin/sh\n', mode: 0o100644 } }));
    expect((await checkHandler(notExec, 'custom', 'x')).message).toContain('not executable');
  });

  it('custom-container has no package to check', async () => {
    const pkg = await folder({ Dockerfile: 'FROM scratch' });
    expect((await checkHandler(pkg, 'custom-container', 'index.handler')).status).toBe('ok');
  });
});

describe('.NET', () => {
  it('ok with the assembly, error without', async () => {
    const pkg = await folder({ 'HelloFcApp.dll': 'MZ' });
    expect((await checkHandler(pkg, 'dotnetcore3.1', 'HelloFcApp::Example.Hello::StreamHandler')).status).toBe('ok');
    const check = await checkHandler(pkg, 'dotnetcore3.1', 'Other::Example.Hello::StreamHandler');
    expect(check.status).toBe('error');
    expect(check.message).toContain('`Other.dll`');
  });
});

describe('format and runtime', () => {
  it('an unknown runtime or a handler in the wrong format is an error', async () => {
    const pkg = await folder({ 'index.js': 'exports.handler = 1;' });
    expect((await checkHandler(pkg, 'nodejs99', 'index.handler')).status).toBe('error');
    const wrongFormat = await checkHandler(pkg, 'java11', 'index.handler');
    expect(wrongFormat.status).toBe('error');
    expect(wrongFormat.message).toContain('handler');
  });

  it('the initializer is checked the same way and named as such', async () => {
    const pkg = await folder({ 'index.py': 'def handler(e, c):\n  pass\n' });
    expect((await checkHandler(pkg, 'python3.10', 'index.init', 'initializer')).message).toContain(
      'initializer `index.init`',
    );
    expect((await checkHandler(pkg, 'python3.10', 'index.handler', 'initializer')).status).toBe('ok');
  });
});

describe('a handler the file does not export: the check names what it does export', () => {
  it('node: main.handler on a file exporting process and init suggests main.process', async () => {
    const { nodeExportedNames } = await import('../../src/package/handler-check.js');
    expect(nodeExportedNames('exports.process = async () => 1;\nexports.init = () => {};')).toEqual([
      'process',
      'init',
    ]);
    expect(nodeExportedNames('export async function go() {}\nexport const x = 1;\nexport { a, b as c };')).toEqual([
      'go',
      'x',
      'a',
      'c',
    ]);
    expect(nodeExportedNames('module.exports = { handler, other: impl };')).toEqual(['handler', 'other']);
    const pkg = await folder({ 'main.js': 'exports.process = async () => 1;\nexports.init = () => {};\n' });
    const r = await checkHandler(pkg, 'nodejs20', 'main.handler');
    expect(r.status).toBe('warning');
    expect(r.message).toContain('; it exports process, init: did you mean main.process?');
  });

  it('python: a def of another name is suggested', async () => {
    const pkg = await folder({ 'main.py': 'def _helper():\n    pass\n\ndef process(event, context):\n    return 1\n' });
    const r = await checkHandler(pkg, 'python3.10', 'main.handler');
    expect(r.status).toBe('error');
    expect(r.message).toContain('; it defines process: did you mean main.process?');
  });
});

describe('messages end with one mark of punctuation', () => {
  const doubled = /[.?!:;,]\.$|\?\.|\.\.$/;

  it('a hint ending in a question mark is not followed by a full stop (node and python)', async () => {
    const node = await folder({ 'index.js': 'exports.main = async () => 1;\n' });
    const n = await checkHandler(node, 'nodejs20', 'index.handler');
    expect(n.message).toMatch(/did you mean index\.main\?$/);
    const py = await folder({ 'index.py': 'def main(event, context):\n    return 1\n' });
    const p = await checkHandler(py, 'python3.10', 'index.handler');
    expect(p.message).toMatch(/did you mean index\.main\?$/);
  });

  it('asSentence adds a full stop only where no sentence end is', async () => {
    const { asSentence } = await import('../../src/package/handler-check.js');
    expect(asSentence('it failed')).toBe('it failed.');
    expect(asSentence('it failed.')).toBe('it failed.');
    expect(asSentence('did you mean a.b?')).toBe('did you mean a.b?');
  });

  it('no message of the check, over every runtime family, ends in doubled punctuation', async () => {
    const pkg = await folder({
      'index.js': 'exports.other = 1;\n',
      'index.py': 'def other(event, context):\n    pass\n',
      'index.php': '<?php function other() {}\n',
      'sub/main.js': 'exports.handler = 1;\n',
      'sub/app.py': 'x = 1\n',
      main: { data: 'bin', mode: 0o644 },
    });
    const cases: [string, string][] = [
      ['nodejs20', 'index.handler'],
      ['nodejs20', 'main.handler'],
      ['nodejs20', ' index.handler'],
      ['python3.10', 'index.handler'],
      ['python3.10', 'app.handler'],
      ['python3.10', 'index.py.handler'],
      ['php7.2', 'index.handler'],
      ['php7.2', 'missing.handler'],
      ['java11', 'example.App::handleRequest'],
      ['go1', 'main'],
      ['go1', 'nothere'],
      ['custom', 'index.handler'],
      ['dotnetcore3.1', 'App::App.Handler::Run'],
      ['nosuchruntime', 'index.handler'],
      ['nodejs20', ''],
    ];
    for (const [runtime, handler] of cases) {
      for (const field of ['handler', 'initializer'] as const) {
        const r = await checkHandler(pkg, runtime, handler, field);
        expect(r.message, `${runtime} ${field} ${JSON.stringify(handler)}`).not.toMatch(doubled);
      }
    }
  });
});
