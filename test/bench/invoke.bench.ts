// `npm run bench:invoke`: invoking a hello world through `fcw serve` (the built bin), with fcw's own
// client over one keep-alive connection, against a bare interpreter running the same handler in the
// same run (`node -e`, `python3 -c`: spawn to exit, what running the handler once costs without fcw).
//
// - warm (Node.js): 200 sequential invocations of a warm instance, end to end (request sent to answer
//   read): median and p99. Target: median under 5 ms.
// - cold, for Node.js and Python: an invocation that needs a new instance (the function is updated
//   first, which retires the warm one), FCW_BENCH_RUNS times (default 15), interleaved with the bare
//   runs so load on the machine hits both alike; medians. Target: at most 1.5x the bare run. Three
//   cases: the usual one (a spare host of that memory size is ready); the first call of a memory size
//   right after the UpdateFunction that set it (the update starts a spare, still starting when the
//   call comes); and no spare at all (the function sets a variable read only at start, LD_*, so the
//   sandbox starts a process of its own: what a cold start costs without a spare).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
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

const PY_HANDLER = "def handler(event, context):\n    return 'hello world'\n";

/** `python3 -c` importing the same handler from a folder and calling it once: spawn to exit. */
function barePython(dir: string): number {
  const script = `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import index; sys.stdout.write(index.handler(b'', None))`;
  const t0 = performance.now();
  const r = spawnSync(PYTHON, ['-B', '-c', script], {
    env: { ...bareEnv, LANG: 'C.UTF-8' },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 || String(r.stdout) !== 'hello world') throw new Error(`python3 -c failed: ${r.stderr}`);
  return ms;
}
const PYTHON = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();

const CUSTOM_SERVER =
  "require('http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('hello world')); })" +
  '.listen(Number(process.env.FC_SERVER_PORT), "127.0.0.1");\n';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Samples {
  bare: number[];
  spare: number[];
  firstOfSize: number[];
  noSpare: number[];
}

function report(name: string, bareName: string, samples: Samples): void {
  const bare = median(samples.bare);
  const line = (label: string, xs: number[]) =>
    console.log(`${name} ${label} (median of ${xs.length}): ${fmt(median(xs))}  = ${(median(xs) / bare).toFixed(2)}x`);
  console.log(`${name}: bare ${bareName} of the handler (median of ${samples.bare.length}): ${fmt(bare)}`);
  line('cold start, spare ready', samples.spare);
  line('cold start, first call of a memory size after the update that set it', samples.firstOfSize);
  line('cold start, no spare (a process of its own)', samples.noSpare);
}

async function main(): Promise<void> {
  const appDir = path.join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(path.join(appDir, 'index.js'), HANDLER);
  const pyDir = path.join(work, 'pyapp');
  mkdirSync(pyDir);
  writeFileSync(path.join(pyDir, 'index.py'), PY_HANDLER);
  const zip = await new JSZip().file('index.js', HANDLER).generateAsync({ type: 'uint8array' });
  const pyZip = await new JSZip().file('index.py', PY_HANDLER).generateAsync({ type: 'uint8array' });

  const serve = await startServe();
  try {
    const credentials = JSON.parse(readFileSync(path.join(work, 'data', 'credentials.json'), 'utf8'));
    const client = new FcClient({ endpoint: serve.endpoint, accountId: serve.accountId, credentials, env });
    await client.createService({ serviceName: 'bench' });
    const runtimes = [
      { fn: 'hello', runtime: 'nodejs20', zip, bare: () => bareNode(appDir) },
      ...(PYTHON ? [{ fn: 'pyhello', runtime: 'python3.10', zip: pyZip, bare: () => barePython(pyDir) }] : []),
    ];
    // A custom runtime: bootstrap is a Node.js HTTP server (no spare can be started for it).
    const customZip = await new JSZip()
      .file('bootstrap', `#!/bin/sh\nexec node server.js\n`, { unixPermissions: 0o755 })
      .file('server.js', CUSTOM_SERVER, { unixPermissions: 0o644 })
      .generateAsync({ type: 'uint8array', platform: 'UNIX' });
    await client.createFunction(
      'bench',
      { functionName: 'custom', runtime: 'custom', handler: 'index.handler', caPort: await freePort() },
      { kind: 'zip', zip: customZip, checksum: crc64(customZip) },
    );
    const customCold: number[] = [];
    for (const { fn, runtime, zip: code } of runtimes) {
      for (const name of [fn, `${fn}-own`]) {
        await client.createFunction(
          'bench',
          {
            functionName: name,
            runtime,
            handler: 'index.handler',
            // LD_* is read only at start: the sandbox gives such a function a process of its own.
            ...(name.endsWith('-own') ? { environmentVariables: { LD_FCW_BENCH: '1' } } : {}),
          },
          { kind: 'zip', zip: code, checksum: crc64(code) },
        );
      }
    }
    const invoke = async (fn: string) => {
      const t0 = performance.now();
      const answer = await client.invokeFunction('bench', fn, '', { logTail: false });
      const ms = performance.now() - t0;
      if (answer.data.errorType || answer.data.body.toString() !== 'hello world')
        throw new Error(`invoke failed: ${answer.data.body}`);
      return ms;
    };
    const update = (fn: string, run: number, memorySize: number) =>
      client.updateFunction('bench', fn, { description: `run ${run}`, memorySize }, undefined);

    const samples = runtimes.map((): Samples => ({ bare: [], spare: [], firstOfSize: [], noSpare: [] }));
    // After each measured call the sandbox starts a spare host and ends the replaced instance:
    // that work is let finish before the next measurement, so it slows neither side.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
    for (let run = 0; run < RUNS; run++) {
      for (const [i, { fn, bare }] of runtimes.entries()) {
        const into = samples[i]!;
        // A memory size not run before: the update starts a spare for it, the call follows at once.
        await update(fn, run, 256 + 64 * run);
        into.firstOfSize.push(await invoke(fn));
        await settle();
        into.bare.push(bare());
        // The usual cold start: the spare of this memory size was started after the last one.
        await update(fn, run, 128);
        await settle();
        into.spare.push(await invoke(fn));
        await settle();
        await update(`${fn}-own`, run, 128);
        await settle();
        into.noSpare.push(await invoke(`${fn}-own`));
        await settle();
      }
    }

    for (let run = 0; run < RUNS; run++) {
      await update('custom', run, 128);
      await settle();
      customCold.push(await invoke('custom'));
      await settle();
    }

    // Warm: the Node.js instance of the last cold start, kept warm.
    for (let i = 0; i < 10; i++) await invoke('hello');
    const warm: number[] = [];
    for (let i = 0; i < WARM_CALLS; i++) warm.push(await invoke('hello'));

    report('Node.js', 'node -e', samples[0]!);
    if (samples[1]) report('Python', 'python3 -c', samples[1]);
    else console.log('Python: no python3 on PATH, not measured');
    const customMedian = median(customCold);
    console.log(
      `custom runtime (bootstrap: exec node server.js) cold start (median of ${RUNS}): ${fmt(customMedian)}  = ` +
        `${(customMedian / median(samples[0]!.bare)).toFixed(2)}x node -e of the Node.js handler`,
    );
    const warmMedian = median(warm);
    console.log(
      `warm Node.js invoke through fcw serve (${WARM_CALLS} calls): median ${fmt(warmMedian)}, ` +
        `p99 ${fmt(quantile(warm, 0.99))}  (target: median < 5 ms)`,
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
