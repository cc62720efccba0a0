// Writes the zip with jszip (the user's choice of writer) from entries already selected and sorted,
// deterministically: a fixed date on every entry, Unix modes with `platform: 'UNIX'`, entries in
// the given order, no folders invented by jszip. The CRC-64 of the zip is computed from jszip's
// output chunks as they are produced, not in a second pass over the finished zip.
//
// Speed: jszip does not compress here. Each file goes into jszip as a subclass of jszip's internal
// `CompressedObject` whose bytes, CRC-32 and sizes come from Node's native zlib (PrepareQueue), so
// jszip only frames them. Its worker resolves lazily, when jszip reaches that file, so compression
// runs ahead of the writer on both cores while the writer streams. jszip is pinned to exactly
// 3.10.2 (package.json) for these internals; on any other version we fall back to jszip's own
// deflate: slower, still correct. test/unit/package-zip.test.ts unzips with Info-ZIP and jszip and
// compares the trees.
import { writeSync } from 'node:fs';
import JSZip from 'jszip';
import CompressedObject from 'jszip/lib/compressedObject.js';
import { DEFLATE, STORE } from 'jszip/lib/compressions.js';
import GenericWorker from 'jszip/lib/stream/GenericWorker.js';
import { CODE_OSS_MAX_BYTES } from '../fc/limits.js';
import { CancelledError } from '../core/errors.js';
import { Crc64 } from './crc64.js';
import { DEFLATE_LEVEL, PrepareQueue, type Prepared, type QueueOptions } from './prepare-queue.js';
import { WorkerQueue, workersAvailable } from './worker-queue.js';
import { readEntry } from './read-file.js';
import { prepareLarge, STREAM_MIN_BYTES } from './read-large.js';
import type { SelectedEntry } from './select.js';
import { CentralDirectory, RawCopier, type RawSource } from './zip-splice.js';
import type { IndexedEntry } from './zip-index.js';

/** Every entry's date. DOS dates start in 1980; a later fixed date survives any time zone shift. */
export const FIXED_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/** The jszip version whose internals the native path relies on. */
export const JSZIP_INTERNALS_VERSION = '3.10.2';

export function nativePathAvailable(): boolean {
  return (JSZip as unknown as { version?: string }).version === JSZIP_INTERNALS_VERSION;
}

/**
 * Hands jszip one prepared file when jszip asks for it (when the zip reaches it), then ends.
 * Sets the sizes, CRC-32 and method on its stream info first, which is where ZipFileWorker reads
 * them when it writes the headers.
 */
class PreparedWorker extends GenericWorker {
  private started = false;
  private pending: Prepared | undefined;

  constructor(private readonly load: () => Promise<Prepared>) {
    super('FcwPreparedWorker');
  }

  override resume(): boolean {
    if (!super.resume()) return false;
    if (!this.started) {
      this.started = true;
      this.load().then(
        (prepared) => this.deliver(prepared),
        (error: unknown) => this.error(error),
      );
    } else if (this.pending) {
      this.deliver(this.pending);
    }
    return true;
  }

  private deliver(prepared: Prepared): void {
    if (this.isFinished) return;
    if (this.isPaused) {
      this.pending = prepared;
      return;
    }
    this.pending = undefined;
    const chunks = Buffer.isBuffer(prepared.data) ? [prepared.data] : prepared.data;
    this.streamInfo.crc32 = prepared.crc32;
    this.streamInfo.compressedSize = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    this.streamInfo.uncompressedSize = prepared.size;
    this.streamInfo.compression = prepared.deflated ? DEFLATE : STORE;
    for (const chunk of chunks) this.push({ data: chunk, meta: { percent: 100 } });
    this.end();
  }
}

/** Either queue: files prepared in order, taken once each. */
interface FileQueue {
  start(): void;
  take(index: number): Promise<Prepared>;
  close?(): Promise<void>;
}

/** Below this much work, starting worker threads (tens of ms) costs more than it saves. */
const WORKERS_MIN_BYTES = 4 * 1024 * 1024;
const WORKERS_MIN_FILES = 500;

/** jszip's compressed-object, but with the bytes still to come (from a queue, or a streamed read). */
class PreparedObject extends CompressedObject {
  constructor(
    private readonly load: () => Promise<Prepared>,
    size: number,
  ) {
    // compressedSize and crc32 are unknown until the bytes are delivered; the worker supplies them.
    super(0, size, 0, DEFLATE, null);
  }

