// `fcw package` as a user runs it: the built bin, spawned, on trees made in temporary folders.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binReadableByAnyone, FCW_BIN, runFcw } from '../helpers/run-fcw.js';
import { makeTree, noise, tempDir, text } from '../fixtures/package/tree.js';

const require = createRequire(import.meta.url);
const reference: { crc64(b: Buffer): string } = require('crc64-ecma182.js');

let dir: string;
let cleanup: () => void;
let app: string;
const INDEX_JS = 'exports.handler = async () => ({ ok: true });\n';
const FCIGNORE = '*.md\n';
let savedConfigDir: string | undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  // The package cache lives in the config directory: keep it in the test's folder.
  savedConfigDir = process.env.FCW_CONFIG_DIR;
  process.env.FCW_CONFIG_DIR = path.join(dir, 'config');
  chmodSync(dir, 0o755); // the unreadable-file test runs the bin as another user
  app = makeTree(path.join(dir, 'app'), {
    'index.js': INDEX_JS,
    'lib/util.js': text(20_000),
    'assets/blob.bin': noise(50_000),
    '.env': 'SECRET=never-packaged',
    '.fcignore': FCIGNORE,
    'README.md': 'left out',
  });
});
afterAll(() => {
  if (savedConfigDir === undefined) delete process.env.FCW_CONFIG_DIR;
  else process.env.FCW_CONFIG_DIR = savedConfigDir;
  cleanup();
});

function unzipTest(file: string): void {
  const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  expect(r.stdout).toContain('No errors detected');
}

