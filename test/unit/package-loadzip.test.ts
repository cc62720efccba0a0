// An existing .zip or .jar: opened, checksummed over its bytes, entries listed; anything else refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { loadZipPackage } from '../../src/package/load-zip.js';
import { scanFolder } from '../../src/package/build.js';
import { makeTree, noise, tempDir, text } from '../fixtures/package/tree.js';

const require = createRequire(import.meta.url);
const reference: { crc64(b: Buffer): string } = require('crc64-ecma182.js');

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('loadZipPackage', () => {
  it('takes a zip made by Info-ZIP as it is: checksum of its bytes, entries, modes, symlinks', async () => {
    const src = makeTree(path.join(dir, 'src'), {
      'index.js': text(5000),
      'bin/tool': { mode: 0o755, data: 'x' },
      'data.bin': noise(3000),
    });
    symlinkSync('index.js', path.join(src, 'alias.js'));
    const file = path.join(dir, 'made-by-zip.zip');
    execFileSync('zip', ['-qry', file, '.'], { cwd: src });
    const pkg = await loadZipPackage(file);
    const bytes = readFileSync(file);
    expect(pkg.source).toBe('zip');
    expect(pkg.root).toBe(file);
    expect(pkg.zip.equals(bytes)).toBe(true);
    expect(pkg.checksum).toBe(reference.crc64(bytes));
    expect(pkg.zipBytes).toBe(bytes.length);
    expect(pkg.files).toBe(4);
    expect(pkg.bytes).toBe(5000 + 1 + 3000 + 'index.js'.length);
    expect(pkg.largest[0]).toEqual({ path: 'index.js', bytes: 5000 });
    expect(pkg.entries.find((e) => e.path === 'bin/tool')!.mode & 0o777).toBe(0o755);
    expect(pkg.entries.find((e) => e.path === 'alias.js')).toMatchObject({ kind: 'symlink', target: 'index.js' });
    expect(pkg.entries.find((e) => e.path === 'bin')).toMatchObject({ kind: 'dir' });
    expect(pkg.verdict.status).toBe('ok');
  });

  it('refuses a file that is not a zip, a missing file and a folder', async () => {
    const notZip = path.join(dir, 'fake.jar');
    writeFileSync(notZip, 'this is not a zip');
    const e1 = await loadZipPackage(notZip).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UsageError);
    expect((e1 as Error).message).toContain('fake.jar is not a readable zip file');
    const e2 = await loadZipPackage(path.join(dir, 'missing.zip')).catch((e: unknown) => e);
    expect((e2 as Error).message).toContain('does not exist');
    mkdirSync(path.join(dir, 'folder.zip'));
    const e3 = await loadZipPackage(path.join(dir, 'folder.zip')).catch((e: unknown) => e);
    expect((e3 as Error).message).toContain('is not a file');
  });

  it('refuses a truncated zip', async () => {
    const src = makeTree(path.join(dir, 'src2'), { 'a.txt': text(20_000) });
    const file = path.join(dir, 'whole.zip');
    execFileSync('zip', ['-qr', file, '.'], { cwd: src });
    const bytes = readFileSync(file);
    const cut = path.join(dir, 'cut.zip');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    await expect(loadZipPackage(cut)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('scanFolder', () => {
  it('counts files and bytes and lists the largest without zipping', async () => {
    const root = makeTree(path.join(dir, 'scan'), { 'a.txt': text(300), 'b/c.txt': text(3000), '.git/x': 'ignored' });
    const scan = await scanFolder(root);
    expect(scan).toMatchObject({ files: 2, bytes: 3300 });
    expect(scan.largest.map((l) => l.path)).toEqual(['b/c.txt', 'a.txt']);
    expect(scan.verdict.status).toBe('ok');
  });
});

describe('sizes of 2 GiB and more', () => {
  /** A real zip whose one entry claims `size` uncompressed bytes (jszip does not inflate to list it). */
  function zipClaiming(size: number): string {
    const src = makeTree(path.join(dir, `claim-${size}`), { 'big.bin': 'x' });
    const file = path.join(dir, `claim-${size}.zip`);
    execFileSync('zip', ['-q0', file, 'big.bin'], { cwd: src });
    const bytes = readFileSync(file);
    bytes.writeUInt32LE(size, 22); // local header: uncompressed size
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(size, cd + 24); // central directory: uncompressed size
    writeFileSync(file, bytes);
    return file;
  }

  it('an entry of 2 GiB is reported as 2147483648 bytes, not negative', async () => {
    const pkg = await loadZipPackage(zipClaiming(2 ** 31));
    expect(pkg.entries[0]).toMatchObject({ path: 'big.bin', bytes: 2147483648 });
    expect(pkg.bytes).toBe(2147483648);
    expect(pkg.largest[0]).toEqual({ path: 'big.bin', bytes: 2147483648 });
  });

  it('a ZIP64 zip is refused by name (jszip would read its sizes wrong)', async () => {
    const src = makeTree(path.join(dir, 'z64'), { 'a.txt': 'x' });
    const file = path.join(dir, 'z64.zip');
    execFileSync('zip', ['-q', '-fz', file, 'a.txt'], { cwd: src });
    const error = await loadZipPackage(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`${file} is a ZIP64 zip`);
  });
});
