// Reads and compresses a package's files ahead of the zip writer, on both cores, in bounded memory.
// Used for small packages (below a few MB or 500 files, where starting worker threads costs more
// than it saves) and when tests inject fs calls; big packages go through worker-queue.ts.
//
// Why this shape: jszip's own deflate is single-threaded JavaScript (about 3.5x Info-ZIP's time).
// Node's zlib is native, and its async `deflateRaw` runs on libuv's threadpool, so compression can
// run beside the main thread without worker files. The writer consumes files strictly in zip order;
// this queue keeps the threadpool busy on the files just ahead (a window bounded in files and
// bytes, so at most a few MB of raw data is held), and while the writer waits for the file at the
// head, the main thread compresses the next not-yet-started file itself (synchronously), so both
// cores work. Reads are synchronous: on many small files `readFileSync`-style reads measured 2.2x
// faster than `fs.promises` (npm run bench:package).
//
// A file whose deflated form is not smaller than the original is stored (STORE), as zip does.
import zlib from 'node:zlib';
import { CancelledError } from '../core/errors.js';
import { crc32 } from './crc32.js';
import { readEntry, realFs, type FsOps } from './read-file.js';
import type { SelectedEntry } from './select.js';

/**
 * zlib level for every file: 6, like `zip -6` and zlib's default. Measured on the bench corpus
 * (150 MB, 20k files; a busy shared machine): level 5 gives a 0.2% bigger zip for ~8% less CPU,
 * level 4 a 0.4% bigger zip (still 1% smaller than Info-ZIP's -6) for ~15% less CPU.
 */
export const DEFLATE_LEVEL = 6;

export interface Prepared {
  /**
   * The bytes that go into the zip: deflated, or the original when that is not larger. In chunks
   * for a streamed large file (read-large.ts).
   */
  data: Buffer | readonly Buffer[];
  deflated: boolean;
  crc32: number;
  size: number;
}

export interface QueueOptions {
  /** Jobs on the threadpool at once (libuv's pool has 4 threads by default). */
  maxInFlight?: number;
  /** Raw bytes read ahead of the writer and not yet handed to it. */
  maxAheadBytes?: number;
  maxAheadFiles?: number;
  /** Files smaller than this are compressed on the main thread (default 32 KB). */
  asyncMinBytes?: number;
  /** zlib level (default DEFLATE_LEVEL). */
  level?: number;
  fs?: FsOps;
  signal?: AbortSignal;
  /** Called after each file is handed to the writer. */
  onTaken?: (entry: SelectedEntry) => void;
}

/**
 * zlib's options for `size` bytes. A window no larger than the input makes small files cheaper to
 * set up. The output buffer holds the whole result (deflate never grows data by more than a few
 * bytes per 16 KB block), so an async job is one threadpool task: with zlib's default 16 KB chunks
 * the pool hands back to the main thread after every 16 KB of output and stalls whenever the main
 * thread is busy.
 */
export function deflateOptions(size: number, level: number): zlib.ZlibOptions {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(size + 1))));
  // The hash table scales with memLevel (128 KB at 8, cleared on every set-up); a small input
  // needs no more buckets than its window has positions.
  const memLevel = Math.min(8, Math.max(1, windowBits - 6));
  const chunkSize = Math.max(1024, size + (size >>> 8) + 64);
  return { level, windowBits, memLevel, chunkSize };
}

/** Files at least this big are probed before deflating; smaller ones are cheap to just try. */
export const PROBE_MIN_BYTES = 128 * 1024;
export const PROBE_SAMPLE = 32 * 1024;

/**
 * True when three samples (start, middle, end) do not shrink even by 2% at level 1: already
 * compressed data (images, archives, fonts, random). zlib spends as long on such bytes as on text
 * (about 50 MB/s) only to produce stored blocks, so these go in as STORE without the full deflate,
 * which is what the full deflate would have ended in anyway. A file with compressible parts passes
 * at least one sample and is deflated. Self-contained (zlib passed in): the workers run it too.
 */
export function looksIncompressibleWith(z: typeof zlib, raw: Buffer, minBytes: number, sampleBytes: number): boolean {
  if (raw.length < minBytes) return false;
  const starts = [0, (raw.length >> 1) - (sampleBytes >> 1), raw.length - sampleBytes];
  for (const start of starts) {
    const sample = raw.subarray(start, start + sampleBytes);
    if (z.deflateRawSync(sample, { level: 1 }).length < sample.length * 0.98) return false;
  }
  return true;
}

export function looksIncompressible(raw: Buffer): boolean {
  return looksIncompressibleWith(zlib, raw, PROBE_MIN_BYTES, PROBE_SAMPLE);
}

function stored(raw: Buffer, crc: number): Prepared {
  return { data: raw, deflated: false, crc32: crc, size: raw.length };
}

function finish(raw: Buffer, deflated: Buffer, crc: number): Prepared {
  return deflated.length < raw.length
    ? { data: deflated, deflated: true, crc32: crc, size: raw.length }
    : { data: raw, deflated: false, crc32: crc, size: raw.length };
}

