// The package cache: an unchanged tree is answered from stat alone (nothing under it is opened),
// a changed one reuses the compressed bytes of unchanged files, and every zip it gives is
// byte-identical to a full build of the same tree. A cache that is corrupt, truncated, from another
// format or written concurrently is never trusted. Files made by a test are "racy" for a second
// (changed as late as the scan), so most tests build with a clock moved 10 s ahead.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPackage, type BuildInternals } from '../../src/package/build.js';
import { CACHE_FORMAT, PackageCache } from '../../src/package/cache.js';
import { realFs, type FsOps } from '../../src/package/read-file.js';
import { makeTree, noise, tempDir, text } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
let root: string;
let cache: PackageCache;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const spec: Record<string, string | Buffer | { link: string } | { mode: number; data: string }> = {
    'index.js': text(5000, 1),
    'lib/a.js': text(40_000, 2),
    'lib/b.js': text(300, 3),
    'lib/link.js': { link: 'a.js' },
    'assets/noise.bin': noise(50_000, 4),
    'bin/run.sh': { mode: 0o755, data: '#!/bin/sh\necho hi\n' },
    'empty.txt': '',
  };
  for (let i = 0; i < 40; i++) spec[`many/f${i}.js`] = text(500 + i * 31, 10 + i);
  root = makeTree(path.join(dir, 'code'), spec);
  cache = new PackageCache(path.join(dir, 'config', 'package-cache'));
});
afterEach(() => cleanup());

/** A clock 10 s ahead: everything the test wrote is older than the racy window. */
const LATER: BuildInternals = { nowNs: () => (BigInt(Date.now()) + 10_000n) * 1_000_000n };

async function full() {
  return buildPackage({ root });
}

async function cached(internals: BuildInternals = LATER) {
  return buildPackage({ root, cache }, internals);
}

/** FsOps that records every file opened under the code folder. */
function watchingFs(): FsOps & { opened: string[] } {
  const fs = {
    ...realFs,
    opened: [] as string[],
    openSync(p: string, flags: number) {
      fs.opened.push(path.relative(root, p));
      return realFs.openSync(p, flags);
    },
  };
  return fs;
}

async function expectIdenticalToFull(): Promise<void> {
  const [a, b] = [await cached(), await full()];
  expect(a.checksum).toBe(b.checksum);
  expect(a.zip.equals(b.zip)).toBe(true);
}

describe('an unchanged tree', () => {
  it('is answered from the cache: nothing under the folder is opened, the zip is the same', async () => {
    const first = await cached();
    expect(first.cache).toEqual({ used: false, unchanged: false, reused: 0, stored: true });
    const fs = watchingFs();
    const second = await cached({ ...LATER, fs });
    // Every non-empty file: the symlink and the empty file have no compressed bytes to reuse.
    expect(second.cache).toEqual({ used: true, unchanged: true, reused: first.files - 2, stored: true });
    expect(fs.opened).toEqual([]);
    expect(second.zip.equals(first.zip)).toBe(true);
    expect(second.zip.equals((await full()).zip)).toBe(true);
  });

  it('in memory (a deploy), the cached zip is loaded only when used, and checked again then', async () => {
    const first = await cached();
    const second = await cached();
    expect(second.cache?.unchanged).toBe(true);
    expect(second.folderMatchesZip).toBe(true);
    expect(typeof Object.getOwnPropertyDescriptor(second, 'zip')?.get).toBe('function');
    expect(second.zip.equals(first.zip)).toBe(true);
    // Damaged between the check and the load: an error, never other bytes.
    const third = await cached();
    const zipFile = path.join(cache.folderFor(root, undefined), `${first.checksum}.zip`);
    const bytes = readFileSync(zipFile);
    bytes.writeUInt8(bytes.readUInt8(300) ^ 0xff, 300);
    writeFileSync(zipFile, bytes);
    expect(() => third.zip).toThrow(/changed after it was checked; nothing was sent/);
  });

  it('files changed as late as the cached scan (racy) are read again: same bytes, still unchanged', async () => {
    const first = await cached({}); // the real clock: every file was written within the last second
    const fs = watchingFs();
    const second = await cached({ fs });
    expect(fs.opened).toContain('index.js');
    expect(second.cache?.unchanged).toBe(true);
    expect(second.zip.equals(first.zip)).toBe(true);
  });

  it('a racy file whose bytes differ under the same stamp (written again within one tick) is rebuilt', async () => {
    await cached({});
    // The disk answers other bytes for lib/b.js with the same size and stamp, as a second write
    // within one timestamp tick would leave it.
    const fs: FsOps = {
      ...realFs,
      readSync(fd, buffer, offset, length, position) {
        const n = realFs.readSync(fd, buffer, offset, length, position);
        if (length >= 300 && length <= 301 && n > 0) buffer[offset] = 0x5a;
        return n;
      },
    };
    const second = await cached({ fs });
    expect(second.cache?.unchanged).toBe(false);
    const edited = readFileSync(path.join(root, 'lib/b.js'));
    edited[0] = 0x5a;
    writeFileSync(path.join(root, 'lib/b.js'), edited);
    expect(second.zip.equals((await full()).zip)).toBe(true);
  });
});

