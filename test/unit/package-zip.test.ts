// The zip round trip: build a tree into a zip, unpack it with Info-ZIP `unzip` and with jszip, and
// compare with the tree byte for byte (contents, modes, symlinks, empty folders, odd names). Also:
// determinism, the checksum against crc64-ecma182.js over the written file, STORE for what deflate
// cannot shrink, the UTF-8 flag, and the native path against jszip's own deflate.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, type BuildInternals } from '../../src/package/build.js';
import { FIXED_DATE, nativePathAvailable } from '../../src/package/zip-writer.js';
import type { PackageResult } from '../../src/package/types.js';
import { makeTree, noise, tempDir, text, type TreeSpec } from '../fixtures/package/tree.js';

const require = createRequire(import.meta.url);
const reference: { crc64File(file: string, cb: (e?: Error, r?: string) => void): void } = require('crc64-ecma182.js');

const MANY = 300;
const spec: TreeSpec = {
  'index.js': text(5000, 1),
  'big/text.txt': text(300_000, 2),
  'big/noise.bin': noise(200_000, 3),
  // Random at the start, text after: the incompressibility probe must not store it.
  'big/mixed.bin': Buffer.concat([noise(100_000, 4), text(200_000, 5)]),
  'empty.txt': '',
  'tiny.txt': 'a',
  'a b/c d.txt': 'spaces in names',
  'ünï/日本語 ファイル.txt': 'unicode names',
  'run.sh': { mode: 0o755, data: '#!/bin/sh\necho hi\n' },
  'secret.txt': { mode: 0o600, data: 'only me' },
  bootstrap: { mode: 0o644, data: '#!/bin/sh\nexec node index.js\n' },
  'lib/real.js': 'module.exports = 1;\n',
  'lib/alias.js': { link: 'real.js' },
  linkdir: { link: 'lib' },
  emptydir: { dir: true, mode: 0o750 },
};
for (let i = 0; i < MANY; i++) spec[`many/f${String(i).padStart(3, '0')}.js`] = text(200 + i * 37, 100 + i);

/** Small windows and few jobs in flight, so the queue's look-ahead, stealing and waiting all happen. */
const TIGHT: BuildInternals = { maxInFlight: 2, maxAheadBytes: 64 * 1024 };

let dir: string;
let cleanup: () => void;
let root: string;
let pkg: PackageResult;
let zipFile: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  root = makeTree(path.join(dir, 'code'), spec);
  pkg = await buildPackage({ root }, TIGHT);
  zipFile = path.join(dir, 'code.zip');
  writeFileSync(zipFile, pkg.zip);
});
afterAll(() => cleanup());

function unzipTest(file: string): void {
  const result = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toContain('No errors detected');
  expect(result.status).toBe(0);
}

interface TreeItem {
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  data?: Buffer;
  target?: string;
}

/** The tree under `base` as path → item, with modes as permission bits. */
function readTree(base: string): Map<string, TreeItem> {
  const out = new Map<string, TreeItem>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(base, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(base, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.set(r, { kind: 'symlink', mode: 0, target: readlinkSync(full) });
      else if (st.isDirectory()) {
        out.set(r, { kind: 'dir', mode: st.mode & 0o777 });
        walk(r);
      } else out.set(r, { kind: 'file', mode: st.mode & 0o777, data: readFileSync(full) });
    }
  };
  walk('');
  return out;
}

