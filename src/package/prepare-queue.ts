// Reads and compresses a package's files ahead of the zip writer, on both cores, in bounded memory.
//
// Why this shape: jszip's own deflate is single-threaded JavaScript (about 3.5x Info-ZIP's time).
// Node's zlib is native, and its async `deflateRaw` runs on libuv's threadpool, so compression can
// run beside the main thread without worker files. The writer consumes files strictly in zip order;
// this queue keeps the threadpool busy on the files just ahead (a window bounded in files and
// bytes, so at most a few MB of raw data is held), and while the writer waits for the file at the
// head, the main thread compresses the next not-yet-started file itself (synchronously), so both
// cores work. Reads are synchronous: on many small files `readFileSync`-style reads measured 2.2x
// faster than `fs.promises` (issue 4).
//
// A file whose deflated form is not smaller than the original is stored (STORE), as zip does.
import zlib from 'node:zlib';
import { CancelledError } from '../cli/errors.js';
import { crc32 } from './crc32.js';
import { readEntry, realFs, type FsOps } from './read-file.js';
import type { SelectedEntry } from './select.js';

export interface Prepared {
  /** The bytes that go into the zip: deflated, or the original when that is not larger. */
  data: Buffer;
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
  /** zlib level; 6 is zlib's and Info-ZIP's default. */
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
  const chunkSize = Math.max(1024, size + (size >>> 8) + 64);
  return { level, windowBits, chunkSize };
}

function finish(raw: Buffer, deflated: Buffer, crc: number): Prepared {
  return deflated.length < raw.length
    ? { data: deflated, deflated: true, crc32: crc, size: raw.length }
    : { data: raw, deflated: false, crc32: crc, size: raw.length };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Slot {
  promise?: Promise<Prepared>;
  result?: Prepared;
  error?: unknown;
  settled: boolean;
}

export class PrepareQueue {
  private readonly slots: Slot[];
  private nextStart = 0;
  private head = 0;
  private inFlight = 0;
  private aheadBytes = 0;
  private failure: unknown;
  private readonly maxInFlight: number;
  private readonly maxAheadBytes: number;
  private readonly maxAheadFiles: number;
  private readonly level: number;
  private readonly fs: FsOps;

  constructor(private readonly jobs: SelectedEntry[], private readonly options: QueueOptions = {}) {
    this.slots = jobs.map(() => ({ settled: false }));
    this.maxInFlight = options.maxInFlight ?? 3;
    this.maxAheadBytes = options.maxAheadBytes ?? 32 * 1024 * 1024;
    this.maxAheadFiles = options.maxAheadFiles ?? 256;
    this.level = options.level ?? 6;
    this.fs = options.fs ?? realFs;
  }

  get length(): number {
    return this.jobs.length;
  }

  /** Starts threadpool jobs for the files just ahead, within the window. */
  start(): void {
    this.pump();
  }

  private mayStart(index: number): boolean {
    if (index >= this.jobs.length || this.failure !== undefined) return false;
    if (index === this.head) return true;
    return index - this.head < this.maxAheadFiles && this.aheadBytes + this.jobs[index]!.size <= this.maxAheadBytes;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.mayStart(this.nextStart)) {
      this.startAsync(this.nextStart++);
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

  private startAsync(index: number): void {
    const entry = this.jobs[index]!;
    const slot = this.slots[index]!;
    this.aheadBytes += entry.size;
    let raw: Buffer;
    let crc: number;
    try {
      raw = readEntry(entry, this.fs);
      crc = crc32(raw);
    } catch (error) {
      this.settle(index, undefined, error);
      slot.promise = Promise.reject(error);
      slot.promise.catch(() => undefined);
      return;
    }
    this.inFlight++;
    slot.promise = new Promise<Prepared>((resolve, reject) => {
      zlib.deflateRaw(raw, deflateOptions(raw.length, this.level), (error, deflated) => {
        this.inFlight--;
        if (error) {
          this.settle(index, undefined, error);
          reject(error);
        } else {
          const result = finish(raw, deflated, crc);
          this.settle(index, result);
          resolve(result);
        }
        this.pump();
      });
    });
    slot.promise.catch(() => undefined);
  }

  /** Reads and compresses on the main thread (used when the main thread would otherwise wait). */
  private runSync(index: number): void {
    const entry = this.jobs[index]!;
    this.aheadBytes += entry.size;
    try {
      const raw = readEntry(entry, this.fs);
      const crc = crc32(raw);
      const deflated = zlib.deflateRawSync(raw, deflateOptions(raw.length, this.level));
      this.settle(index, finish(raw, deflated, crc));
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
      if (index === this.nextStart) {
        // Not started yet (the pool is busy): do it here rather than wait.
        this.nextStart++;
        this.runSync(index);
        break;
      }
      if (this.mayStart(this.nextStart)) {
        // The head is on the pool; help with the next file meanwhile, then let callbacks run.
        this.runSync(this.nextStart++);
        this.pump();
        await yieldToEventLoop();
        continue;
      }
      try {
        await slot.promise;
      } catch {
        // Reported below from the slot.
      }
    }
    if (slot.error !== undefined) throw slot.error;
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