describe('a changed tree: incremental, byte-identical to a full build', () => {
  it('one file changed: only it is read, the rest reused', async () => {
    const first = await cached();
    writeFileSync(path.join(root, 'lib/b.js'), text(400, 99));
    const fs = watchingFs();
    const second = await cached({ ...LATER, fs });
    expect(second.cache).toEqual({ used: true, unchanged: false, reused: first.files - 2 - 1, stored: true });
    expect(fs.opened.sort()).toEqual(['empty.txt', 'lib/b.js']);
    expect(second.zip.equals((await full()).zip)).toBe(true);
  });

  it('a same-size edit whose mtime is put back (touch -r) is seen through its ctime', async () => {
    const file = path.join(root, 'lib/a.js');
    const reference = path.join(dir, 'mtime-reference');
    writeFileSync(reference, '');
    execFileSync('touch', ['-r', file, reference]); // keeps the nanoseconds, as tar and rsync -t do
    const before = statSync(file, { bigint: true });
    const first = await cached();
    const edited = readFileSync(file);
    edited[100] = edited[100] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, edited);
    execFileSync('touch', ['-r', reference, file]);
    const after = statSync(file, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.size).toBe(before.size);
    const second = await cached();
    expect(second.checksum).not.toBe(first.checksum);
    expect(second.zip.equals((await full()).zip)).toBe(true);
  });

  it('a file made a symlink, a deletion, a new empty folder, a mode change, a rename, an addition', async () => {
    await cached();
    unlinkSync(path.join(root, 'lib/b.js'));
    symlinkSync('a.js', path.join(root, 'lib/b.js'));
    await expectIdenticalToFull();
    unlinkSync(path.join(root, 'many/f3.js'));
    await expectIdenticalToFull();
    mkdirSync(path.join(root, 'new-empty'));
    await expectIdenticalToFull();
    chmodSync(path.join(root, 'many/f4.js'), 0o600);
    await expectIdenticalToFull();
    renameSync(path.join(root, 'many/f5.js'), path.join(root, 'many/renamed.js'));
    await expectIdenticalToFull();
    writeFileSync(path.join(root, 'added.js'), text(2000, 77));
    await expectIdenticalToFull();
    const last = await cached();
    expect(last.cache?.unchanged).toBe(true);
  });
});

describe('a cache that cannot be trusted is ignored and rebuilt', () => {
  function cacheFolder(): string {
    return cache.folderFor(root, undefined);
  }

  it('a zip corrupted on disk (same size): the CRC-64 check fails, the build is full and right', async () => {
    const first = await cached();
    const zipFile = path.join(cacheFolder(), `${first.checksum}.zip`);
    const bytes = readFileSync(zipFile);
    bytes.writeUInt8(bytes.readUInt8(200) ^ 0xff, 200);
    writeFileSync(zipFile, bytes);
    const second = await cached();
    expect(second.cache).toMatchObject({ used: false, unchanged: false });
    expect(second.zip.equals(first.zip)).toBe(true);
    writeFileSync(path.join(root, 'index.js'), 'changed');
    const third = await cached();
    expect(third.zip.equals((await full()).zip)).toBe(true);
  });

  it('a truncated manifest, a foreign format, a missing zip', async () => {
    const first = await cached();
    const manifest = path.join(cacheFolder(), 'manifest.json');
    const text0 = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text0.slice(0, text0.length >> 1));
    expect((await cached()).cache?.used).toBe(false);
    const outer = JSON.parse(readFileSync(manifest, 'utf8'));
    const foreign = outer.body.replace(CACHE_FORMAT, 'fcw-package-cache/0');
    writeFileSync(manifest, JSON.stringify({ ...outer, body: foreign }));
    expect((await cached()).cache?.used).toBe(false); // the digest no longer matches
    rmSync(path.join(cacheFolder(), `${first.checksum}.zip`));
    const last = await cached();
    expect(last.cache?.used).toBe(false);
    expect(last.zip.equals(first.zip)).toBe(true);
  });

  it('two builds of the same folder at once both give the right zip, and the cache stays usable', async () => {
    await cached();
    writeFileSync(path.join(root, 'index.js'), text(6000, 5));
    const [a, b] = await Promise.all([cached(), cached()]);
    const reference = await full();
    expect(a.zip.equals(reference.zip)).toBe(true);
    expect(b.zip.equals(reference.zip)).toBe(true);
    const after = await cached();
    expect(after.cache?.unchanged).toBe(true);
    expect(after.zip.equals(reference.zip)).toBe(true);
  });
});

describe('size cap', () => {
  it('evicts the least recently used folders beyond the cap, never the one just written', async () => {
    const small = new PackageCache(cache.root, { capBytes: 1 });
    const other = makeTree(path.join(dir, 'other'), { 'index.js': text(3000, 8) });
    await buildPackage({ root: other, cache: small }, LATER);
    await buildPackage({ root, cache: small }, LATER);
    expect(readdirSync(small.root)).toEqual([path.basename(small.folderFor(root, undefined))]);
  });
});
