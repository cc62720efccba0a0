// `npm run bench:crc`: MB/s of our CRC-64 and of crc64-ecma182.js over the same 100 MB buffer, in one
// run, several repetitions each (interleaved, so a noisy neighbour hurts both alike), medians and ratio.
// Options: --mb N (buffer size, default 100), --reps N (default 5).
//
// crc64-ecma182.js is emscripten output with a fixed 16 MiB heap (no memory growth) into which it
// copies the whole buffer: one call on 100 MB aborts with "Cannot enlarge memory arrays". So it is fed
// the same buffer in 4 MiB slices chained through its `prev` argument, which is how its own crc64File
// works (stream chunks) and the fastest way it can be used on a large package.
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

import { Crc64, crc64 } from '../../src/package/crc64.js';

const require = createRequire(import.meta.url);
const reference: { crc64(buff: Buffer | string, prev?: string): string } = require('crc64-ecma182.js');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

const MB = option('mb', 100);
const REPS = Math.floor(option('reps', 5));
const size = Math.round(MB * 1024 * 1024);

// randomFillSync caps one call at 2^31-1 bytes and is slow on huge spans: fill in 64 MiB slices.
const data = Buffer.allocUnsafe(size);
for (let at = 0; at < size; at += 1 << 26) randomFillSync(data, at, Math.min(1 << 26, size - at));

const REF_SLICE = 4 * 1024 * 1024;
function referenceChunked(buf: Buffer): string {
  let prev = '0';
  for (let at = 0; at < buf.length; at += REF_SLICE) prev = reference.crc64(buf.subarray(at, at + REF_SLICE), prev);
  return prev;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const upper = s[mid];
  if (upper === undefined) throw new Error('no samples');
  return s.length % 2 ? upper : ((s[mid - 1] ?? upper) + upper) / 2;
};
const mbPerS = (ms: number) => size / (1024 * 1024) / (ms / 1000);

function time(fn: () => string): { ms: number; result: string } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
}

// Warm-up on a small slice so both are compiled before timing.
const warm = data.subarray(0, 1 << 20);
if (crc64(warm) !== reference.crc64(warm)) throw new Error('warm-up: results differ');

const ours: number[] = [];
const theirs: number[] = [];
let oursResult = '';
let theirsResult = '';
for (let r = 0; r < REPS; r++) {
  const a = time(() => crc64(data));
  ours.push(a.ms);
  oursResult = a.result;
  const b = time(() => referenceChunked(data));
  theirs.push(b.ms);
  theirsResult = b.result;
}
if (oursResult !== theirsResult)
  throw new Error(`results differ: ours ${oursResult}, crc64-ecma182.js ${theirsResult}`);

// Incremental in 64 KiB chunks too (how the packager feeds it while writing the zip).
const chunked: number[] = [];
for (let r = 0; r < REPS; r++) {
  const t = time(() => {
    const c = new Crc64();
    for (let at = 0; at < size; at += 65536) c.update(data.subarray(at, at + 65536));
    return c.digest();
  });
  if (t.result !== oursResult) throw new Error('chunked result differs');
  chunked.push(t.ms);
}

const fmt = (xs: number[]) => xs.map((ms) => mbPerS(ms).toFixed(0)).join(', ');
const oursMed = mbPerS(median(ours));
const theirsMed = mbPerS(median(theirs));
console.log(`CRC-64/XZ over ${MB} MB, ${REPS} repetitions (node ${process.version}), checksum ${oursResult}`);
console.log(`  fcw crc64 (whole)          median ${oursMed.toFixed(0).padStart(6)} MB/s   [${fmt(ours)}]`);
console.log(
  `  fcw Crc64 (64 KiB chunks)  median ${mbPerS(median(chunked)).toFixed(0).padStart(6)} MB/s   [${fmt(chunked)}]`,
);
console.log(`  crc64-ecma182.js (4 MiB)   median ${theirsMed.toFixed(0).padStart(6)} MB/s   [${fmt(theirs)}]`);
console.log(`  ratio fcw / crc64-ecma182.js: ${(oursMed / theirsMed).toFixed(2)}x (target >= 3x)`);
