// The zip is framed by jszip in batches and ended by fcw (one central directory, one end record),
// and an incremental build copies unchanged entries raw from the cached zip. Either way the bytes
// must be exactly those of one jszip archive of the whole tree (batchEntries: Infinity, what fcw
// did before batches): compared here on trees with every kind of entry, at several batch sizes.
// Also: a cached zip whose bytes change after they were checked, or whose central directory
// disagrees with its local headers, never ends up in a zip.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPackage, packageFolder, type BuildInternals } from '../../src/package/build.js';
import { PackageCache, type CachedPackage } from '../../src/package/cache.js';
import { crc64 } from '../../src/package/crc64.js';
import { MemorySink } from '../../src/package/zip-writer.js';
import { readZipIndex } from '../../src/package/zip-index.js';
import { CancelledError, FailedError } from '../../src/core/errors.js';
import { makeTree, noise, tempDir, text, type TreeSpec } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
let root: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const spec: TreeSpec = {
    'index.js': text(5000, 1),
    // Top-level names that are numbers: jszip writes them first, in numeric order.
    '9': 'nine',
    '10': text(3000, 9),
    '0': '',
    'lib/a.js': text(40_000, 2),
    'lib/link.js': { link: 'a.js' },
    'assets/noise.bin': noise(50_000, 4), // stored: deflate cannot shrink it
    'assets/large.bin': Buffer.concat([text(150_000, 5), noise(30_000, 6)]), // streamed (streamMinBytes below)
    'bin/run.sh': { mode: 0o755, data: '#!/bin/sh\necho hi\n' },
    'empty.txt': '',
    emptydir: { dir: true, mode: 0o750 },
    'ünï/日本語 ファイル.txt': 'unicode names: jszip adds its Unicode path extra field',
    'ünï/café.js': text(900, 7),
  };
  for (let i = 0; i < 30; i++) spec[`many/f${i}.js`] = text(300 + i * 41, 20 + i);
  root = makeTree(path.join(dir, 'code'), spec);
});
afterEach(() => cleanup());

const SMALL: BuildInternals = { streamMinBytes: 100_000 };
/** A clock 10 s ahead: the files the test wrote are older than the cache's racy window. */
const LATER: BuildInternals = { ...SMALL, nowNs: () => (BigInt(Date.now()) + 10_000n) * 1_000_000n };

async function singleArchive() {
  return buildPackage({ root }, { ...SMALL, batchEntries: Infinity });
}

describe('batched framing', () => {
  it('gives the bytes of one jszip archive at every batch size, with the threadpool and with workers', async () => {
    const reference = await singleArchive();
    expect(crc64(reference.zip)).toBe(reference.checksum);
    const names = readZipIndex0(reference.zip).map((e) => e.name);
    expect(names.slice(0, 3)).toEqual(['0', '9', '10']);
    for (const batchEntries of [1, 3, 7, undefined]) {
      for (const useWorkers of [false, true]) {
        const batched = await buildPackage({ root }, { ...SMALL, batchEntries, useWorkers });
        expect(batched.checksum, `batch ${batchEntries}, workers ${useWorkers}`).toBe(reference.checksum);
        expect(batched.zip.equals(reference.zip)).toBe(true);
      }
    }
  });

  it('a sink failing mid-batch (a full disk) fails the build with its error', async () => {
    let written = 0;
    const full = new MemorySink(1 << 20);
    const sink = {
      write(chunk: Uint8Array) {
        written += chunk.length;
        if (written > 20_000) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        full.write(chunk);
      },
      close: () => undefined,
    };
    await expect(packageFolder({ root }, sink, { ...SMALL, batchEntries: 3 })).rejects.toThrow(/ENOSPC/);
  });

  it('cancelling between batches stops the build', async () => {
    const controller = new AbortController();
    let files = 0;
    const onProgress = (p: { phase: string }) => {
      if (p.phase === 'zip' && ++files === 2) controller.abort();
    };
    const build = buildPackage(
      { root, signal: controller.signal, onProgress },
      { ...SMALL, batchEntries: 3, progressEveryMs: 0 },
    );
    await expect(build).rejects.toBeInstanceOf(CancelledError);
  });
});

/** A zip's central directory, in order. */
function readZipIndex0(zip: Buffer) {
  const file = path.join(dir, 'index-probe.zip');
  writeFileSync(file, zip);
  const fd = openSync(file, 'r');
  try {
    return readZipIndex(fd, zip.length);
  } finally {
    closeSync(fd);
  }
}

