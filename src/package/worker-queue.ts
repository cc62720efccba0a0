// Reads and compresses a package's files in worker threads, ahead of the zip writer, for big
// packages. Why workers and not only the libuv threadpool (PrepareQueue): on a node_modules-like
// tree most files are a few KB, and for those the main thread's cost of handing one file to the
// pool (a zlib stream object and its setup) is about the cost of compressing it, so the main thread
// ended up doing most of the compression itself while also running jszip. Workers take files in
// batches (up to 64 files or 1 MB), read them, check they did not change, CRC-32 them and deflate
// them with the same code and options as the in-process path, and send back one transferred buffer
// per batch; the main thread only frames the results with jszip and writes the zip.
//
// The worker's code is built from the same functions the in-process path uses (their source is
// sent with the worker), so both detect the same changes and produce the same bytes.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { CancelledError } from '../core/errors.js';
import {
  DEFLATE_LEVEL,
  deflateOptions,
  looksIncompressibleWith,
  PROBE_MIN_BYTES,
  PROBE_SAMPLE,
  type Prepared,
} from './prepare-queue.js';
import { OPEN_FLAGS, readEntry, readFailure, readVerifiedCore } from './read-file.js';
import type { SelectedEntry } from './select.js';
import { growthFlagToRestore } from './young-generation.js';

/** Only Node versions with a native zlib.crc32 (20.15+) use workers; others use the in-process queue. */
export function workersAvailable(): boolean {
  return typeof (zlib as unknown as { crc32?: unknown }).crc32 === 'function';
}

interface JobMessage {
  index: number;
  abs: string;
  size: number;
  mtimeMs: number;
}

type ResultMessage =
  | { index: number; ok: true; crc: number; deflated: boolean; length: number; size: number }
  | { index: number; ok: false; changed: boolean; code?: string; message?: string };

function workerSource(): string {
  return `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
// This thread's isolate, as it started, put V8's process-wide young-generation growth factor back to
// its default; a build that had switched growth off switches it off again (young-generation.ts).
if (workerData && workerData.growthFlag) require('node:v8').setFlagsFromString(workerData.growthFlag);
const zlib = require('node:zlib');
const fs = require('node:fs');
const readVerifiedCore = ${readVerifiedCore.toString()};
const deflateOptions = ${deflateOptions.toString()};
const looksIncompressibleWith = ${looksIncompressibleWith.toString()};
const alloc = (n) => Buffer.allocUnsafe(n);
// The files read and their deflated copies are Buffers, freed only when a collection finds them
// dead; this thread makes almost no other garbage, so V8 would wait for tens of MB of them before
// collecting. A minor collection after each batch (a young generation of a few objects: well under
// a millisecond) frees them. V8 gives scripts its gc function only under --expose-gc, read when a
// context is made: set for one new context, then unset.
let collect;
try {
  const v8 = require('node:v8');
  v8.setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
  v8.setFlagsFromString('--no-expose-gc');
} catch {
  collect = undefined;
}
parentPort.on('message', (message) => {
  const { jobs, level, flags } = message;
  const results = [];
  const parts = [];
  let total = 0;
  for (const job of jobs) {
    try {
      const raw = readVerifiedCore(fs, alloc, flags, job.abs, job.size, job.mtimeMs);
      const crc = zlib.crc32(raw) >>> 0;
      let data = raw;
      let deflated = false;
      if (!looksIncompressibleWith(zlib, raw, ${PROBE_MIN_BYTES}, ${PROBE_SAMPLE})) {
        const d = zlib.deflateRawSync(raw, deflateOptions(raw.length, level));
        if (d.length < raw.length) { data = d; deflated = true; }
      }
      results.push({ index: job.index, ok: true, crc, deflated, length: data.length, size: raw.length });
      parts.push(data);
      total += data.length;
    } catch (e) {
      results.push({ index: job.index, ok: false, changed: Boolean(e && e.fcwChanged), code: e && e.code, message: e && e.message });
    }
  }
  const packed = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { packed.set(p, at); at += p.length; }
  parentPort.postMessage({ results, packed: packed.buffer, collects: collect !== undefined }, [packed.buffer]);
  if (collect) collect({ type: 'minor' });
});
`;
}

interface BatchMessage {
  results: ResultMessage[];
  packed: ArrayBuffer;
  /** Whether the worker collects its garbage after each batch (it could get V8's gc function). */
  collects: boolean;
}

interface Slot {
  settled: boolean;
  result?: Prepared;
  error?: unknown;
  waiter?: () => void;
}

export interface WorkerQueueOptions {
  workers?: number;
  maxAheadBytes?: number;
  maxAheadFiles?: number;
  level?: number;
  signal?: AbortSignal;
  onTaken?: (entry: SelectedEntry) => void;
}

const BATCH_FILES = 64;
const BATCH_BYTES = 1024 * 1024;
const BATCHES_PER_WORKER = 2;

export class WorkerQueue {
  private readonly slots: Slot[];
  private readonly workers: { worker: Worker; pending: number }[] = [];
  private head = 0;
  private nextDispatch = 0;
  private aheadBytes = 0;
  private failure: unknown;
  private readonly maxAheadBytes: number;
  private readonly maxAheadFiles: number;
  private readonly level: number;
  /** What the last batch said: its worker collects its garbage after each batch. */
  workersCollect: boolean | undefined;