/** One file's zip entry from its bytes, on this thread: what either queue would give for them. */
export function prepareSync(raw: Buffer, level: number = DEFLATE_LEVEL): Prepared {
  const crc = crc32(raw);
  if (looksIncompressible(raw)) return stored(raw, crc);
  return finish(raw, zlib.deflateRawSync(raw, deflateOptions(raw.length, level)), crc);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Slot {
  started: boolean;
  settled: boolean;
  promise?: Promise<Prepared>;
  result?: Prepared;
  error?: unknown;
}

export class PrepareQueue {
  private readonly slots: Slot[];
  /** The next file the writer takes. */
  private head = 0;
  /** No file before this one is waiting to be started (sync side). */
  private syncCursor = 0;
  /** No threadpool-sized file before this one is waiting to be started (async side). */
  private asyncCursor = 0;
  private inFlight = 0;
  private aheadBytes = 0;
  private failure: unknown;
  private readonly maxInFlight: number;
  private readonly maxAheadBytes: number;
  private readonly maxAheadFiles: number;
  private readonly asyncMinBytes: number;
  private readonly level: number;
  private readonly fs: FsOps;

  constructor(
    private readonly jobs: SelectedEntry[],
    private readonly options: QueueOptions = {},
  ) {
    this.slots = jobs.map(() => ({ started: false, settled: false }));
    this.maxInFlight = options.maxInFlight ?? 3;
    this.maxAheadBytes = options.maxAheadBytes ?? 32 * 1024 * 1024;
    this.maxAheadFiles = options.maxAheadFiles ?? 512;
    this.asyncMinBytes = options.asyncMinBytes ?? 32 * 1024;
    this.level = options.level ?? DEFLATE_LEVEL;
    this.fs = options.fs ?? realFs;
  }

  get length(): number {
    return this.jobs.length;
  }

  /** Starts threadpool jobs for the files just ahead, within the window. */
  start(): void {
    this.pump();
  }

  private inWindow(index: number): boolean {
    if (index >= this.jobs.length || this.failure !== undefined) return false;
    if (index === this.head) return true;
    return index - this.head < this.maxAheadFiles && this.aheadBytes + this.jobs[index]!.size <= this.maxAheadBytes;
  }

  /** The next not-yet-started file at or after `from` that satisfies `want`, within the window. */
  private nextIdle(from: number, want: (index: number) => boolean): number | undefined {
    for (let i = Math.max(from, this.head); i < this.jobs.length && i - this.head < this.maxAheadFiles; i++) {
      if (this.slots[i]!.started || !want(i)) continue;
      return this.inWindow(i) ? i : undefined;
    }
    return undefined;
  }

  /**
   * Threadpool jobs go to files of at least asyncMinBytes: for small files the cost of handing a
   * job to the pool (a zlib stream, its state set up on the main thread) is close to compressing
   * them, so the main thread does those itself while the pool works on the big ones.
   */
  private pump(): void {
    while (this.inFlight < this.maxInFlight) {
      const i = this.nextIdle(this.asyncCursor, (j) => this.jobs[j]!.size >= this.asyncMinBytes);
      if (i === undefined) return;
      this.asyncCursor = i + 1;
      this.startAsync(i);
    }
  }

  private settle(index: number, result: Prepared | undefined, error?: unknown): void {
    const slot = this.slots[index]!;
    slot.settled = true;
    if (error !== undefined) {
      slot.error = error;
      this.failure ??= error;
    } else {
      slot.result = result;
    }
  }

  /** Reads, checksums and probes on the main thread; returns the raw bytes to deflate, or settles. */
  private readAndProbe(index: number): { raw: Buffer; crc: number } | undefined {
    const entry = this.jobs[index]!;
    this.slots[index]!.started = true;
    this.aheadBytes += entry.size;
    try {
      const raw = readEntry(entry, this.fs);
      const crc = crc32(raw);
      if (looksIncompressible(raw)) {
        this.settle(index, stored(raw, crc));
        return undefined;
      }
      return { raw, crc };
    } catch (error) {
      this.settle(index, undefined, error);
      return undefined;
    }
  }

  private startAsync(index: number): void {
    const slot = this.slots[index]!;
    const input = this.readAndProbe(index);
    if (!input) return;
    const { raw, crc } = input;
    this.inFlight++;
    slot.promise = new Promise<Prepared>((resolve) => {
      zlib.deflateRaw(raw, deflateOptions(raw.length, this.level), (error, deflated) => {
        this.inFlight--;
        if (error) this.settle(index, undefined, error);
        else this.settle(index, finish(raw, deflated, crc));
        resolve(slot.result!); // the taker reads the slot; errors are reported from it
        this.pump();
      });
    });
  }

  /** Reads and compresses on the main thread. */
  private runSync(index: number): void {
    const input = this.readAndProbe(index);
    if (!input) return;
    try {
      const deflated = zlib.deflateRawSync(input.raw, deflateOptions(input.raw.length, this.level));
      this.settle(index, finish(input.raw, deflated, input.crc));
    } catch (error) {
      this.settle(index, undefined, error);
    }
  }

  /** Fails fast: a bad file anywhere in the window stops the whole package. */
  private checkFailure(): void {
    if (this.options.signal?.aborted) this.failure ??= new CancelledError('Packaging was cancelled.');
    if (this.failure !== undefined) throw this.failure;
  }

  /** The prepared file at `index`; the writer takes them in order, each once. */
  async take(index: number): Promise<Prepared> {
    if (index !== this.head) throw new Error(`PrepareQueue: asked for file ${index}, expected ${this.head}`);
    const slot = this.slots[index]!;
    for (;;) {
      this.checkFailure();
      if (slot.settled) break;
      if (!slot.started) {
        this.runSync(index);
        break;
      }
      // The head is on the pool: compress the next waiting file here meanwhile, then let the
      // pool's callbacks run; or, with nothing to do, wait for the head.
      const j = this.nextIdle(this.syncCursor, () => true);
      if (j !== undefined) {
        this.syncCursor = j + 1;
        this.runSync(j);
        this.pump();
        await yieldToEventLoop();
        continue;
      }
      await slot.promise;
    }
    this.checkFailure();
    const result = slot.result!;
    slot.result = undefined;
    slot.promise = undefined;
    this.aheadBytes -= this.jobs[index]!.size;
    this.head++;
    this.options.onTaken?.(this.jobs[index]!);
    this.pump();
    return result;
  }
}
