// `npm run bench:sandbox`: is the sandbox fast and small enough to be the default in tests?
//
// `fcw serve` runs as its own process (as users run it); this process is the client. Measured:
// - 200 CreateFunction requests sent at once (small zips): from the first sent to the last answered.
// - 2,000 functions of 1 MB code each (created 8 at a time), then ListFunctions of all 2,000 in
//   pages of 100, one page after the other: total wall time, median of FCW_BENCH_RUNS rounds.
// - the sandbox process's memory with those 2,000 functions: resident now, and its peak (VmHWM).
// Reference, in the same run: a bare node:http server (no auth, no disk) answering the same
// requests with bodies of the same size, so the ratios show what the sandbox adds over Node itself.
// Targets: 200 creates < 5 s; 2,000 listed in pages of 100 < 1 s; memory < 250 MB.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

import { crc64 } from '../../src/package/crc64.js';
import { median } from './corpus.js';
import { expectOk as must, signedRequest } from './signed-request.js';

const REPO = process.cwd();
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');
const RUNS = Number(process.env.FCW_BENCH_RUNS ?? 5);
const FUNCTIONS = Number(process.env.FCW_BENCH_FUNCTIONS ?? 2000);
const CODE_BYTES = 1024 * 1024;
const CONCURRENT_CREATES = 200;
const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-sandbox-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface Endpoint {
  url: string;
  keyId: string;
  secret: string;
  signed: boolean;
}

const request = (ep: Endpoint, method: string, target: string, body?: string, extra?: Record<string, string>) =>
  signedRequest(ep, method, target, body, extra, agent);

function startProcess(args: string[]): Promise<{ child: ChildProcess; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, FCW_CONFIG_DIR: path.join(work, 'config') },
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready`)));
    child.on('error', reject);
  });
}

/** What the reference server answers: a body of the size the sandbox would, held in memory. */
const REFERENCE_SERVER = `
const http = require('node:http');
const page = Buffer.alloc(Number(process.argv[1]), 'x');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.method === 'GET' ? page : Buffer.from('{"functionName":"x"}');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () =>
  console.log(JSON.stringify({ endpoint: 'http://127.0.0.1:' + server.address().port })));
`;

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function zipOfSize(bytes: number, seed: number): Promise<Buffer> {
  // Incompressible content (a fixed-seed generator), stored: the zip is about `bytes` long.
  const data = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  const z = new JSZip();
  z.file('index.js', 'exports.handler = (e, c, cb) => cb(null, 1);\n', { date: new Date('2024-01-01T00:00:00Z') });
  z.file('blob.bin', data, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

function createBody(name: string, zipB64: string): string {
  return JSON.stringify({
    functionName: name,
    runtime: 'nodejs18',
    handler: 'index.handler',
    code: { zipFile: zipB64 },
  });
}

async function timeCreates(
  ep: Endpoint,
  service: string,
  round: number,
  zipB64: string,
  checksum: string,
): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT_CREATES }, (_, i) =>
      must(
        request(ep, 'POST', `/2016-08-15/services/${service}/functions`, createBody(`r${round}-f${i}`, zipB64), {
          'x-fc-code-checksum': checksum,
        }),
        'create',
      ),
    ),
  );
  return performance.now() - t0;
}

async function timeListAll(ep: Endpoint, service: string): Promise<{ ms: number; count: number }> {
  const t0 = performance.now();
  let count = 0;
  if (!ep.signed) {
    // The reference answers every page alike: as many pages as the sandbox needs.
    for (let page = 0; page < Math.ceil(FUNCTIONS / 100); page++)
      await must(request(ep, 'GET', '/page'), 'reference page');
    return { ms: performance.now() - t0, count: FUNCTIONS };
  }
  let token: string | undefined;
  do {
    const query = `limit=100${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
    const page = JSON.parse(
      await must(request(ep, 'GET', `/2016-08-15/services/${service}/functions?${query}`), 'list'),
    ) as {
      functions: unknown[];
      nextToken?: string;
    };
    count += page.functions.length;
    token = page.nextToken;
  } while (token);
  return { ms: performance.now() - t0, count };
}

