// A deploy's zip stays in a file: the packager leaves it there (the cache's copy, or a temporary
// file without the cache), the handler check reads one entry from it, and the request body is
// streamed from it in slices whose first pass (Content-MD5, CRC-64) yields to the event loop.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPackage, buildPackageOnDisk, type BuildInternals } from '../../src/package/build.js';
import { PackageCache } from '../../src/package/cache.js';
import { checkHandler } from '../../src/package/handler-check.js';
import { createTempZip, removeTempZip } from '../../src/package/temp-zip.js';
import { crc64 } from '../../src/package/crc64.js';
import { contentMd5, zipJsonBody } from '../../src/fc/request-body.js';
import type { ZipOnDisk } from '../../src/core/zip-on-disk.js';
import { makeTree, noise, tempDir, text } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
let root: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const spec: Record<string, string | Buffer> = {
    'index.js': 'exports.handler = async () => "hi";\n',
    'lib/a.js': text(40_000, 2),
    'assets/noise.bin': noise(200_000, 4),
  };
  for (let i = 0; i < 30; i++) spec[`many/f${i}.js`] = text(500 + i * 31, 10 + i);
  root = makeTree(path.join(dir, 'code'), spec);
});
afterEach(() => cleanup());

const LATER: BuildInternals = { nowNs: () => (BigInt(Date.now()) + 10_000n) * 1_000_000n };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('buildPackageOnDisk', () => {
  it('leaves the zip in the cache folder, byte-identical to an in-memory build, and reuses it unchanged', async () => {
    const cache = new PackageCache(path.join(dir, 'config', 'package-cache'));
    const memory = await buildPackage({ root }, LATER);
    const first = await buildPackageOnDisk({ root, cache }, path.join(dir, 'config', 'package-tmp'), LATER);
    expect(first.zip.kind).toBe('zip-file');
    expect(first.zip.path.startsWith(cache.root)).toBe(true);
    expect(readFileSync(first.zip.path).equals(memory.zip)).toBe(true);
    expect(first.zip).toMatchObject({ size: memory.zipBytes, checksum: memory.checksum });
    const again = await buildPackageOnDisk({ root, cache }, path.join(dir, 'config', 'package-tmp'), LATER);
    expect(again.cache).toMatchObject({ used: true, unchanged: true });
    expect(again.zip.path).toBe(first.zip.path);
    expect(existsSync(path.join(dir, 'config', 'package-tmp'))).toBe(false);
  });

  it('without the cache, writes a temporary zip in the given folder', async () => {
    const memory = await buildPackage({ root }, LATER);
    const tmp = path.join(dir, 'config', 'package-tmp');
    const built = await buildPackageOnDisk({ root }, tmp, LATER);
    expect(path.dirname(built.zip.path)).toBe(tmp);
    expect(readdirSync(tmp)).toEqual([path.basename(built.zip.path)]);
    expect(path.basename(built.zip.path)).toMatch(new RegExp(`^zip-${process.pid}-`));
    expect(readFileSync(built.zip.path).equals(memory.zip)).toBe(true);
  });

  it("removes a temporary zip left by a process that is gone, and keeps a live process's", () => {
    const tmp = path.join(dir, 'package-tmp');
    const first = createTempZip(tmp);
    const dead = path.join(tmp, 'zip-999999999-left.zip'); // no such process id
    writeFileSync(dead, 'PK');
    const second = createTempZip(tmp);
    expect(readdirSync(tmp).sort()).toEqual([path.basename(first.path), path.basename(second.path)].sort());
    for (const made of [first, second]) {
      closeSync(made.fd);
      removeTempZip(made.path);
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('checks the handler by reading its one entry from the zip file', async () => {
    const built = await buildPackageOnDisk({ root }, path.join(dir, 'tmp'), LATER);
    // The folder no longer holds the handler: what is checked is what is shipped.
    writeFileSync(path.join(root, 'index.js'), 'nothing here\n');
    const check = await checkHandler(built, 'nodejs20', 'index.handler');
    expect(check.status).toBe('ok');
  });
});

describe('a request body streamed from a zip file', () => {
  function zipFile(bytes: Buffer): ZipOnDisk {
    const file = path.join(dir, 'z.zip');
    writeFileSync(file, bytes);
    return { kind: 'zip-file', path: file, size: bytes.length, checksum: crc64(bytes) };
  }

  it('sends the same bytes as from memory; the first pass gives the Content-MD5 and the CRC-64', async () => {
    const bytes = noise(100_000, 7);
    const fields = { functionName: 'f', handler: 'index.handler' };
    const onDisk = zipJsonBody(fields, zipFile(bytes), 3 * 1000);
    const inMemory = zipJsonBody(fields, bytes, 3 * 1000);
    const expected = Buffer.from(JSON.stringify({ ...fields, code: { zipFile: bytes.toString('base64') } }));
    const sent = await readAll(onDisk.stream());
    expect(sent.equals(expected)).toBe(true);
    expect(Buffer.concat([...onDisk.chunks()]).equals(expected)).toBe(true);
    expect(onDisk.length).toBe(expected.length);
    const digest = await onDisk.digest();
    const md5hex = createHash('md5').update(expected).digest('hex');
    expect(digest.contentMd5).toBe(Buffer.from(md5hex).toString('base64'));
    expect(digest.contentMd5).toBe(contentMd5(inMemory.chunks()));
    expect(digest.zipChecksum).toBe(crc64(bytes));
  });

  it('yields to the event loop between slices of the first pass, and stops when cancelled', async () => {
    const body = zipJsonBody({}, noise(30_000, 8), 3 * 100);
    let finished = false;
    let ranWhileDigesting = false;
    // Queued before the pass starts: a pass that never yields would finish first.
    setImmediate(() => (ranWhileDigesting = !finished));
    await body.digest().then(() => (finished = true));
    expect(ranWhileDigesting).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(body.digest(controller.signal)).rejects.toThrow(/Cancelled/);
  });

  it('refuses a file whose size changed since the build', async () => {
    const zip = zipFile(noise(10_000, 9));
    appendFileSync(zip.path, 'more');
    await expect(zipJsonBody({}, zip).digest()).rejects.toThrow(/changed size/);
  });
});
