// The JSON body of a call that carries a zip (CreateFunction, UpdateFunction), written in chunks:
// the JSON before the base64, the zip's base64 in slices, the JSON after it. It is never built as
// one string: for a 52 MB zip one string took 2.3x the time and 4x the memory, and a string
// cannot exceed V8's ~384 MiB limit. The bytes equal JSON.stringify of the same object exactly.
// The zip may be in memory or in a file (then it is read slice by slice, for the digest and again
// for the wire, so memory holds a slice, not the zip). The body's Content-MD5 is computed by a
// first pass over the same chunks (digest), which also checks the zip's CRC-64.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { base64Size } from '../core/bytes.js';
import { CancelledError, FailedError } from '../core/errors.js';
import { isZipOnDisk, zipByteLength, type ZipBytes, type ZipOnDisk } from '../core/zip-on-disk.js';
import { Crc64 } from '../package/crc64.js';

/**
 * Input bytes per base64 slice: a multiple of 3, so slices encode without padding in between, and
 * small enough that its base64 string (125 KB) is an ordinary young object in V8's heap, which dies
 * young and is collected as the upload goes. Larger strings are not: above Node's ~1 MB threshold
 * they are external (collected only after ~64 MB of such garbage piles up: 3 MB slices peaked ~90 MB
 * above the slices), above 128 KB they go to V8's large-object space, kept until a full collection.
 */
export const BASE64_SLICE_BYTES = 3 * 32_000;
/** A file is read this many slices at a time (fewer system calls). */
const SLICES_PER_READ = 16;
/**
 * Encoded slices handed to the socket, used in turn. The stream encodes its next slice only after
 * the socket took the previous one, so a buffer is reused seven slices after it was sent. (Were it
 * ever overwritten too early, the body would fail its Content-MD5 at the server, not go through.)
 */
const WIRE_BUFFERS = 8;

export interface ChunkedJsonBody {
  /** Exact byte length of the whole body, for Content-Length. */
  length: number;
  /** A fresh stream of the body each call (a retry needs a new one). */
  stream(): ReadableStream<Uint8Array>;
  /** All chunks in order, read synchronously (--dry-run, tests and small bodies). */
  chunks(): Iterable<Uint8Array>;
  /**
   * The first pass: the body's Content-MD5 and the zip's CRC-64, over the same chunks the stream
   * sends. It yields to the event loop between slices, so a spinner keeps turning and Ctrl-C
   * (`signal`) stops it at the next slice.
   */
  digest(signal?: AbortSignal): Promise<{ contentMd5: string; zipChecksum: string }>;
}

/** Base64 of the hex MD5 digest, as the official Node SDK sends Content-MD5 (see contentMd5). */
function md5Header(hash: ReturnType<typeof createHash>): string {
  return Buffer.from(hash.digest('hex'), 'utf8').toString('base64');
}

/**
 * The `Content-MD5` of a body given in chunks, as the official Node SDK (@alicloud/fc2) sends it:
 * base64 of the *hex* MD5 digest (`Buffer.from(md5hex).toString('base64')`, 44 characters), not
 * RFC 1864's base64 of the raw digest. The value is signed, so a captured signature cannot be
 * replayed with another body wherever the server checks the digest. Chunks are hashed one at a
 * time: a streamed body is encoded twice (once here, once on the wire) but never held whole.
 */
export function contentMd5(chunks: Iterable<Uint8Array>): string {
  const hash = createHash('md5');
  for (const chunk of chunks) hash.update(chunk);
  return md5Header(hash);
}

function changedOnDisk(zip: ZipOnDisk, what: string): FailedError {
  return new FailedError(
    `The zip ${zip.path} ${what} after it was built; nothing more was sent.`,
    'Deploy again: the package is built anew.',
  );
}

/** Opens the zip's file and checks its size (it is replaced only by rename, but disks fail). */
function openSyncChecked(zip: ZipOnDisk): number {
  const fd = openSync(zip.path, 'r');
  if (fstatSync(fd).size !== zip.size) {
    closeSync(fd);
    throw changedOnDisk(zip, 'changed size');
  }
  return fd;
}

async function openChecked(zip: ZipOnDisk): Promise<FileHandle> {
  const handle = await open(zip.path, 'r');
  if ((await handle.stat()).size !== zip.size) {
    await handle.close();
    throw changedOnDisk(zip, 'changed size');
  }
  return handle;
}

