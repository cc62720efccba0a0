// `npm run bench:sandbox-upload`: what a large UpdateFunction costs the sandbox server.
//
// `fcw serve` runs as its own process (as users run it); this process is the client. The zip is
// deterministic: 11,500 stored entries of fixed-seed bytes, about 62 MB (FCW_BENCH_ZIP=FILE uses a
// zip of your own instead, e.g. `zip -qr -6` of a node_modules tree). Each run sends the same
// UpdateFunction body (about 83 MB of JSON, base64 inline, with Content-MD5 and X-Fc-Code-Checksum
// as fcw sends them) and reads the server's own time for it from its log line. Then a fresh server
// takes one update with a zip at FC's 100 MB inline cap, for the peak memory at the cap.
// Reference, in the same run: this process's `JSON.parse(body.toString())` of the same body, the
// least any server that parses the body as JSON must spend. Prints medians, the ratio to the
// reference, the load average and the servers' peak RSS (VmHWM).
// Options (env): FCW_BENCH_RUNS (default 7), FCW_BENCH_ZIP=FILE, FCW_BENCH_SHOW_LOG=1 (the server log on stderr),
// FCW_BENCH_CLI=PATH (another build of fcw, e.g. to compare before and after a change),
// FCW_BENCH_PLAIN=1 (bodies that take the server's plain path: JSON.parse of the whole body).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

import { CODE_INLINE_MAX_BYTES } from '../../src/fc/limits.js';
import { crc64 } from '../../src/package/crc64.js';
import { median } from './corpus.js';
import { expectOk as must, signedRequest } from './signed-request.js';

const REPO = process.cwd();
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');
const RUNS = Number(process.env.FCW_BENCH_RUNS ?? 7);
const PLAIN = process.env.FCW_BENCH_PLAIN === '1';
const ENTRIES = 11_500;
const ZIP_BYTES = 62 * 1024 * 1024;
const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-upload-'));

interface Server {
  child: ChildProcess;
  url: string;
  keyId: string;
  secret: string;
  /** Milliseconds of each logged PUT (an update), in order. */
  times: number[];
}

function startServer(name: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'serve', '--port', '0', '--data', path.join(work, name), '--json'];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FCW_CONFIG_DIR: path.join(work, `${name}-config`) },
    });
    const times: number[] = [];
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (process.env.FCW_BENCH_SHOW_LOG) process.stderr.write(d);
      let nl;
      while ((nl = err.indexOf('\n')) >= 0) {
        const ms = /^PUT \S+ \d+ (\d+)ms /.exec(err.slice(0, nl))?.[1];
        if (ms !== undefined) times.push(Number(ms));
        err = err.slice(nl + 1);
      }
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(out.slice(0, nl)) as { endpoint: string; accessKeyId: string; secretFile: string };
      const secret = (JSON.parse(readFileSync(info.secretFile, 'utf8')) as { accessKeySecret: string }).accessKeySecret;
      resolve({ child, url: info.endpoint, keyId: info.accessKeyId, secret, times });
    });
    child.on('exit', (code) => reject(new Error(`fcw serve exited ${code} before it was ready`)));
    child.on('error', reject);
  });
}

const request = (s: Server, method: string, target: string, body: Buffer, extra?: Record<string, string>) =>
  signedRequest(s, method, target, body, extra);

/** mulberry32 bytes: the same zip on every run. */
function fill(out: Buffer, seed: number): void {
  let a = seed >>> 0;
  for (let i = 0; i + 4 <= out.length; i += 4) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
  }
}