describe('entries copied raw from the cached zip', () => {
  let cache: PackageCache;
  beforeEach(() => {
    cache = new PackageCache(path.join(dir, 'config', 'package-cache'));
  });
  const cached = (internals: BuildInternals = {}) => buildPackage({ root, cache }, { ...LATER, ...internals });

  it('one file changed, at several batch sizes: byte-identical to one archive of the new tree', async () => {
    await cached();
    writeFileSync(path.join(root, 'many/f7.js'), text(777, 99));
    writeFileSync(path.join(root, '10'), 'ten, changed');
    const reference = await singleArchive();
    for (const batchEntries of [1, 3, undefined]) {
      const second = await cached({ batchEntries });
      expect(second.cache?.used).toBe(true);
      expect(second.cache?.reused).toBeGreaterThan(30);
      expect(second.checksum).toBe(reference.checksum);
      expect(second.zip.equals(reference.zip)).toBe(true);
    }
  });

  it('cancelling while unchanged entries are copied stops the build', async () => {
    await cached();
    writeFileSync(path.join(root, 'ünï/café.js'), 'changed, and last in the zip');
    const controller = new AbortController();
    let files = 0;
    const onProgress = (p: { phase: string }) => {
      if (p.phase === 'zip' && ++files === 2) controller.abort();
    };
    const build = buildPackage(
      { root, cache, signal: controller.signal, onProgress },
      { ...LATER, batchEntries: 3, progressEveryMs: 0 },
    );
    await expect(build).rejects.toBeInstanceOf(CancelledError);
    expect(files).toBeLessThanOrEqual(3); // one run of at most 3 entries after the abort, not the rest
  });

  it('an entry larger than one read, and runs longer than one read, are copied whole', async () => {
    // 5 MB of noise is stored as it is: one entry bigger than the copier's 4 MB buffer.
    writeFileSync(path.join(root, 'assets/huge.bin'), noise(5 * 1024 * 1024, 11));
    writeFileSync(path.join(root, 'assets/huge2.bin'), noise(3 * 1024 * 1024, 12));
    await cached({ streamMinBytes: 64 * 1024 * 1024 });
    writeFileSync(path.join(root, 'index.js'), 'changed');
    const second = await cached({ streamMinBytes: 64 * 1024 * 1024 });
    expect(second.cache?.used).toBe(true);
    const reference = await buildPackage({ root }, { batchEntries: Infinity });
    expect(second.zip.equals(reference.zip)).toBe(true);
  });

  it('bytes changed after the CRC-64 check: the build is refused, and the next one is full and right', async () => {
    const first = await cached();
    const zipFile = path.join(cache.folderFor(root, undefined), `${first.checksum}.zip`);
    // A local header of an entry that will be copied: the CRC-32 field of lib/a.js.
    const at = readZipIndex0(first.zip).find((e) => e.name === 'lib/a.js')!.localOffset;
    const corrupting = new (class extends PackageCache {
      override open(codeRoot: string, runtime: string | undefined): CachedPackage | undefined {
        const opened = super.open(codeRoot, runtime);
        if (!opened) return undefined;
        const verify = opened.verifyForReuse.bind(opened);
        opened.verifyForReuse = () => {
          const ok = verify();
          const bytes = readFileSync(zipFile);
          bytes[at + 14]! ^= 0xff;
          writeFileSync(zipFile, bytes); // the same file, rewritten in place
          return ok;
        };
        return opened;
      }
    })(cache.root);
    writeFileSync(path.join(root, 'index.js'), 'changed');
    const refused = buildPackage({ root, cache: corrupting }, LATER);
    await expect(refused).rejects.toBeInstanceOf(FailedError);
    await expect(refused).rejects.toThrow(/changed while it was read/);
    const again = await cached();
    expect(again.cache?.used).toBe(false);
    expect(again.zip.equals((await singleArchive()).zip)).toBe(true);
  });

  it('a central directory that disagrees with a local header (CRC-64 and seal right): a full build', async () => {
    const first = await cached();
    const folder = cache.folderFor(root, undefined);
    // Forge a cache whose zip passes its CRC-64: lib/a.js's central record says another CRC-32.
    const bytes = Buffer.from(first.zip);
    const eocd = bytes.length - 22;
    const cdOffset = bytes.readUInt32LE(eocd + 16);
    const name = Buffer.from('lib/a.js');
    let at = cdOffset;
    while (
      !bytes.subarray(at + 46, at + 46 + name.length).equals(name) ||
      bytes.readUInt16LE(at + 28) !== name.length
    ) {
      at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
    bytes[at + 16]! ^= 0xff;
    const forged = crc64(bytes);
    writeFileSync(path.join(folder, `${forged}.zip`), bytes);
    const manifestFile = path.join(folder, 'manifest.json');
    const outer = JSON.parse(readFileSync(manifestFile, 'utf8')) as { body: string };
    const manifest = JSON.parse(outer.body) as { zipFile: string; checksum: string };
    manifest.zipFile = `${forged}.zip`;
    manifest.checksum = forged;
    const body = JSON.stringify(manifest);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(body).digest('hex');
    writeFileSync(manifestFile, JSON.stringify({ digest, body }));

    writeFileSync(path.join(root, 'index.js'), 'changed');
    const second = await cached();
    expect(second.cache?.used).toBe(false);
    expect(second.zip.equals((await singleArchive()).zip)).toBe(true);
  });
});
