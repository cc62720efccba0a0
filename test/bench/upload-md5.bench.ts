// `npm run bench:upload-md5`: the Content-MD5 of a CreateFunction body carrying a 100 MB zip, as
// fcw computes it (a first pass over the streamed base64 slices) against the reference the
// official SDK uses (JSON.stringify of the whole body, then MD5 of that string). Each way runs in
// a fresh process (peak RSS is per process), alternately, several times; prints the median time,
// the peak RSS above the zip itself, and the ratios. Both must give the same digest.
// Options: --mb N (zip size, default 100), --runs N (default 3).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

import { contentMd5, zipJsonBody } from '../../src/fc/request-body.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

const FIELDS = { functionName: 'hello', runtime: 'nodejs20', handler: 'index.handler', memorySize: 256 };

/** A zip-sized buffer of fixed pseudo-random bytes (xorshift32, seed 42): the same on every run. */
function zipOf(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let x = 42;
  let i = 0;
  for (; i + 4 <= bytes; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  for (; i < bytes; i++) out[i] = i & 0xff;
  return out;
}

/** The child: one way, once; prints `digest ms peakAboveZipMB`. */
function child(mode: string, mb: number): void {
  const zip = zipOf(Math.round(mb * 1024 * 1024));
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  const t0 = performance.now();
  let digest: string;
  if (mode === 'stream') {
    digest = contentMd5(zipJsonBody(FIELDS, zip).chunks());
  } else {
    const body = JSON.stringify({ ...FIELDS, code: { zipFile: zip.toString('base64') } });
    digest = Buffer.from(createHash('md5').update(body, 'utf8').digest('hex'), 'utf8').toString('base64');
  }
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`${digest} ${ms.toFixed(0)} ${((peak - baseline) / 1048576).toFixed(0)}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Runs {
  ms: number[];
  mb: number[];
  digest: string;
}

function parent(mb: number, runs: number): void {
  const s: Runs = { ms: [], mb: [], digest: '' };
  const o: Runs = { ms: [], mb: [], digest: '' };
  const results = { stream: s, string: o };
  for (let r = 0; r < runs; r++) {
    for (const mode of ['stream', 'string'] as const) {
      const args = ['--expose-gc', process.argv[1] ?? '', '--child', mode, '--mb', String(mb)];
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${mode} run failed: ${run.stderr}`);
      const [digest = '', ms, peak] = run.stdout.trim().split(' ');
      results[mode].digest = digest;
      results[mode].ms.push(Number(ms));
      results[mode].mb.push(Number(peak));
    }
  }
  if (s.digest !== o.digest) throw new Error(`digests differ: streamed ${s.digest}, one string ${o.digest}`);
  const line = (label: string, r: Runs) =>
    `  ${label.padEnd(26)} median ${median(r.ms).toFixed(0).padStart(6)} ms, ` +
    `peak RSS above the zip ${median(r.mb).toFixed(0).padStart(5)} MB   [${r.ms.join(', ')} ms]`;
  console.log(`Content-MD5 of a CreateFunction body with a ${mb} MB zip, ${runs} runs each (node ${process.version})`);
  console.log(`  digest ${s.digest} (both ways)`);
  console.log(line('fcw, streamed slices', s));
  console.log(line("one string (SDK's way)", o));
  const time = (median(s.ms) / median(o.ms)).toFixed(2);
  const memory = (median(s.mb) / median(o.mb)).toFixed(2);
  console.log(`  ratio fcw / one string: time ${time}x, memory ${memory}x (target: memory < 0.5x)`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) child(process.argv[childAt + 1] ?? '', option('mb', 100));
else parent(option('mb', 100), Math.floor(option('runs', 3)));