  constructor(
    private readonly jobs: SelectedEntry[],
    private readonly options: WorkerQueueOptions = {},
  ) {
    this.slots = jobs.map(() => ({ settled: false }));
    // Raw bytes read ahead of the writer: enough to keep two workers busy, little enough to keep
    // peak memory near the zip's size (the budget npm run bench:package checks: 1.5 × zip + 150 MB).
    this.maxAheadBytes = options.maxAheadBytes ?? 12 * 1024 * 1024;
    this.maxAheadFiles = options.maxAheadFiles ?? 4096;
    this.level = options.level ?? DEFLATE_LEVEL;
  }

  start(): void {
    this.options.signal?.addEventListener('abort', () => this.fail(new CancelledError('Packaging was cancelled.')), {
      once: true,
    });
    // One worker per core beyond the main thread's (which compresses too while it waits), at most
    // two: each adds ~25 MB of memory. On the 2-core machine this was measured on, one worker and
    // the main thread were faster and leaner than two workers.
    const count = this.options.workers ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    const source = workerSource();
    for (let i = 0; i < count; i++) {
      // A small young generation: a worker's garbage is mostly Buffers handed on at once.
      const workerData = { growthFlag: growthFlagToRestore() };
      const worker = new Worker(source, { eval: true, workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      worker.unref();
      const holder = { worker, pending: 0 };
      worker.on('message', (message: BatchMessage) => this.receive(holder, message));
      worker.on('error', (error) => this.fail(error));
      this.workers.push(holder);
    }
    this.dispatch();
  }

  /** Terminates the workers; call once the zip is written or has failed. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const slot of this.slots) slot.waiter?.();
  }

  /** File `i` may be read now: it is the head, or within the read-ahead window in files and bytes. */
  private fitsWindow(i: number): boolean {
    return (
      i === this.head ||
      (i - this.head < this.maxAheadFiles && this.aheadBytes + this.jobs[i]!.size <= this.maxAheadBytes)
    );
  }

  private dispatch(): void {
    for (const holder of this.workers) {
      while (holder.pending < BATCHES_PER_WORKER && this.failure === undefined) {
        const jobs: JobMessage[] = [];
        let bytes = 0;
        while (jobs.length < BATCH_FILES && bytes < BATCH_BYTES) {
          const i = this.claimNext();
          if (i === undefined) break;
          const entry = this.jobs[i]!;
          jobs.push({ index: i, abs: entry.abs, size: entry.size, mtimeMs: entry.mtimeMs });
          bytes += entry.size;
        }
        if (jobs.length === 0) return;
        holder.pending++;
        holder.worker.postMessage({ jobs, level: this.level, flags: OPEN_FLAGS });
      }
    }
  }

  private receive(holder: { pending: number }, message: BatchMessage): void {
    holder.pending--;
    this.workersCollect = message.collects;
    let at = 0;
    for (const r of message.results) {
      const slot = this.slots[r.index]!;
      if (r.ok) {
        slot.result = {
          data: Buffer.from(message.packed, at, r.length),
          deflated: r.deflated,
          crc32: r.crc,
          size: r.size,
        };
        at += r.length;
      } else {
        const entry = this.jobs[r.index]!;
        slot.error = readFailure(
          entry,
          r.changed ? { fcwChanged: true } : Object.assign(new Error(r.message ?? 'read failed'), { code: r.code }),
        );
        this.failure ??= slot.error;
      }
      slot.settled = true;
      slot.waiter?.();
    }
    if (this.failure !== undefined) this.fail(this.failure);
    this.dispatch();
  }

  private checkFailure(): void {
    if (this.options.signal?.aborted) this.failure ??= new CancelledError('Packaging was cancelled.');
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Claims the next file no worker has, if the window allows: for a worker's batch, or for the main
   * thread to do itself while it waits.
   */
  private claimNext(): number | undefined {
    const i = this.nextDispatch;
    if (i >= this.jobs.length || this.failure !== undefined) return undefined;
    if (!this.fitsWindow(i)) return undefined;
    this.aheadBytes += this.jobs[i]!.size;
    this.nextDispatch++;
    return i;
  }

  /** Reads and compresses one file on the main thread, with the same code the workers run. */
  private runHere(index: number): void {
    const slot = this.slots[index]!;
    const entry = this.jobs[index]!;
    try {
      const raw = readEntry(entry);
      const crc = zlib.crc32(raw) >>> 0;
      let result: Prepared = { data: raw, deflated: false, crc32: crc, size: raw.length };
      if (!looksIncompressibleWith(zlib, raw, PROBE_MIN_BYTES, PROBE_SAMPLE)) {
        const deflated = zlib.deflateRawSync(raw, deflateOptions(raw.length, this.level));
        if (deflated.length < raw.length) result = { data: deflated, deflated: true, crc32: crc, size: raw.length };
      }
      slot.result = result;
    } catch (error) {
      slot.error = error;
      this.failure ??= error;
    }
    slot.settled = true;
  }

  async take(index: number): Promise<Prepared> {
    if (index !== this.head) throw new Error(`WorkerQueue: asked for file ${index}, expected ${this.head}`);
    const slot = this.slots[index]!;
    while (!slot.settled) {
      this.checkFailure();
      // While the head is with a worker, the main thread (otherwise idle here) compresses the next
      // file nobody has yet, then lets the workers' answers in.
      const next = this.claimNext();
      if (next !== undefined) {
        this.runHere(next);
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        slot.waiter = resolve;
      });
      slot.waiter = undefined;
    }
    this.checkFailure();
    const result = slot.result!;
    slot.result = undefined;
    this.aheadBytes -= this.jobs[index]!.size;
    this.head++;
    this.options.onTaken?.(this.jobs[index]!);
    this.dispatch();
    return result;
  }
}
