// Large files: streamed through deflate in chunks (never read whole), the same bytes as the
// in-memory path, refused with their path and size when FC could not take them, and files over
// what a zip without ZIP64 can store refused before they are read. Big files are sparse (truncate),
// so they cost no disk.
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, UsageError } from '../../src/core/errors.js';
import { buildPackage } from '../../src/package/build.js';
import { realFs, type FsOps } from '../../src/package/read-file.js';
import { STREAM_MIN_BYTES } from '../../src/package/read-large.js';
import { selectEntries } from '../../src/package/select.js';
import { makeTree, noise, tempDir, text } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function rejection(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

/** FsOps that records the largest single read asked for. */
function recordingFs(): FsOps & { largestRead: number } {
  const fs = {
    ...realFs,
    largestRead: 0,
    readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number) {
      fs.largestRead = Math.max(fs.largestRead, length);
      return realFs.readSync(fd, buffer, offset, length, position);
    },
  };
  return fs;
}

describe('large files', () => {
  it(`a file of ${STREAM_MIN_BYTES / 1024 / 1024} MB or more is read in chunks of at most 1 MB`, async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    const big = path.join(root, 'big.bin');
    writeFileSync(big, text(100_000));
    truncateSync(big, STREAM_MIN_BYTES + 5); // text, then zeros
    const fs = recordingFs();
    const pkg = await buildPackage({ root }, { fs });
    expect(pkg.files).toBe(2);
    expect(fs.largestRead).toBeLessThanOrEqual(1024 * 1024);
    // The same bytes as the whole-file path.
    const whole = await buildPackage({ root }, { streamMinBytes: Number.MAX_SAFE_INTEGER });
    expect(pkg.zip.equals(whole.zip)).toBe(true);
  });

  it('the streamed path gives the same zip as the in-memory one, for text, noise and mixed files', async () => {
    const root = makeTree(path.join(dir, 'code'), {
      'index.js': text(5000, 1),
      'text.txt': text(300_000, 2),
      'noise.bin': noise(200_000, 3),
      'mixed.bin': Buffer.concat([noise(100_000, 4), text(200_000, 5)]),
      'small.txt': text(100, 6),
    });
    const streamed = await buildPackage({ root }, { streamMinBytes: 1 });
    const inMemory = await buildPackage({ root });
    expect(streamed.zip.equals(inMemory.zip)).toBe(true);
    expect(streamed.checksum).toBe(inMemory.checksum);
  });

  it('a streamed file that changes while it is read is an error, not a zip', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x', 'grow.txt': text(300_000, 2) });
    const fs: FsOps = {
      ...realFs,
      readSync(fd, buffer, offset, length, position) {
        const n = realFs.readSync(fd, buffer, offset, length, position);
        if (position === 0 && length > 32 * 1024) appendFileSync(path.join(root, 'grow.txt'), 'more');
        return n;
      },
    };
    const error = await rejection(buildPackage({ root }, { fs, streamMinBytes: 1 }));
    expect(error.message).toContain('grow.txt changed while it was being packaged');
  });

  it('a cancel is honoured between the chunks of a streamed file, not only between files', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    writeFileSync(path.join(root, 'zeros.bin'), '');
    truncateSync(path.join(root, 'zeros.bin'), STREAM_MIN_BYTES + 4 * 1024 * 1024);
    const controller = new AbortController();
    let chunks = 0;
    const fs: FsOps = {
      ...realFs,
      readSync(fd, buffer, offset, length, position) {
        if (length === 1024 * 1024 && ++chunks === 3) controller.abort(); // mid-file
        return realFs.readSync(fd, buffer, offset, length, position);
      },
    };
    const error = await buildPackage({ root, signal: controller.signal }, { fs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(chunks).toBeLessThan(10);
  });

  it('a file that cannot fit in what FC takes is refused with its path and size', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x', 'media/noise.bin': noise(300_000, 3) });
    // Incompressible: stored as it is, so its size is known and it is refused before it is read.
    const fs = recordingFs();
    const stored = await rejection(buildPackage({ root }, { fs, streamMinBytes: 1, maxCompressedBytes: 100_000 }));
    expect(stored.message).toBe(
      'media/noise.bin is 293.0 KB (300000 bytes), does not compress, and is more than 97.7 KB; ' +
        'FC takes at most 500.0 MB of zip, even through OSS.',
    );
    expect(fs.largestRead).toBeLessThanOrEqual(32 * 1024); // the probe's samples only
    const textRoot = makeTree(path.join(dir, 'text'), { 'index.js': 'x', 'media/text.txt': text(3_000_000, 2) });
    const tight = { streamMinBytes: 1, maxCompressedBytes: 10_000 };
    const deflated = await rejection(buildPackage({ root: textRoot }, tight));
    expect(deflated.message).toMatch(
      /^media\/text\.txt is 2\.9 MB \(3000000 bytes\) and compresses to more than 9\.8 KB; /u,
    );
  });

  it('a file over 4 GiB is refused before it is read, naming it and its size', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    writeFileSync(path.join(root, 'huge.bin'), '');
    truncateSync(path.join(root, 'huge.bin'), 5 * 1024 ** 3);
    const error = await rejection(selectEntries(root));
    expect(error.message).toBe(
      'huge.bin is 5368709120 bytes; a zip without ZIP64 stores files under 4 GiB, and FC takes at most 500 MB of zip.',
    );
  });
});