/** Central directory records, parsed by hand so the test does not trust the writer's library. */
function centralDirectory(zip: Buffer) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const records = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    records.push({
      madeBy: zip.readUInt16LE(at + 4),
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      external: zip.readUInt32LE(at + 38),
      name: zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return records;
}

describe('round trip', () => {
  it('uses the native path with the pinned jszip', () => {
    expect(nativePathAvailable()).toBe(true);
  });

  it('unzip -t accepts the zip', () => {
    unzipTest(zipFile);
  });

  it('unpacks with Info-ZIP unzip to the same tree: bytes, modes, symlinks, empty folders, odd names', () => {
    const out = path.join(dir, 'unzipped');
    execFileSync('unzip', ['-q', zipFile, '-d', out]);
    const original = readTree(root);
    // The root bootstrap is packaged executable on purpose.
    original.set('bootstrap', { ...original.get('bootstrap')!, mode: 0o755 });
    const unpacked = readTree(out);
    expect([...unpacked.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [p, item] of original) {
      const got = unpacked.get(p)!;
      expect(got.kind, p).toBe(item.kind);
      if (item.kind === 'file') {
        expect(got.data!.equals(item.data!), p).toBe(true);
        expect(got.mode.toString(8), p).toBe(item.mode.toString(8));
      }
      if (item.kind === 'symlink') expect(got.target, p).toBe(item.target);
      if (item.kind === 'dir') expect(got.mode.toString(8), p).toBe(item.mode.toString(8));
    }
  });

  it('unpacks with jszip to the same contents, names and modes', async () => {
    const archive = await JSZip.loadAsync(pkg.zip);
    const original = readTree(root);
    for (const [p, item] of original) {
      const entry = archive.file(p) ?? archive.files[`${p}/`];
      expect(entry, p).toBeTruthy();
      if (item.kind === 'file') {
        expect((await entry!.async('nodebuffer')).equals(item.data!), p).toBe(true);
        const expectedMode = p === 'bootstrap' ? 0o755 : item.mode;
        expect((entry!.unixPermissions as number) & 0o7777, p).toBe(expectedMode);
      }
      if (item.kind === 'symlink') {
        expect(await entry!.async('string'), p).toBe(item.target);
        expect((entry!.unixPermissions as number) & 0o170000, p).toBe(0o120000);
      }
      if (item.kind === 'dir') expect(entry!.dir, p).toBe(true);
    }
  });

  it('reports files, bytes, entries and the largest paths', () => {
    const fileCount = Object.values(spec).filter((v) => !(typeof v === 'object' && 'dir' in v)).length;
    expect(pkg.files).toBe(fileCount);
    expect(pkg.source).toBe('folder');
    expect(pkg.root).toBe(root);
    expect(pkg.zipBytes).toBe(pkg.zip.length);
    expect(pkg.base64Bytes).toBe(pkg.zip.toString('base64').length);
    expect(pkg.largest.map((l) => l.path).slice(0, 3)).toEqual(['big/mixed.bin', 'big/text.txt', 'big/noise.bin']);
    expect(pkg.largest).toHaveLength(10);
    expect(pkg.entries.find((e) => e.path === 'emptydir')).toMatchObject({ kind: 'dir', mode: 0o040750 });
    expect(pkg.verdict.status).toBe('ok');
  });
});

describe('format details', () => {
  it('sorted entries, a fixed date, Unix "made by", UTF-8 flag on non-ASCII names', () => {
    const records = centralDirectory(pkg.zip);
    const names = records.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const dosDate =
      ((FIXED_DATE.getUTCFullYear() - 1980) << 9) | ((FIXED_DATE.getUTCMonth() + 1) << 5) | FIXED_DATE.getUTCDate();
    for (const r of records) {
      expect(r.madeBy >> 8, r.name).toBe(3); // Unix
      expect(r.date, r.name).toBe(dosDate);
      expect(r.time, r.name).toBe(0);
      const ascii = /^[\x20-\x7e]*$/.test(r.name);
      expect(Boolean(r.flags & 0x800), r.name).toBe(!ascii);
    }
  });

  it('deflates what shrinks and stores what does not (as zip does)', () => {
    const byName = new Map(centralDirectory(pkg.zip).map((r) => [r.name, r]));
    expect(byName.get('big/text.txt')!.method).toBe(8);
    expect(byName.get('big/text.txt')!.compressedSize).toBeLessThan(300_000 / 2);
    expect(byName.get('big/noise.bin')!.method).toBe(0);
    expect(byName.get('big/noise.bin')!.compressedSize).toBe(200_000);
    expect(byName.get('big/mixed.bin')!.method).toBe(8);
    expect(byName.get('big/mixed.bin')!.compressedSize).toBeLessThan(200_000);
    expect(byName.get('tiny.txt')!.method).toBe(0);
    expect(byName.get('empty.txt')!.method).toBe(0);
    expect(byName.get('lib/alias.js')!.method).toBe(0);
  });
});

describe('determinism and checksum', () => {
  it('the same tree gives the same bytes and checksum, whatever the mtimes and the window', async () => {
    const copy = path.join(dir, 'copy');
    cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
    utimesSync(path.join(copy, 'index.js'), new Date('2011-01-01'), new Date('2011-01-01'));
    const again = await buildPackage({ root: copy }, { maxInFlight: 4, maxAheadBytes: 32 * 1024 * 1024 });
    expect(again.checksum).toBe(pkg.checksum);
    expect(again.zip.equals(pkg.zip)).toBe(true);
    const third = await buildPackage({ root });
    expect(third.zip.equals(pkg.zip)).toBe(true);
  });

  it('the checksum equals crc64-ecma182.js over the written file', async () => {
    const expected = await new Promise<string>((resolve, reject) =>
      reference.crc64File(zipFile, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    expect(pkg.checksum).toBe(expected);
  });

  it('a changed byte changes the checksum', async () => {
    const copy = path.join(dir, 'copy2');
    cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(copy, 'tiny.txt'), 'b');
    expect((await buildPackage({ root: copy })).checksum).not.toBe(pkg.checksum);
  });
});

describe('against jszip’s own deflate', () => {
  it('gives a valid zip with the same contents (the fallback path)', async () => {
    const slow = await buildPackage({ root }, { useJszipDeflate: true });
    const file = path.join(dir, 'slow.zip');
    writeFileSync(file, slow.zip);
    unzipTest(file);
    const [a, b] = await Promise.all([JSZip.loadAsync(slow.zip), JSZip.loadAsync(pkg.zip)]);
    expect(Object.keys(a.files)).toEqual(Object.keys(b.files));
    for (const name of Object.keys(a.files)) {
      const [x, y] = await Promise.all([a.files[name]!.async('nodebuffer'), b.files[name]!.async('nodebuffer')]);
      expect(x.equals(y), name).toBe(true);
    }
  });
});

describe('progress', () => {
  it('reports the scan, then files and bytes up to the totals', async () => {
    const seen: { phase: string; files: number; bytes: number; totalFiles: number; totalBytes: number }[] = [];
    await buildPackage({ root, onProgress: (p) => seen.push(p) }, { progressEveryMs: 0 });
    expect(seen[0]!.phase).toBe('scan');
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ phase: 'zip', files: last.totalFiles, bytes: last.totalBytes });
    for (let i = 2; i < seen.length; i++) expect(seen[i]!.files).toBeGreaterThanOrEqual(seen[i - 1]!.files);
  });

  it('stops with a CancelledError when the signal is aborted', async () => {
    const controller = new AbortController();
    let aborted = false;
    const run = buildPackage(
      {
        root,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'zip' && p.files > 10 && !aborted) {
            aborted = true;
            controller.abort();
          }
        },
      },
      { ...TIGHT, progressEveryMs: 0 },
    );
    await expect(run).rejects.toMatchObject({ name: 'CancelledError', exitCode: 130 });
  });
});