/** The zip's raw slices, read synchronously (memory: views; a file: one reused buffer). */
function* rawSlicesSync(zip: ZipBytes, sliceBytes: number): Generator<Buffer> {
  if (!isZipOnDisk(zip)) {
    const view = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; at < view.length; at += sliceBytes)
      yield view.subarray(at, Math.min(at + sliceBytes, view.length));
    return;
  }
  const fd = openSyncChecked(zip);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(sliceBytes * SLICES_PER_READ, Math.max(zip.size, 1)));
    for (let at = 0; at < zip.size;) {
      const want = Math.min(buffer.length, zip.size - at);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buffer, got, want - got, at + got);
        if (n === 0) throw changedOnDisk(zip, 'became shorter');
        got += n;
      }
      at += want;
      for (let from = 0; from < want; from += sliceBytes)
        yield buffer.subarray(from, Math.min(from + sliceBytes, want));
    }
  } finally {
    closeSync(fd);
  }
}

/** The same slices, read asynchronously, with a turn of the event loop between two. */
async function* rawSlices(zip: ZipBytes, sliceBytes: number): AsyncGenerator<Buffer> {
  if (!isZipOnDisk(zip)) {
    for (const slice of rawSlicesSync(zip, sliceBytes)) {
      yield slice;
      await nextTurn();
    }
    return;
  }
  const handle = await openChecked(zip);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(sliceBytes * SLICES_PER_READ, Math.max(zip.size, 1)));
    for (let at = 0; at < zip.size;) {
      const want = Math.min(buffer.length, zip.size - at);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, at + got);
        if (bytesRead === 0) throw changedOnDisk(zip, 'became shorter');
        got += bytesRead;
      }
      at += want;
      for (let from = 0; from < want; from += sliceBytes) {
        yield buffer.subarray(from, Math.min(from + sliceBytes, want));
        await nextTurn();
      }
    }
  } finally {
    await handle.close();
  }
}

/** The slice's base64 written into `out` (sized for a whole slice): no new Buffer per slice. */
function encodeInto(slice: Buffer, out: Buffer): Buffer {
  return out.subarray(0, out.write(slice.toString('base64'), 0, 'latin1'));
}

/**
 * `JSON.stringify({ ...fields, code: { zipFile: base64(zip) } })`, in chunks. `fields` must not
 * hold `code` (it is dropped: the code goes last so the base64 is the tail of the JSON).
 */
export function zipJsonBody(
  fields: Record<string, unknown>,
  zip: ZipBytes,
  sliceBytes: number = BASE64_SLICE_BYTES,
): ChunkedJsonBody {
  if (sliceBytes <= 0 || sliceBytes % 3 !== 0) throw new RangeError('sliceBytes must be a positive multiple of 3');
  const { code: _ignored, ...rest } = fields;
  // With an empty zipFile the JSON ends in `"zipFile":""}}`: cut it between the two quotes.
  const skeleton = JSON.stringify({ ...rest, code: { zipFile: '' } });
  const SUFFIX = '"}}';
  const prefix = Buffer.from(skeleton.slice(0, skeleton.length - SUFFIX.length), 'utf8');
  const suffix = Buffer.from(SUFFIX, 'utf8');

  const encodedBytes = base64Size(Math.min(sliceBytes, zipByteLength(zip)));

  function* chunks(): Generator<Uint8Array> {
    yield prefix;
    for (const slice of rawSlicesSync(zip, sliceBytes)) yield Buffer.from(slice.toString('base64'), 'latin1');
    yield suffix;
  }

  async function* wireChunks(): AsyncGenerator<Uint8Array> {
    yield prefix;
    const buffers = Array.from({ length: WIRE_BUFFERS }, () => Buffer.allocUnsafe(encodedBytes));
    let turn = 0;
    for await (const slice of rawSlices(zip, sliceBytes)) yield encodeInto(slice, buffers[turn++ % WIRE_BUFFERS]!);
    yield suffix;
  }

  return {
    length: prefix.length + base64Size(zipByteLength(zip)) + suffix.length,
    chunks,
    async digest(signal) {
      const md5 = createHash('md5').update(prefix);
      const crc = new Crc64();
      const encoded = Buffer.allocUnsafe(encodedBytes);
      for await (const slice of rawSlices(zip, sliceBytes)) {
        if (signal?.aborted) throw new CancelledError('Cancelled before the code was sent.');
        crc.update(slice);
        md5.update(encodeInto(slice, encoded));
      }
      md5.update(suffix);
      return { contentMd5: md5Header(md5), zipChecksum: crc.digest() };
    },
    stream() {
      const iterator = wireChunks();
      return new ReadableStream<Uint8Array>(
        {
          // Pull-based: the next slice is read and encoded only when the socket has taken the
          // previous one, so at most one slice of base64 is in memory at a time.
          async pull(controller) {
            const next = await iterator.next();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          },
          async cancel() {
            await iterator.return(undefined);
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}
