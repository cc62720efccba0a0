// Large files are streamed: read in 1 MB chunks, CRC-32'd and deflated as they come, so a file is
// never held whole (a 1 GB file read whole peaked at 1.1 GB, and one over 2 GiB cannot be read into
// one Buffer at all). Only the compressed bytes are kept, as jszip needs an entry's bytes before its
// header; past what FC could take in any package (CODE_OSS_MAX_BYTES of zip) the file is refused,
// naming it, before more is held. The bytes equal the in-memory path's exactly: zlib's output does
// not depend on how its input is split, and the options and the STORE decision are the same.
import zlib from 'node:zlib';
import { CancelledError, UsageError } from '../core/errors.js';
import { CODE_OSS_MAX_BYTES } from '../fc/limits.js';
import { crc32Update } from './crc32.js';
import { IGNORE_FILE } from './ignore-rules.js';
import { escapePath } from './names.js';
import { DEFLATE_LEVEL, deflateOptions, PROBE_MIN_BYTES, PROBE_SAMPLE, type Prepared } from './prepare-queue.js';
import { OPEN_FLAGS, readFailure, realFs, type FsOps } from './read-file.js';
import { formatBytes as formatSize } from '../core/bytes.js';
import type { SelectedEntry } from './select.js';

/** Files at least this big are streamed; smaller ones are read whole (faster, and in parallel). */
export const STREAM_MIN_BYTES = 32 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface LargeOptions {
  level?: number;
  fs?: FsOps;
  signal?: AbortSignal;
  /** Compressed bytes beyond which the file is refused (tests lower it). */
  maxCompressedBytes?: number;
}

function tooLarge(entry: SelectedEntry, limit: number, compressed: boolean): UsageError {
  return new UsageError(
    `${escapePath(entry.path)} is ${formatSize(entry.size)} (${entry.size} bytes)` +
      `${compressed ? ' and compresses to' : ', does not compress, and is'} more than ${formatSize(limit)}; ` +
      `FC takes at most ${formatSize(CODE_OSS_MAX_BYTES)} of zip, even through OSS.`,
    `Leave it out with ${IGNORE_FILE}, or fetch it at run time (from OSS or a NAS mount) instead of packaging it.`,
  );
}

const changed = () => ({ fcwChanged: true });

/** Reads the file in chunks from the start, proving at the end that it is the one the scan saw. */
function* chunksOf(fs: FsOps, fd: number, entry: SelectedEntry, signal: AbortSignal | undefined): Generator<Buffer> {
  let offset = 0;
  for (;;) {
    // A large file takes seconds: a cancel is honoured between chunks, not only between files.
    if (signal?.aborted) throw new CancelledError('Packaging was cancelled.');
    // One byte more than expected is asked for at the end, so a file that grew is noticed.
    const want = Math.min(CHUNK_BYTES, entry.size + 1 - offset);
    const buffer = Buffer.allocUnsafe(want);
    const n = fs.readSync(fd, buffer, 0, want, offset);
    if (n === 0) break;
    offset += n;
    if (offset > entry.size) throw changed();
    yield n === want ? buffer : buffer.subarray(0, n);
  }
  if (offset !== entry.size) throw changed();
  const after = fs.fstatSync(fd);
  if (!after.isFile() || after.size !== entry.size || after.mtimeMs !== entry.mtimeMs) throw changed();
}

/** The same three samples and 2% rule as looksIncompressibleWith, read with pread instead of from a whole buffer. */
function looksIncompressibleOnDisk(fs: FsOps, fd: number, size: number): boolean {
  if (size < PROBE_MIN_BYTES) return false;
  const starts = [0, (size >> 1) - (PROBE_SAMPLE >> 1), size - PROBE_SAMPLE];
  const sample = Buffer.allocUnsafe(PROBE_SAMPLE);
  for (const start of starts) {
    const n = fs.readSync(fd, sample, 0, PROBE_SAMPLE, start);
    if (n !== PROBE_SAMPLE) throw changed();
    if (zlib.deflateRawSync(sample, { level: 1 }).length < sample.length * 0.98) return false;
  }
  return true;
}

function drainedOrClosed(stream: zlib.DeflateRaw): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

async function deflateChunks(
  fs: FsOps,
  fd: number,
  entry: SelectedEntry,
  options: { level: number; limit: number; signal: AbortSignal | undefined },
) {
  const { level, limit, signal } = options;
  const deflate = zlib.createDeflateRaw(deflateOptions(entry.size, level));
  const out: Buffer[] = [];
  let outBytes = 0;
  let failure: unknown;
  deflate.on('data', (chunk: Buffer) => {
    out.push(chunk);
    outBytes += chunk.length;
    if (outBytes > limit && failure === undefined) {
      failure = tooLarge(entry, limit, true);
      deflate.destroy();
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
    deflate.on('close', () => (failure === undefined ? undefined : reject(failure)));
  });
  // Awaited only on success; a failure is thrown from here, so the promise must not go unhandled.
  ended.catch(() => undefined);
  let crc = 0;
  try {
    for (const chunk of chunksOf(fs, fd, entry, signal)) {
      if (failure !== undefined) break;
      crc = crc32Update(chunk, crc);
      if (!deflate.write(chunk)) await drainedOrClosed(deflate);
    }
  } catch (error) {
    deflate.destroy();
    throw error;
  }
  if (failure !== undefined) throw failure;
  deflate.end();
  await ended;
  return { out, outBytes, crc };
}

function readStored(fs: FsOps, fd: number, entry: SelectedEntry, signal: AbortSignal | undefined): Prepared {
  const data: Buffer[] = [];
  let crc = 0;
  for (const chunk of chunksOf(fs, fd, entry, signal)) {
    crc = crc32Update(chunk, crc);
    data.push(chunk);
  }
  return { data, deflated: false, crc32: crc >>> 0, size: entry.size };
}

/** The file's zip entry (deflated, or stored when that is not larger), read and compressed in chunks. */
export async function prepareLarge(entry: SelectedEntry, options: LargeOptions = {}): Promise<Prepared> {
  const fs = options.fs ?? realFs;
  const limit = options.maxCompressedBytes ?? CODE_OSS_MAX_BYTES;
  let fd: number | undefined;
  try {
    fd = fs.openSync(entry.abs, OPEN_FLAGS);
    if (looksIncompressibleOnDisk(fs, fd, entry.size)) {
      // Stored as it is, so its size is known now: refused before it is read.
      if (entry.size > limit) throw tooLarge(entry, limit, false);
      return readStored(fs, fd, entry, options.signal);
    }
    const deflateWith = { level: options.level ?? DEFLATE_LEVEL, limit, signal: options.signal };
    const { out, outBytes, crc } = await deflateChunks(fs, fd, entry, deflateWith);
    if (outBytes < entry.size) return { data: out, deflated: true, crc32: crc >>> 0, size: entry.size };
    if (entry.size > limit) throw tooLarge(entry, limit, false);
    return readStored(fs, fd, entry, options.signal);
  } catch (error) {
    if (error instanceof UsageError || error instanceof CancelledError) throw error;
    throw readFailure(entry, error);
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // A read-only descriptor: closing cannot lose data.
      }
    }
  }
}