describe('worker threads and the in-process queue', () => {
  it('give the same bytes', async () => {
    const viaWorkers = await buildPackage({ root }, { useWorkers: true, workers: 2, maxAheadBytes: 128 * 1024 });
    const inProcess = await buildPackage({ root }, { useWorkers: false });
    expect(viaWorkers.zip.equals(inProcess.zip)).toBe(true);
    expect(viaWorkers.zip.equals(pkg.zip)).toBe(true);
  });

  it('a cancel stops the workers too', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(buildPackage({ root, signal: controller.signal }, { useWorkers: true })).rejects.toBeTruthy();
    const c2 = new AbortController();
    const run = buildPackage(
      { root, signal: c2.signal, onProgress: (p) => p.phase === 'zip' && p.files > 20 && c2.abort() },
      { useWorkers: true, workers: 1, progressEveryMs: 0, maxAheadBytes: 64 * 1024 },
    );
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
  });
});

describe('the incompressibility probe', () => {
  it('stores noise, deflates text and mixed files, leaves small files to deflate', async () => {
    const { looksIncompressible } = await import('../../src/package/prepare-queue.js');
    expect(looksIncompressible(noise(300_000, 9))).toBe(true);
    expect(looksIncompressible(text(300_000, 9))).toBe(false);
    expect(looksIncompressible(Buffer.concat([noise(200_000, 1), text(100_000, 2)]))).toBe(false);
    expect(looksIncompressible(noise(100_000, 9))).toBe(false); // below the probe's minimum
  });
});
