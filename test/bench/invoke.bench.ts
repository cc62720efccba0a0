// `npm run bench:invoke`: invoking a Node.js hello world through `fcw serve` (the built bin), with
// fcw's own client over one keep-alive connection, against a bare `node -e` of the same handler
// measured in the same run (spawn to exit: what running the handler once costs without fcw).
//
// - warm: 200 sequential invocations of a warm instance, end to end (request sent to answer read):
//   median and p99. Target: median under 5 ms.
// - cold: an invocation that needs a new instance (the function is updated first, which retires the
//   warm one), FCW_BENCH_RUNS times (default 15), interleaved with `node -e` runs so load on the
//   machine hits both alike; medians. Target: at most 1.5x `node -e`. Shown apart: a cold start
//   with no spare Node.js host ready (the first instance of a memory size starts Node.js itself).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import JSZip from 'jszip';

import { FcClient } from '../../src/fc/client.js';
import { crc64 } from '../../src/package/crc64.js';

const REPO = process.cwd();
const CLI = path.join(REPO, 'dist/cli.js');
const WARM_CALLS = 200;
const RUNS = Number(process.env.FCW_BENCH_RUNS ?? 15);
const HANDLER = "exports.handler = (event, context, callback) => callback(null, 'hello world');\n";

const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-invoke-'));
const env: NodeJS.ProcessEnv = { ...process.env, FCW_CONFIG_DIR: path.join(work, 'config'), HOME: work };
for (const k of Object.keys(env)) if (k.startsWith('ALIBABA_CLOUD_')) delete env[k];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const value = s[Math.min(s.length - 1, Math.floor(q * s.length))];
  if (value === undefined) throw new Error('no samples');
  return value;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const upper = s[mid];
  if (upper === undefined) throw new Error('no samples');
  return s.length % 2 ? upper : ((s[mid - 1] ?? upper) + upper) / 2;
}
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

// The bare run gets the environment a function instance gets (no more): what the parent has can
// slow Node's start a lot (NODE_EXTRA_CA_CERTS loads a CA bundle: +200 ms on this machine).
const bareEnv: NodeJS.ProcessEnv = {
  PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin',
  HOME: work,
};

/** `node -e` requiring the same handler from a folder and calling it once: spawn to exit. */
function bareNode(dir: string): number {
  const handler = JSON.stringify(path.join(dir, 'index.js'));
  const script = `require(${handler}).handler(Buffer.alloc(0), {}, (e, r) => process.stdout.write(String(r)))`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', script], { env: bareEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0 || String(r.stdout) !== 'hello world') throw new Error(`node -e failed: ${r.stderr}`);
  return ms;
}

async function startServe(): Promise<{ endpoint: string; accountId: string; stop(): Promise<void> }> {
  const data = path.join(work, 'data');
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', data, '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`fcw serve exited ${code}`)));
  });
  const info = JSON.parse(first) as { endpoint: string; accountId: string };
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const appDir = path.join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(path.join(appDir, 'index.js'), HANDLER);
  const zip = await new JSZip().file('index.js', HANDLER).generateAsync({ type: 'uint8array' });

  const serve = await startServe();
  try {
    const credentials = JSON.parse(readFileSync(path.join(work, 'data', 'credentials.json'), 'utf8'));
    const client = new FcClient({ endpoint: serve.endpoint, accountId: serve.accountId, credentials, env });
    await client.createService({ serviceName: 'bench' });
    await client.createFunction(
      'bench',
      { functionName: 'hello', runtime: 'nodejs20', handler: 'index.handler' },
      { kind: 'zip', zip, checksum: crc64(zip) },
    );
    const invoke = async () => {
      const t0 = performance.now();
      const answer = await client.invokeFunction('bench', 'hello', '', { logTail: false });
      const ms = performance.now() - t0;
      if (answer.data.errorType || answer.data.body.toString() !== 'hello world')
        throw new Error(`invoke failed: ${answer.data.body}`);
      return ms;
    };

    // Cold starts, interleaved with the bare node runs. The sandbox keeps a Node.js host started
    // ahead of need for each memory size it has run: the first cold start has none (it starts
    // Node.js itself: measured apart), the next ones bind a spare to a new working copy.
    const coldNoSpare: number[] = [];
    const cold: number[] = [];
    const bare: number[] = [];
    // After each measured call the sandbox starts a spare host and ends the replaced instance:
    // that work is let finish before the next measurement, so it slows neither side.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
    for (let run = 0; run < RUNS; run++) {
      // A memory size not run before: no spare host yet.
      await client.updateFunction(
        'bench',
        'hello',
        { description: `run ${run}`, memorySize: 256 + 64 * run },
        undefined,
      );
      coldNoSpare.push(await invoke());
      await settle();
      bare.push(bareNode(appDir));
      await client.updateFunction('bench', 'hello', { description: `run ${run}`, memorySize: 128 }, undefined);
      cold.push(await invoke());
      await settle();
    }

    // Warm: the instance of the last cold start, kept warm.
    for (let i = 0; i < 10; i++) await invoke();
    const warm: number[] = [];
    for (let i = 0; i < WARM_CALLS; i++) warm.push(await invoke());

    const bareMedian = median(bare);
    const coldMedian = median(cold);
    const warmMedian = median(warm);
    console.log(`bare node -e of the handler (median of ${RUNS}): ${fmt(bareMedian)}`);
    console.log(
      `cold start through fcw serve (median of ${RUNS}): ${fmt(coldMedian)}  = ` +
        `${(coldMedian / bareMedian).toFixed(2)}x node -e  (target <= 1.5x)`,
    );
    const noSpareMedian = median(coldNoSpare);
    console.log(
      `cold start with no spare host (a memory size run for the first time): ${fmt(noSpareMedian)}  = ` +
        `${(noSpareMedian / bareMedian).toFixed(2)}x node -e`,
    );
    console.log(
      `warm invoke through fcw serve (${WARM_CALLS} calls): median ${fmt(warmMedian)}, ` +
        `p99 ${fmt(quantile(warm, 0.99))}  = ${(warmMedian / bareMedian).toFixed(3)}x node -e  (target: median < 5 ms)`,
    );
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await serve.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