  override getCompressedWorker(): GenericWorker {
    return new PreparedWorker(this.load);
  }
}

/** An upper bound of the zip's size, so the output buffer is allocated once (pages are touched only as written). */
export function zipSizeBound(entries: SelectedEntry[]): number {
  let total = 22; // end of central directory, no comment
  for (const entry of entries) {
    const name = Buffer.byteLength(entry.path) + (entry.kind === 'dir' ? 1 : 0);
    // Local header 30 + central header 46, the name twice, and jszip's Unicode path extra field
    // (4 + 1 + 4 + name) twice when the name is not ASCII. Data: never more than the original.
    total += 76 + 2 * name + 2 * (9 + name) + entry.size;
  }
  return total;
}

/** Where the zip's bytes go as jszip produces them. */
export interface ZipSink {
  /** Must be done with `chunk` when it returns: the writer reuses its buffers. */
  write(chunk: Uint8Array): void;
  /** Called once after the last chunk; returns the zip when the sink keeps it in memory. */
  close(): Buffer | undefined;
}

/** Keeps the zip in one buffer sized by the bound (pages are touched only as they are written). */
export class MemorySink implements ZipSink {
  private buffer: Buffer;
  private written = 0;

  constructor(bound: number) {
    this.buffer = Buffer.allocUnsafe(bound);
  }

  write(chunk: Uint8Array): void {
    if (this.written + chunk.length > this.buffer.length) {
      // Not expected (the bound is an upper bound); grow rather than fail.
      const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.written + chunk.length));
      this.buffer.copy(bigger, 0, 0, this.written);
      this.buffer = bigger;
    }
    this.buffer.set(chunk, this.written);
    this.written += chunk.length;
  }

  close(): Buffer {
    return this.buffer.subarray(0, this.written);
  }
}

/**
 * A MemorySink for these entries. The bound counts every file whole; a package FC takes is at most
 * CODE_OSS_MAX_BYTES, so a tree of large but compressible files (a sparse 2 GB file, say) starts
 * smaller and grows if needed.
 */
export function memorySinkFor(entries: SelectedEntry[]): MemorySink {
  return new MemorySink(Math.min(zipSizeBound(entries), CODE_OSS_MAX_BYTES + 1024 * 1024));
}

/** Writes the zip to an open file descriptor through a 1 MB staging buffer (`fcw package --out`). */
export class FileSink implements ZipSink {
  private readonly staging = Buffer.allocUnsafe(1024 * 1024);
  private staged = 0;

  constructor(private readonly fd: number) {}

  write(chunk: Uint8Array): void {
    if (this.staged + chunk.length > this.staging.length) this.flush();
    if (chunk.length >= this.staging.length) {
      writeFully(this.fd, chunk);
      return;
    }
    this.staging.set(chunk, this.staged);
    this.staged += chunk.length;
  }

  private flush(): void {
    if (this.staged > 0) writeFully(this.fd, this.staging.subarray(0, this.staged));
    this.staged = 0;
  }

  close(): undefined {
    this.flush();
    return undefined;
  }
}