async function main() {
  const dataDir = path.join(work, 'data');
  const sandboxProc = await startProcess([CLI, 'serve', '--port', '0', '--data', dataDir, '--json']);
  const info = JSON.parse(sandboxProc.firstLine) as { endpoint: string; accessKeyId: string; secretFile: string };
  const secret = (JSON.parse(readFileSync(info.secretFile, 'utf8')) as { accessKeySecret: string }).accessKeySecret;
  const sandbox: Endpoint = { url: info.endpoint, keyId: info.accessKeyId, secret, signed: true };
  const idle = memoryOf(sandboxProc.child.pid!);

  const small = await zipOfSize(1024, 7);
  const smallB64 = small.toString('base64');
  const smallSum = crc64(small).toString();
  await must(request(sandbox, 'POST', '/2016-08-15/services', JSON.stringify({ serviceName: 'creates' })), 'service');
  await must(request(sandbox, 'POST', '/2016-08-15/services', JSON.stringify({ serviceName: 'big' })), 'service');

  // Populate: FUNCTIONS functions of 1 MB code, 8 requests in flight.
  const big = await zipOfSize(CODE_BYTES, 11);
  const bigB64 = big.toString('base64');
  const bigSum = crc64(big).toString();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < FUNCTIONS) {
        const i = next++;
        await must(
          request(
            sandbox,
            'POST',
            '/2016-08-15/services/big/functions',
            createBody(`fn-${String(i).padStart(4, '0')}`, bigB64),
            { 'x-fc-code-checksum': bigSum },
          ),
          'populate',
        );
      }
    }),
  );
  const populateMs = performance.now() - t0;
  const loaded = memoryOf(sandboxProc.child.pid!);

  // The reference server answers list pages as large as the sandbox's.
  const pageBytes = Buffer.byteLength(
    await must(request(sandbox, 'GET', '/2016-08-15/services/big/functions?limit=100'), 'page'),
  );
  const refProc = await startProcess(['-e', REFERENCE_SERVER, String(pageBytes)]);
  const reference: Endpoint = {
    url: (JSON.parse(refProc.firstLine) as { endpoint: string }).endpoint,
    keyId: '',
    secret: '',
    signed: false,
  };

  const creates: number[] = [];
  const refCreates: number[] = [];
  const lists: number[] = [];
  const refLists: number[] = [];
  let listed = 0;
  for (let round = 0; round < RUNS; round++) {
    creates.push(await timeCreates(sandbox, 'creates', round, smallB64, smallSum));
    refCreates.push(await timeCreates(reference, 'creates', round, smallB64, smallSum));
    const list = await timeListAll(sandbox, 'big');
    listed = list.count;
    lists.push(list.ms);
    refLists.push((await timeListAll(reference, 'big')).ms);
  }
  const after = memoryOf(sandboxProc.child.pid!);
  const refMemory = memoryOf(refProc.child.pid!);

  sandboxProc.child.kill('SIGTERM');
  refProc.child.kill('SIGTERM');
  agent.destroy();

  const fmt = (n: number) => n.toFixed(0);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  console.log(
    `sandbox bench: ${RUNS} rounds, medians; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `populate: ${FUNCTIONS} functions of ${(big.length / 1048576).toFixed(2)} MB zip, 8 in flight: ` +
      `${fmt(populateMs)} ms (${fmt(populateMs / FUNCTIONS)} ms each)`,
  );
  console.log(
    `${CONCURRENT_CREATES} concurrent creates: ${fmt(median(creates))} ms against ${fmt(median(refCreates))} ms ` +
      `for bare node:http (${ratio(median(creates), median(refCreates))}); target < 5000 ms: ` +
      `${median(creates) < 5000 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `ListFunctions of ${listed} in pages of 100: ${fmt(median(lists))} ms against ${fmt(median(refLists))} ms ` +
      `(${ratio(median(lists), median(refLists))}); target < 1000 ms: ${median(lists) < 1000 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `memory: idle ${fmt(idle.rssMb)} MB; with ${FUNCTIONS} functions ${fmt(loaded.rssMb)} MB resident, after the ` +
      `rounds ${fmt(after.rssMb)} MB, peak ${fmt(after.peakMb)} MB; bare node:http ${fmt(refMemory.rssMb)} MB; ` +
      `target < 250 MB: ${after.peakMb < 250 ? 'met' : 'MISSED'}`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