async function generatedZip(entries: number, bytes: number): Promise<Buffer> {
  const data = Buffer.alloc(bytes);
  fill(data, 42);
  const z = new JSZip();
  const date = new Date('2024-01-01T00:00:00Z');
  z.file('index.js', 'exports.handler = (e, c, cb) => cb(null, 1);\n', { date });
  const each = Math.floor(bytes / entries);
  for (let i = 0; i < entries; i++) {
    z.file(`node_modules/p${i % 400}/lib/f${i}.js`, data.subarray(i * each, (i + 1) * each), { date });
  }
  return z.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

function updateBody(zip: Buffer): { body: Buffer; headers: Record<string, string> } {
  const text = JSON.stringify({ description: 'bench', code: { zipFile: zip.toString('base64') } });
  // An escaped key sends the server down its plain path (JSON.parse of the whole body), for comparison.
  const body = Buffer.from(PLAIN ? text.replace('"zipFile":', '"zip\\u0046ile":') : text);
  return {
    body,
    headers: {
      'content-md5': createHash('md5').update(body).digest('base64'),
      'x-fc-code-checksum': crc64(zip).toString(),
    },
  };
}

function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function withFunction(s: Server): Promise<void> {
  const service = Buffer.from(JSON.stringify({ serviceName: 'up' }));
  await must(request(s, 'POST', '/2016-08-15/services', service), 'CreateService');
  const empty = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';
  const fn = { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: empty } };
  await must(request(s, 'POST', '/2016-08-15/services/up/functions', Buffer.from(JSON.stringify(fn))), 'Create');
}

async function main(): Promise<void> {
  const zip = process.env.FCW_BENCH_ZIP
    ? readFileSync(process.env.FCW_BENCH_ZIP)
    : await generatedZip(ENTRIES, ZIP_BYTES);
  const { body, headers } = updateBody(zip);
  const target = '/2016-08-15/services/up/functions/f';

  const server = await startServer('main');
  await withFunction(server);
  const serverMs: number[] = [];
  const clientMs: number[] = [];
  const referenceMs: number[] = [];
  const loads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    loads.push(os.loadavg()[0]!);
    const logged = server.times.length;
    const t0 = performance.now();
    await must(request(server, 'PUT', target, body, headers), 'UpdateFunction');
    clientMs.push(performance.now() - t0);
    while (server.times.length === logged) await new Promise((r) => setTimeout(r, 5));
    serverMs.push(server.times[logged]!);
    const r0 = performance.now();
    JSON.parse(body.toString());
    referenceMs.push(performance.now() - r0);
  }
  const peak = peakMb(server.child.pid!);
  server.child.kill('SIGTERM');

  // At the cap: a fresh server (VmHWM only grows), one update with the largest zip FC takes inline.
  const capZip = Buffer.alloc(CODE_INLINE_MAX_BYTES);
  fill(capZip.subarray(30), 7);
  const stored = await new JSZip()
    .file('blob.bin', capZip.subarray(0, CODE_INLINE_MAX_BYTES - 200), { date: new Date(0) })
    .generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  const cap = updateBody(stored);
  const capServer = await startServer('cap');
  await withFunction(capServer);
  const before = peakMb(capServer.child.pid!);
  await must(request(capServer, 'PUT', target, cap.body, cap.headers), 'UpdateFunction at the cap');
  while (capServer.times.length === 0) await new Promise((r) => setTimeout(r, 5));
  const capPeak = peakMb(capServer.child.pid!);
  capServer.child.kill('SIGTERM');

  const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms [${xs.map((x) => x.toFixed(0)).join(', ')}]`;
  console.log(
    `UpdateFunction with a ${(zip.length / 1048576).toFixed(1)} MB zip (${(body.length / 1048576).toFixed(1)} MB ` +
      `body), ${RUNS} runs (node ${process.version}, load average ${loads.map((l) => l.toFixed(2)).join(' ')})`,
  );
  console.log(`  server (its log)            median ${ms(serverMs)}`);
  console.log(`  client round trip          median ${ms(clientMs)}`);
  console.log(`  reference JSON.parse(body) median ${ms(referenceMs)}`);
  console.log(`  ratio server / reference: ${(median(serverMs) / median(referenceMs)).toFixed(2)}x`);
  console.log(`  server peak RSS (VmHWM): ${peak.toFixed(0)} MB`);
  console.log(
    `  at the cap (${(stored.length / 1048576).toFixed(1)} MB zip): server peak RSS ${capPeak.toFixed(0)} MB ` +
      `(${before.toFixed(0)} MB before the update), server ${capServer.times[0]} ms`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