function writeFully(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Writes every chunk to two sinks (the build's own and the package cache's file). */
export class TeeSink implements ZipSink {
  constructor(
    private readonly first: ZipSink,
    private readonly second: ZipSink,
  ) {}
  write(chunk: Uint8Array): void {
    this.first.write(chunk);
    this.second.write(chunk);
  }
  close(): Buffer | undefined {
    this.second.close();
    return this.first.close();
  }
}

/** Keeps nothing: for a report that needs only the size and checksum. */
export class DiscardSink implements ZipSink {
  write(): void {}
  close(): undefined {
    return undefined;
  }
}

/** Counts, checksums and forwards the bytes: the CRC-64 is computed on the stream, never on the finished zip. */
class ChecksumTap {
  readonly crc = new Crc64();
  bytes = 0;
  constructor(private readonly sink: ZipSink) {}
  write(chunk: Uint8Array): void {
    this.crc.update(chunk);
    this.bytes += chunk.length;
    this.sink.write(chunk);
  }
}

/**
 * jszip's ZipFileWorker takes its next file with `Array.prototype.shift` on the list of all files,
 * O(n) each, so O(n²) in all: 0.3 s at 24k entries, over 2 s at 65k. Its only other uses of the
 * list are `push` (all done by now), `length`, and loops over every element (order irrelevant), so
 * the list is reversed and `shift` becomes an O(1) `pop`.
 */
function avoidQuadraticShift(zipWorker: { _sources?: unknown }): void {
  const sources = zipWorker._sources;
  if (!Array.isArray(sources)) return;
  const reversed = sources.slice().reverse() as unknown[] & { shift: () => unknown };
  reversed.shift = function shift(this: unknown[]) {
    return Array.prototype.pop.call(this);
  };
  zipWorker._sources = reversed;
}

/**
 * jszip keeps each central-directory record, until the end, as a "binary string" built by
 * concatenation: a tree of a dozen small strings per file (about 1 KB of heap each, 20+ MB for a
 * node_modules, traced by every garbage collection). Stored as the bytes they stand for instead
 * (latin1 maps each char to its byte), they take ~100 bytes each; jszip's flush pushes them as
 * chunks like any other, and Buffers are valid chunks.
 */
function compactDirRecords(zipWorker: { dirRecords?: unknown }): void {
  const records = zipWorker.dirRecords;
  if (!Array.isArray(records) || records.length > 0) return;
  (records as unknown[] & { push: (r: unknown) => number }).push = function push(this: unknown[], record: unknown) {
    return Array.prototype.push.call(this, typeof record === 'string' ? Buffer.from(record, 'latin1') : record);
  };
}

/** jszip's ZipFileWorker behind a generate stream (3.10.2: the stream's worker's `previous`). */
function zipFileWorkerOf(stream: unknown): Record<string, unknown> | undefined {
  const worker = (stream as { _worker?: { previous?: unknown } })._worker?.previous;
  return worker && typeof worker === 'object' && 'dirRecords' in worker && '_sources' in worker
    ? (worker as Record<string, unknown>)
    : undefined;
}

/** A PreparedObject as jszip's file() takes it (jszip sees a compressed object and asks it for a worker). */
function lazyBytes(load: () => Promise<Prepared>, size: number): Uint8Array {
  return new PreparedObject(load, size) as unknown as Uint8Array;
}

/** Files this large are read and deflated in chunks when jszip reaches them, not through the queues. */
function streamed(entry: SelectedEntry, options: WriteZipOptions): boolean {
  return entry.kind === 'file' && entry.size >= (options.streamMinBytes ?? STREAM_MIN_BYTES);
}

/**
 * Entries the previous zip (the package cache) already holds: copied from it as they are, local
 * header and data, never read, compressed or framed by jszip.
 */
export interface ReusedEntries extends RawSource {
  /** Where `entry`'s bytes are in the previous zip, when they can be copied as they are. */
  rawEntry(entry: SelectedEntry): IndexedEntry | undefined;
}

/**
 * Entries per jszip archive. jszip keeps several objects per entry (its file object, workers,
 * stream info, the central record as a string) until its archive is finished: about 4 KB each,
 * 46 MB for 11,500 entries in one archive. Framed in batches, only one batch's are alive.
 */
export const BATCH_ENTRIES = 256;
/** ... and at most about this many bytes of files per batch (a batch's progress and cancel points). */
export const BATCH_BYTES = 16 * 1024 * 1024;

export interface WriteZipOptions extends Omit<QueueOptions, 'onTaken'> {
  reuse?: ReusedEntries;
  /**
   * Entries per jszip batch (default BATCH_ENTRIES). Infinity frames the whole zip in one jszip
   * archive ended by jszip itself (what fcw did before batches; tests compare the two), and
   * reuses nothing.
   */
  batchEntries?: number;
  /** Files streamed through deflate from this size (default STREAM_MIN_BYTES; tests lower it). */
  streamMinBytes?: number;
  /** A streamed file compressing to more than this is refused (default: FC's OSS limit). */
  maxCompressedBytes?: number;
  /** Default: a MemorySink sized for these entries. */
  sink?: ZipSink;
  onFileDone?: (entry: SelectedEntry) => void;
  /** Force jszip's own deflate (tests compare the two paths). */
  useJszipDeflate?: boolean;
  /** Worker threads: by default for big packages when no fs is injected; false forces the threadpool queue. */
  useWorkers?: boolean;
  workers?: number;
}

export interface ZipOutput {
  /** The zip, when the sink keeps it in memory. */
  zip: Buffer | undefined;
  zipBytes: number;
  checksum: string;
}

/**
 * The order jszip writes entries in: it keeps them in a plain object, whose keys that are array
 * indices ("9", "10": a top-level file named by a number) come first, in numeric order, before
 * the others in insertion order. A batched zip must follow it to be the same bytes as one archive.
 */
export function inJszipOrder(entries: SelectedEntry[]): SelectedEntry[] {
  const isIndex = (e: SelectedEntry) =>
    e.kind !== 'dir' && /^(0|[1-9][0-9]{0,9})$/.test(e.path) && Number(e.path) < 2 ** 32 - 1;
  const indices = entries.filter(isIndex);
  if (indices.length === 0) return entries;
  indices.sort((a, b) => Number(a.path) - Number(b.path));
  return [...indices, ...entries.filter((e) => !isIndex(e))];
}

export async function writeZip(entries: SelectedEntry[], options: WriteZipOptions = {}): Promise<ZipOutput> {
  const native = !options.useJszipDeflate && nativePathAvailable();
  const batchEntries = options.batchEntries ?? BATCH_ENTRIES;
  const batched = native && Number.isFinite(batchEntries);
  // Also for one archive: the queues hand files over in the order jszip asks for them.
  const ordered = inJszipOrder(entries);
  const reuse = batched ? options.reuse : undefined;
  // An empty file is still opened (it proves it exists, is readable and is still empty): framed by jszip.
  const raw = reuse && ordered.map((e) => (e.kind === 'file' && e.size === 0 ? undefined : reuse.rawEntry(e)));
  // Streamed and reused files are not read by the queues: jszip asks for streamed ones when it reaches them.
  const queued = (e: SelectedEntry, i: number) =>
    e.kind === 'file' && e.size > 0 && !streamed(e, options) && raw?.[i] === undefined;
  const jobs = native ? ordered.filter(queued) : [];
  const jobBytes = jobs.reduce((sum, e) => sum + e.size, 0);
  const workers =
    options.useWorkers ??
    (options.fs === undefined &&
      workersAvailable() &&
      (jobBytes >= WORKERS_MIN_BYTES || jobs.length >= WORKERS_MIN_FILES));
  const queue: FileQueue = workers
    ? new WorkerQueue(jobs, { ...options, onTaken: options.onFileDone })
    : new PrepareQueue(jobs, { ...options, onTaken: options.onFileDone });
  // Start compressing now: framing the first entries takes a while, and the workers can fill
  // their window meanwhile.
  queue.start();
  const sink = options.sink ?? memorySinkFor(entries);
  const tap = new ChecksumTap(sink);
  const adder = new EntryAdder(options, native, queue);
  try {
    if (batched) await writeBatched(ordered, raw, batchEntries, options, adder, tap);
    else {
      const archive = new JSZip();
      for (const entry of ordered) adder.add(archive, entry);
      await generate(archive, native, tap);
    }
  } finally {
    await queue.close?.();
  }
  const zip = sink.close();
  return { zip, zipBytes: tap.bytes, checksum: tap.crc.digest() };
}

/**
 * The zip as a sequence of pieces: runs of reused entries copied raw from the previous zip, and
 * batches of the others, each framed by its own jszip archive whose offsets start where the zip
 * is; then the central directory of all of them and the end record (zip-splice.ts says why).
 * The bytes are those of one jszip archive of all the entries.
 */
async function writeBatched(
  ordered: SelectedEntry[],
  raw: (IndexedEntry | undefined)[] | undefined,
  batchEntries: number,
  options: WriteZipOptions,
  adder: EntryAdder,
  tap: ChecksumTap,
): Promise<void> {
  const directory = new CentralDirectory();
  const copier = options.reuse && raw?.some((r) => r !== undefined) ? new RawCopier(options.reuse) : undefined;
  const write = (chunk: Uint8Array) => tap.write(chunk);
  let i = 0;
  while (i < ordered.length) {
    if (options.signal?.aborted) throw new CancelledError('Packaging was cancelled.');
    let j = i;
    if (copier && raw?.[i]) {
      // Copied synchronously, so in runs as long as a batch, with a turn of the event loop after
      // each: progress is drawn and a cancel is seen while a large tree is copied.
      let bytes = 0;
      while (j < ordered.length && raw[j] && j - i < batchEntries && (j === i || bytes < BATCH_BYTES)) {
        bytes += raw[j]!.localLength + raw[j]!.compressedSize;
        j++;
      }
      copier.copy(raw.slice(i, j) as IndexedEntry[], tap.bytes, write, directory);
      for (let k = i; k < j; k++) if (ordered[k]!.kind !== 'dir') options.onFileDone?.(ordered[k]!);
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else {
      const archive = new JSZip();
      let bytes = 0;
      while (j < ordered.length && !raw?.[j] && j - i < batchEntries && (j === i || bytes < BATCH_BYTES)) {
        bytes += ordered[j]!.size;
        adder.add(archive, ordered[j]!);
        j++;
      }
      await generate(archive, true, tap, { offset: tap.bytes, directory });
    }
    i = j;
  }
  directory.writeTo(write, tap.bytes);
}

/** Adds entries to a jszip archive, each as jszip will ask for its bytes: queued, streamed, or read now. */
class EntryAdder {
  private jobIndex = 0;

  constructor(
    private readonly options: WriteZipOptions,
    private readonly native: boolean,
    private readonly queue: FileQueue,
  ) {}

  add(archive: JSZip, entry: SelectedEntry): void {
    const { options, native, queue } = this;
    const common = { date: FIXED_DATE, unixPermissions: entry.mode, createFolders: false, binary: true };
    if (entry.kind === 'dir') {
      archive.file(`${entry.path}/`, null, { ...common, dir: true });
    } else if (entry.kind === 'symlink') {
      // Info-ZIP's convention: a symlink is an entry with S_IFLNK in its mode and the target as its data.
      archive.file(entry.path, Buffer.from(entry.target!, 'utf8'), { ...common, compression: 'STORE' });
      options.onFileDone?.(entry);
    } else if (entry.size === 0) {
      readEntry(entry, options.fs); // still proves it exists, is readable and is still empty
      archive.file(entry.path, '', { ...common, compression: 'STORE' });
      options.onFileDone?.(entry);
    } else if (native && streamed(entry, options)) {
      const load = async () => {
        if (options.signal?.aborted) throw new CancelledError('Packaging was cancelled.');
        const { level, fs, maxCompressedBytes, signal } = options;
        const prepared = await prepareLarge(entry, { level, fs, maxCompressedBytes, signal });
        options.onFileDone?.(entry);
        return prepared;
      };
      archive.file(entry.path, lazyBytes(load, entry.size), { ...common, compression: 'DEFLATE' });
    } else if (native) {
      const index = this.jobIndex++;
      archive.file(
        entry.path,
        lazyBytes(() => queue.take(index), entry.size),
        { ...common, compression: 'DEFLATE' },
      );
    } else {
      archive.file(entry.path, readEntry(entry, options.fs), {
        ...common,
        compression: 'DEFLATE',
        compressionOptions: { level: options.level ?? DEFLATE_LEVEL },
      });
      options.onFileDone?.(entry);
    }
  }
}

/** Where a batch's zip starts, and where its central records go instead of its own end. */
interface Splice {
  offset: number;
  directory: CentralDirectory;
}

function generate(archive: JSZip, native: boolean, tap: ChecksumTap, splice?: Splice): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = archive.generateInternalStream({
      type: 'nodebuffer',
      platform: 'UNIX',
      compression: 'DEFLATE',
      streamFiles: false,
    });
    const zipWorker = native ? zipFileWorkerOf(stream) : undefined;
    if (splice) {
      if (!zipWorker) throw new Error(`jszip ${JSZIP_INTERNALS_VERSION}'s ZipFileWorker was not found`);
      // Each entry's local-header offset is computed from bytesWritten (its openedSource), so
      // starting there puts this batch's offsets where its bytes will be in the whole zip.
      zipWorker.bytesWritten = splice.offset;
      // Its flush writes the central records and an end record for this batch alone: instead,
      // hand the records over (the writer ends the zip once, after every batch).
      zipWorker.flush = function flush(this: { dirRecords: (string | Uint8Array)[] }) {
        for (const record of this.dirRecords) splice.directory.add(record);
      };
    } else if (zipWorker) {
      avoidQuadraticShift(zipWorker);
      compactDirRecords(zipWorker);
    }
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.pause();
      reject(error);
    };
    stream
      .on('data', (chunk: Uint8Array) => {
        if (failed) return;
        try {
          tap.write(chunk);
        } catch (error) {
          fail(error); // a full disk, say: stop jszip and report it
        }
      })
      .on('error', fail)
      .on('end', () => resolve())
      .resume();
  });
}
