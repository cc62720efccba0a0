// `npm run bench:redeploy`: quick redeploys through the package cache, against Info-ZIP
// `zip -qr -6` of the same tree timed in the same run.
//
// Builds a deterministic node_modules-like tree (default 9,700 files, 311 MB, text that compresses
// ~6x and 1% random binaries, so the zip is about 55 MB: under FC's 100 MB inline limit), starts
// `fcw serve` as its own process, and per run, with a fresh config directory (empty cache, no
// function yet):
//   first      fcw deploy of the tree (creates the function; fills the cache)
//   unchanged  fcw deploy --profile, nothing changed (answered from stat; nothing sent)
//   one-file   fcw deploy --profile after appending a line to one file (only it is compressed)
//   zip        zip -qr -6 of the tree
// It prints the median wall time of each, the ratio to zip's, and each one's peak RSS (from
// /usr/bin/time -f %M when present).
//
// Options (env): FCW_BENCH_RUNS (default 3), FCW_BENCH_FILES (9700), FCW_BENCH_MB (311),
// FCW_BENCH_CORPUS=DIR builds the tree there once and reuses it (never deleted; the one-file
// change is undone after each run), FCW_BENCH_KEEP=1 keeps the work directory.
// Targets: unchanged ≤ 0.10x zip, one file ≤ 0.20x zip, first deploy peak RSS ≤ zip size + 100 MB.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCorpus, mb, median, TIME, timed } from './corpus.js';

const REPO = process.cwd();
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');

function startServe(cli: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; endpoint: string }> {
  return new Promise((resolve, reject) => {
    const args = [cli, 'serve', '--port', '0', '--json'];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0]!;
      try {
        resolve({ child, endpoint: (JSON.parse(line) as { endpoint: string }).endpoint });
      } catch {
        // not a whole line yet
      }
    });
    child.on('exit', (code) => reject(new Error(`fcw serve exited ${code}`)));
  });
}

interface DeployJson {
  status: string;
  package?: { zipBytes: number; cache?: { unchanged: boolean; reused: number } };
}

interface Step {
  ms: number[];
  rss: number[];
}

function record(step: Step, r: { ms: number; rssKb?: number }): void {
  step.ms.push(r.ms);
  if (r.rssKb !== undefined) step.rss.push(r.rssKb * 1024);
}

async function main(): Promise<void> {
  const runs = Number(process.env.FCW_BENCH_RUNS ?? 3);
  const targetFiles = Number(process.env.FCW_BENCH_FILES ?? 9_700);
  const targetMb = Number(process.env.FCW_BENCH_MB ?? 311);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  if (spawnSync('zip', ['-v']).status !== 0) throw new Error('Info-ZIP `zip` is not installed (apt-get install zip).');

  const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-redeploy-'));
  const cli = path.join(work, 'dist', path.basename(CLI));
  cpSync(path.dirname(CLI), path.dirname(cli), { recursive: true });
  const given = process.env.FCW_BENCH_CORPUS;
  const corpus = given ? path.resolve(given) : path.join(work, 'corpus');
  const step = (): Step => ({ ms: [], rss: [] });
  const steps = { first: step(), unchanged: step(), oneFile: step(), zip: step() };
  let zipSize = 0;
  let ourZip = 0;
  try {
    if (given && existsSync(corpus)) {
      console.log(`corpus: reusing ${corpus}`);
    } else {
      const t0 = Date.now();
      const shape = { binaryShare: 0.01, text: { vocabulary: 60, skew: 8 } };
      const stats = buildCorpus(corpus, targetFiles, targetMb * 1024 * 1024, 42, shape);
      console.log(`corpus: ${stats.files} files in ${stats.dirs} folders, ${mb(stats.bytes)} (${Date.now() - t0} ms)`);
    }
    if (!existsSync(TIME)) console.log(`note: ${TIME} not found, so peak RSS is not measured (apt-get install time).`);
    // Files written within a second of a cached scan are read again: let a fresh corpus age.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const changed = path.join(corpus, 'index.js');
    const original = statSync(changed).size;

    for (let i = 0; i < runs; i++) {
      const config = path.join(work, `config-${i}`);
      const noCloudKeys = { ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' };
      const env = { ...process.env, FCW_CONFIG_DIR: config, HOME: work, CI: 'true', ...noCloudKeys };
      const { child, endpoint } = await startServe(cli, env);
      const deploy = (args: string[]) => {
        const argv = [cli, 'deploy', '--endpoint', endpoint, ...args, '--yes', '--json'];
        const r = timed(process.execPath, argv, work, env);
        const result = JSON.parse(r.stdout) as DeployJson;
        return { ...r, result };
      };
      try {
        const fields = ['--service', 'bench', '--create-service', '--function', 'fn', '--runtime', 'nodejs20'];
        const first = deploy([...fields, '--handler', 'index.handler', '--code', corpus, '--save-profile', 'bench']);
        if (first.result.status !== 'created') throw new Error(`first deploy: ${first.stdout}`);
        ourZip = first.result.package?.zipBytes ?? 0;
        record(steps.first, first);
        const unchanged = deploy(['--profile', 'bench']);
        if (unchanged.result.status !== 'unchanged' || !unchanged.result.package?.cache?.unchanged) {
          throw new Error(`unchanged redeploy: ${unchanged.stdout}`);
        }
        record(steps.unchanged, unchanged);
        appendFileSync(changed, `// run ${i}\n`);
        const oneFile = deploy(['--profile', 'bench']);
        if (oneFile.result.status !== 'updated') throw new Error(`one-file redeploy: ${oneFile.stdout}`);
        record(steps.oneFile, oneFile);
        const zipOut = path.join(work, 'ref.zip');
        rmSync(zipOut, { force: true });
        record(steps.zip, timed('zip', ['-qr', '-6', zipOut, '.'], corpus));
        zipSize = statSync(zipOut).size;
      } finally {
        truncateSync(changed, original);
        child.kill('SIGTERM');
      }
      const last = (s: Step) => `${s.ms.at(-1)!.toFixed(0)} ms`;
      const { first, unchanged, oneFile, zip } = steps;
      console.log(
        `run ${i + 1}/${runs}: first ${last(first)}, unchanged ${last(unchanged)}, ` +
          `one file ${last(oneFile)}, zip ${last(zip)}`,
      );
    }
    const zipMs = median(steps.zip.ms);
    console.log('');
    const rows = [
      ['first deploy', steps.first],
      ['unchanged', steps.unchanged],
      ['one file', steps.oneFile],
      ['zip -qr -6', steps.zip],
    ] as const;
    for (const [label, s] of rows) {
      const rss = s.rss.length ? `, peak RSS ${mb(Math.max(...s.rss))}` : '';
      const ms = median(s.ms);
      console.log(`${label.padEnd(13)} median ${ms.toFixed(0).padStart(6)} ms  ${(ms / zipMs).toFixed(2)}x zip${rss}`);
    }
    const budget = mb(ourZip + 100 * 1024 * 1024);
    console.log(`zip sizes     fcw ${mb(ourZip)}, zip -6 ${mb(zipSize)}; first-deploy peak RSS budget ${budget}`);
    console.log('targets       unchanged ≤ 0.10x, one file ≤ 0.20x, first-deploy peak RSS ≤ zip + 100 MB');
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(`load average  ${load} on ${os.availableParallelism()} CPUs (a shared machine makes wall times noisy)`);
  } finally {
    if (process.env.FCW_BENCH_KEEP === '1') console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