describe('fcw package DIR', () => {
  it('prints the report: files, sizes, checksum, verdict, largest, handler', async () => {
    const r = await runFcw(['package', app, '--runtime', 'nodejs20']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Package of ${app}`);
    expect(r.stdout).toMatch(/files {7}4, /);
    expect(r.stdout).toMatch(/checksum {4}\d+ \(CRC-64/);
    expect(r.stdout).toContain('size        ok:');
    expect(r.stdout).toMatch(/largest .*assets\/blob\.bin/);
    expect(r.stdout).toContain('handler     ok: index.handler: index.js exports handler.');
    expect(r.stdout).not.toContain('.env');
    expect(r.stdout).not.toContain('README.md');
  });

  it('--json gives one object with the fields, and no progress on a non-TTY stderr', async () => {
    const r = await runFcw(['package', app, '--runtime', 'nodejs20', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      source: 'folder',
      root: app,
      runtime: 'nodejs20',
      files: 4,
      out: null,
      initializer: null,
    });
    // index.js, lib/util.js, assets/blob.bin and .fcignore; not .env (a default exclude) nor README.md.
    expect(report.bytes).toBe(INDEX_JS.length + 20_000 + 50_000 + FCIGNORE.length);
    expect(report.checksum).toMatch(/^\d+$/);
    expect(report.base64Bytes).toBe(4 * Math.ceil(report.zipBytes / 3));
    expect(report.largest[0]).toEqual({ path: 'assets/blob.bin', bytes: 50_000 });
    expect(report.handler).toEqual({ value: 'index.handler', status: 'ok', message: 'index.js exports handler.' });
    expect(report.verdict.status).toBe('ok');
  });

  it('--out writes the zip atomically: valid, same checksum as reported, no temporary file left', async () => {
    const out = path.join(dir, 'out', 'app.zip');
    mkdirSync(path.dirname(out));
    const r = await runFcw(['package', app, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const bytes = readFileSync(out);
    expect(report.out).toBe(out);
    expect(bytes.length).toBe(report.zipBytes);
    expect(reference.crc64(bytes)).toBe(report.checksum);
    unzipTest(out);
    expect(readdirSync(path.dirname(out))).toEqual(['app.zip']);
    // The same tree again: the same bytes.
    const again = await runFcw(['package', app, '--json']);
    expect(JSON.parse(again.stdout).checksum).toBe(report.checksum);
  });

  it('--out inside the folder being packaged never packages the zip itself', async () => {
    const inner = makeTree(path.join(dir, 'inner'), { 'index.js': 'exports.handler = 1;\n' });
    const first = JSON.parse((await runFcw(['package', '.', '--out', 'code.zip', '--json'], { cwd: inner })).stdout);
    const second = JSON.parse((await runFcw(['package', '.', '--out', 'code.zip', '--json'], { cwd: inner })).stdout);
    expect(first.files).toBe(1);
    expect(second.files).toBe(1);
    expect(second.checksum).toBe(first.checksum);
    expect(readdirSync(inner).sort()).toEqual(['code.zip', 'index.js']);
  });

  it('--out removes temporary files left by runs that were killed, and keeps those of live ones', async () => {
    const out = path.join(dir, 'sweep', 'app.zip');
    mkdirSync(path.dirname(out));
    // A pid that is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const stale = path.join(path.dirname(out), `.app.zip.fcw-tmp-${deadPid}`);
    const staleOld = path.join(path.dirname(out), `.app.zip.fcw-${deadPid}-kx2abc.tmp`);
    const live = path.join(path.dirname(out), `.other.zip.fcw-tmp-${process.pid}`);
    for (const file of [stale, staleOld, live]) writeFileSync(file, 'partial zip');
    const r = await runFcw(['package', app, '--out', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(path.dirname(out)).sort()).toEqual(['.other.zip.fcw-tmp-' + process.pid, 'app.zip']);
  });

  it('the package cache: --json says whether and how it was used; --no-cache builds from scratch', async () => {
    const spec = { 'index.js': INDEX_JS, 'lib/a.js': text(30_000, 3), 'lib/b.js': text(20_000, 4) };
    const tree = makeTree(path.join(dir, 'cached'), spec);
    const env = { FCW_CONFIG_DIR: path.join(dir, 'cache-config') };
    const report = async (...extra: string[]) => {
      const r = await runFcw(['package', tree, '--json', ...extra], { env });
      return JSON.parse(r.stdout);
    };
    const first = await report();
    expect(first.cache).toEqual({ used: false, unchanged: false, reused: 0, stored: true });
    // Files written less than a second before a cached scan are read again (they could still be
    // changing within one timestamp tick); wait that out so the next runs can trust the cache.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await report();
    const unchanged = await report();
    expect(unchanged.cache).toEqual({ used: true, unchanged: true, reused: 3, stored: true });
    expect(unchanged.checksum).toBe(first.checksum);
    writeFileSync(path.join(tree, 'lib/b.js'), text(20_000, 5));
    const changed = await report();
    expect(changed.cache).toEqual({ used: true, unchanged: false, reused: 2, stored: true });
    const scratch = await report('--no-cache');
    expect(scratch.cache).toBeNull();
    expect(scratch.checksum).toBe(changed.checksum);
    const human = await runFcw(['package', tree], { env });
    expect(human.stdout).toContain('cache       ');
  });

  it('a cache that cannot be written: the package is built, and fcw says it was not cached', async () => {
    const tree = makeTree(path.join(dir, 'uncacheable'), { 'index.js': INDEX_JS });
    const config = path.join(dir, 'uncacheable-config');
    mkdirSync(config, { recursive: true });
    writeFileSync(path.join(config, 'package-cache'), 'a file where the cache folder should be');
    const env = { FCW_CONFIG_DIR: config };
    const json = await runFcw(['package', tree, '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).cache).toEqual({ used: false, unchanged: false, reused: 0, stored: false });
    const human = await runFcw(['package', tree], { env });
    expect(human.stdout).toContain('not cached: the cache could not be written (it is optional)');
    expect(human.stdout).not.toContain('cached for next time');
  });

  it('Ctrl-C while packaging: exit 130, and neither --out nor the cache leaves a temporary file', async () => {
    const tree = makeTree(path.join(dir, 'interrupted'), { 'index.js': INDEX_JS });
    truncateSync(path.join(tree, 'index.js'), 0);
    writeFileSync(path.join(tree, 'zeros.bin'), '');
    truncateSync(path.join(tree, 'zeros.bin'), 512 * 1024 * 1024); // sparse: seconds to deflate, no disk
    const outDir = path.join(dir, 'interrupted-out');
    mkdirSync(outDir);
    const configDir = path.join(dir, 'interrupted-config');
    const child = spawn(process.execPath, [FCW_BIN, 'package', tree, '--out', path.join(outDir, 'app.zip')], {
      env: { ...process.env, FCW_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let running = true;
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        running = false;
        resolve(code);
      }),
    );
    const cacheTemps = () => {
      const root = path.join(configDir, 'package-cache');
      if (!existsSync(root)) return [];
      return readdirSync(root).flatMap((f) => readdirSync(path.join(root, f)).filter((n) => n.startsWith('tmp-')));
    };
    // Both temporary files exist once the zip is being written.
    while (running && (cacheTemps().length === 0 || readdirSync(outDir).length === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Packaging was cancelled.');
    expect(readdirSync(outDir)).toEqual([]);
    expect(cacheTemps()).toEqual([]);
  });

  it('takes an existing zip as it is', async () => {
    const out = path.join(dir, 'existing.zip');
    await runFcw(['package', app, '--out', out]);
    const r = await runFcw(['package', out, '--runtime', 'nodejs20', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ source: 'zip', root: out, files: 4 });
    expect(report.checksum).toBe(reference.crc64(readFileSync(out)));
    expect(report.handler.status).toBe('ok');
  });

  it('odd names work: a folder and files with spaces and unicode', async () => {
    const odd = makeTree(path.join(dir, 'my code ü'), {
      'index.py': 'def handler(e, c):\n  pass\n',
      'a b/ファイル 1.txt': 'x',
      "it's.txt": 'y',
    });
    const out = path.join(dir, 'odd names.zip');
    const r = await runFcw(['package', odd, '--runtime', 'python3.10', '--out', out]);
    expect(r.code).toBe(0);
    unzipTest(out);
    const names = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(names).toEqual(['a b/', 'a b/ファイル 1.txt', 'index.py', "it's.txt"]);
  });
});

describe('bad input: exit 2, a message, no zip', () => {
  it('a handler the package does not contain: the report, then exit 2, and --out not written', async () => {
    const out = path.join(dir, 'never.zip');
    const r = await runFcw(['package', app, '--runtime', 'python3.10', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('handler     error: index.handler: handler `index.handler` needs `index.py`');
    expect(r.stderr).toContain('was not written');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((n) => n.includes('never.zip'))).toBe(false);
  });

  it('--json still prints one object, with the error, on bad input', async () => {
    const r = await runFcw(['package', path.join(dir, 'nope'), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'UsageError', exitCode: 2 } });
    expect(JSON.parse(r.stdout).error.message).toContain('does not exist');
  });

  it('--out that is a folder, a FIFO or a device: exit 2 naming it and the rule, nothing written', async () => {
    const folder = path.join(dir, 'out-is-a-folder');
    mkdirSync(folder);
    const fifo = path.join(dir, 'out-fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [target, what] of [
      [folder, 'a folder'],
      [fifo, 'a named pipe (FIFO)'],
    ] as const) {
      const r = await runFcw(['package', app, '--out', target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out: ${target} is ${what}; --out writes only regular files`);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(folder)).toEqual([]);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('.fcw-tmp-'))).toEqual([]);
    // A link to a FIFO is refused too (the rename would not write through it, but the user meant the FIFO).
    const link = path.join(dir, 'out-link');
    symlinkSync(fifo, link);
    expect((await runFcw(['package', app, '--out', link])).code).toBe(2);
  });

  it('a missing folder, an empty one, a symlink leaving the folder', async () => {
    const missing = await runFcw(['package', path.join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    mkdirSync(path.join(dir, 'empty'));
    const empty = await runFcw(['package', path.join(dir, 'empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('has no files to package');

    const leaky = makeTree(path.join(dir, 'leaky'), { 'index.js': 'x' });
    symlinkSync('../app/.env', path.join(leaky, 'env-link'));
    const out = path.join(dir, 'leaky.zip');
    const leak = await runFcw(['package', leaky, '--out', out]);
    expect(leak.code).toBe(2);
    expect(leak.stderr).toContain('env-link is a symlink to ../app/.env, which is outside the package folder');
    expect(existsSync(out)).toBe(false);
  });

  it('an unreadable file (chmod 000; run as nobody when we are root, who can read anything)', () => {
    const locked = makeTree(path.join(dir, 'locked'), { 'index.js': 'x', 'secret.pem': 'key' });
    chmodSync(path.join(locked, 'secret.pem'), 0o000);
    const out = path.join(dir, 'locked-out');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const { bin, remove } = binReadableByAnyone();
    const r = spawnSync(process.execPath, [bin, 'package', locked, '--out', path.join(out, 'z.zip')], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', HOME: dir },
      ...asNobody,
    });
    remove();
    expect(r.stderr).toContain('Cannot read secret.pem: permission denied.');
    expect(r.stderr).toContain('.fcignore');
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('usage errors: no folder, two folders, an unknown runtime, --handler without --runtime, an unknown flag', async () => {
    for (const args of [
      [],
      ['a', 'b'],
      [app, '--runtime', 'nodejs99'],
      [app, '--handler', 'index.handler'],
      [app, '--frobnicate'],
    ]) {
      const r = await runFcw(['package', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^fcw: /);
    }
    const unknown = await runFcw(['package', app, '--runtime', 'nodejs99']);
    expect(unknown.stderr).toContain('unknown runtime "nodejs99"');
  });

  it('--help prints the usage', async () => {
    const r = await runFcw(['package', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fcw package DIR');
    expect(r.stdout).toContain('.fcignore');
  });
});

describe('progress', () => {
  it('shows files and bytes on stderr when it is a terminal', () => {
    // script(1) gives the command a pseudo-terminal; everything it prints comes back on stdout.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(FCW_BIN)} package ${JSON.stringify(app)}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/(scanned|zipping) [\d,/]+ files/);
    expect(r.stdout).toContain('Package of');
  });
});
