// `npm run bench:package`: fcw's packager against Info-ZIP `zip -qr -6` on the same tree.
//
// Builds a deterministic corpus shaped like a function's node_modules (about 20,000 files and
// 150 MB: many small text files that compress, a few large bundles, some binaries of random bytes
// that do not), then runs `node dist/cli.js package CORPUS --out X --json` and `zip -qr -6 X .`
// alternately N times and prints the median wall time of each, the ratio, both output sizes, and
// fcw's peak RSS (from `/usr/bin/time -f %M` when present: a child's maxRSS is not visible to us).
//
// Options (env): FCW_BENCH_RUNS (default 5), FCW_BENCH_FILES (20000), FCW_BENCH_MB (150),
// FCW_BENCH_KEEP=1 keeps the work directory; FCW_BENCH_CORPUS=DIR builds the corpus there once and
// reuses it on later runs (handy while tuning; DIR is never deleted).
// Targets: time ≤ 1.0x zip, size within 3% of zip's, peak RSS < 1.5 × zip size + 150 MB.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// run-ts.mjs bundles this file into node_modules/.cache, so paths are taken from the working
// directory (npm runs scripts from the package root), not from import.meta.url.
const REPO = process.cwd();
// FCW_BENCH_CLI: another build of the bin (when dist/ cannot be built at the moment).
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');

/** mulberry32: a tiny deterministic PRNG, so every run builds the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal from two uniforms (Box–Muller). */
function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const KEYWORDS = ['const', 'let', 'function', 'return', 'if', 'else', 'for', 'while', 'new', 'this', 'typeof',
  'require', 'module', 'exports', 'async', 'await', 'null', 'undefined', 'true', 'false', 'throw', 'Error'];
const PUNCT = ['(', ')', '{', '}', ';', ',', '.', ' = ', ' === ', ' + ', ' && ', ' || ', '\n', '\n  ', '\n    ', ': ', '[', ']'];

/** Source-like text: identifiers from a Zipf-ish vocabulary, keywords and punctuation. Compresses ~3-4x, like JS. */
class TextSource {
  private readonly words: Buffer[];
  constructor(private readonly rand: () => number) {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
    const vocab: string[] = [...KEYWORDS, ...PUNCT];
    for (let i = 0; i < 800; i++) {
      const len = 3 + Math.floor(rand() * 10);
      let w = '';
      for (let j = 0; j < len; j++) w += letters[Math.floor(rand() * letters.length)];
      vocab.push(w);
    }
    this.words = vocab.map((w) => Buffer.from(w));
  }
  fill(size: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    const n = this.words.length;
    while (at < size) {
      // The fourth power skews towards the front of the vocabulary (keywords, punctuation, common names).
      const r = this.rand();
      const word = this.words[Math.floor(r * r * r * r * n)]!;
      at += word.copy(out, at, 0, Math.min(word.length, size - at));
      if (at < size && r > 0.3) out[at++] = 0x20;
    }
    return out;
  }
}

function randomBytes(rand: () => number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) out.writeUInt32LE((rand() * 4294967296) >>> 0, i);
  for (; i < size; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

export interface CorpusStats { files: number; bytes: number; dirs: number }

/** Writes the corpus under `dir`: node_modules/<pkg>/{package.json,README.md,index.js,lib/...,dist/...}. */
export function buildCorpus(dir: string, targetFiles: number, targetBytes: number, seed = 42): CorpusStats {
  const rand = prng(seed);
  const text = new TextSource(rand);
  const binaryCount = Math.max(1, Math.round(targetFiles / 400));
  const binaryBytes = Math.round(targetBytes * 0.3);
  const textFiles = targetFiles - binaryCount;
  // Log-normal text sizes (median ~2 KB, long tail), scaled so the text adds up to what is left.
  const raw: number[] = [];
  for (let i = 0; i < textFiles; i++) raw.push(Math.min(Math.exp(7.6 + 1.3 * normal(rand)), 4e6));
  const scale = (targetBytes - binaryBytes) / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((s) => Math.max(1, Math.round(s * scale)));

  let files = 0;
  let bytes = 0;
  const dirs = new Set<string>();
  const put = (rel: string, data: Buffer) => {
    const full = path.join(dir, rel);
    const parent = path.dirname(full);
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    writeFileSync(full, data);
    files++;
    bytes += data.length;
  };

  let pkg = 0;
  let inPkg = 0;
  let pkgSize = 0;
  let pkgDir = '';
  for (let i = 0; i < sizes.length; i++) {
    if (inPkg >= pkgSize) {
      pkg++;
      inPkg = 0;
      pkgSize = 5 + Math.floor(rand() * 40);
      // One package in eight is nested (node_modules/a/node_modules/b), as npm does on conflicts.
      const nested = pkg > 8 && rand() < 0.125 ? `node_modules/pkg-${pkg - 7}/` : '';
      pkgDir = `node_modules/${nested}pkg-${pkg}`;
    }
    const name = inPkg === 0 ? 'package.json' : inPkg === 1 ? 'README.md' : inPkg === 2 ? 'index.js'
      : `${rand() < 0.7 ? 'lib' : 'dist/esm'}/${rand() < 0.2 ? 'internal/' : ''}file-${inPkg}.js`;
    put(`${pkgDir}/${name}`, text.fill(sizes[i]!));
    inPkg++;
  }
  // Binaries (prebuilt .node addons, images, wasm): random bytes that deflate cannot shrink.
  for (let i = 0; i < binaryCount; i++) {
    const size = Math.round((binaryBytes / binaryCount) * (0.5 + rand()));
    put(`node_modules/pkg-${1 + Math.floor(rand() * pkg)}/build/Release/addon-${i}.node`, randomBytes(rand, size));
  }
  put('index.js', Buffer.from("exports.handler = async (event) => ({ statusCode: 200, body: 'ok' });\n"));
  return { files, bytes, dirs: dirs.size };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const TIME = '/usr/bin/time';

/**
 * Runs a command; returns wall ms and, with /usr/bin/time, the peak RSS in KB and the CPU seconds
 * (user + system, all threads): on a shared machine CPU time is the steadier comparison.
 */
function timed(cmd: string, args: string[], cwd: string): { ms: number; rssKb?: number; cpuS?: number; stdout: string } {
  const useTime = existsSync(TIME);
  const started = process.hrtime.bigint();
  const result = useTime
    ? spawnSync(TIME, ['-f', 'FCW_BENCH_RSS_KB=%M FCW_BENCH_CPU=%U+%S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  const match = /FCW_BENCH_RSS_KB=(\d+) FCW_BENCH_CPU=([\d.]+)\+([\d.]+)/.exec(result.stderr ?? '');
  return {
    ms,
    rssKb: match ? Number(match[1]) : undefined,
    cpuS: match ? Number(match[2]) + Number(match[3]) : undefined,
    stdout: result.stdout,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function main(): void {
  const runs = Number(process.env.FCW_BENCH_RUNS ?? 5);
  const targetFiles = Number(process.env.FCW_BENCH_FILES ?? 20_000);
  const targetMb = Number(process.env.FCW_BENCH_MB ?? 150);
  if (!existsSync(CLI) && runs > 0) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  const zipOk = spawnSync('zip', ['-v'], { encoding: 'utf8' }).status === 0;
  if (!zipOk) throw new Error('Info-ZIP `zip` is not installed (apt-get install zip).');

  const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-package-'));
  // A private copy of the bin: dist/ is shared, and a rebuild during the runs would swap its chunks.
  const cli = path.join(work, 'dist', path.basename(CLI));
  if (runs > 0) cpSync(path.dirname(CLI), path.dirname(cli), { recursive: true });
  const given = process.env.FCW_BENCH_CORPUS;
  const corpus = given ? path.resolve(given) : path.join(work, 'corpus');
  try {
    if (given && existsSync(corpus)) {
      console.log(`corpus: reusing ${corpus}`);
    } else {
      const t0 = Date.now();
      const stats = buildCorpus(corpus, targetFiles, targetMb * 1024 * 1024);
      console.log(`corpus: ${stats.files} files in ${stats.dirs} folders, ${mb(stats.bytes)} (built in ${Date.now() - t0} ms) at ${corpus}`);
    }
    if (runs === 0) return;
    if (!existsSync(TIME)) console.log(`note: ${TIME} not found, so peak RSS is not measured (apt-get install time).`);

    const ours: number[] = [];
    const theirs: number[] = [];
    const rss: number[] = [];
    const ourCpu: number[] = [];
    const zipCpu: number[] = [];
    const ourOut = path.join(work, 'fcw.zip');
    const zipOut = path.join(work, 'zip.zip');
    let checksum = '';
    for (let i = 0; i < runs; i++) {
      rmSync(ourOut, { force: true });
      rmSync(zipOut, { force: true });
      // Alternate which goes first, so neither always runs on a warmer cache.
      const runOurs = () => {
        // --no-cache: this measures a full build every run (bench:redeploy measures the cache).
        const r = timed(process.execPath, [cli, 'package', corpus, '--out', ourOut, '--json', '--no-cache'], work);
        ours.push(r.ms);
        if (r.rssKb !== undefined) rss.push(r.rssKb * 1024);
        if (r.cpuS !== undefined) ourCpu.push(r.cpuS);
        const report = JSON.parse(r.stdout) as { checksum: string };
        if (checksum && checksum !== report.checksum) throw new Error('checksum differs between runs: not deterministic');
        checksum = report.checksum;
      };
      const runZip = () => {
        const r = timed('zip', ['-qr', '-6', zipOut, '.'], corpus);
        theirs.push(r.ms);
        if (r.cpuS !== undefined) zipCpu.push(r.cpuS);
      };
      if (i % 2 === 0) { runOurs(); runZip(); } else { runZip(); runOurs(); }
      console.log(`run ${i + 1}/${runs}: fcw ${ours.at(-1)!.toFixed(0)} ms, zip ${theirs.at(-1)!.toFixed(0)} ms`);
    }
    const ourSize = statSync(ourOut).size;
    const zipSize = statSync(zipOut).size;
    const ourMs = median(ours);
    const zipMs = median(theirs);
    const rssBudget = 1.5 * zipSize + 150 * 1024 * 1024;
    console.log('');
    console.log(`fcw package  median ${ourMs.toFixed(0)} ms  size ${ourSize} (${mb(ourSize)})`);
    console.log(`zip -qr -6   median ${zipMs.toFixed(0)} ms  size ${zipSize} (${mb(zipSize)})`);
    console.log(`time ratio   ${(ourMs / zipMs).toFixed(2)}x (target ≤ 1.00x)`);
    console.log(`size ratio   ${(ourSize / zipSize).toFixed(4)} (target within 3%)`);
    if (rss.length) {
      const peak = Math.max(...rss);
      console.log(`fcw peak RSS ${mb(peak)} (max of runs; median ${mb(median(rss))}); budget 1.5 × zip + 150 MB = ${mb(rssBudget)}`);
    }
    if (ourCpu.length && zipCpu.length) {
      console.log(`CPU time     fcw median ${median(ourCpu).toFixed(2)} s, zip median ${median(zipCpu).toFixed(2)} s (user + system, all threads)`);
    }
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} CPUs (a shared machine makes wall times noisy)`);
    console.log(`checksum     ${checksum} (same in every run)`);
  } finally {
    if (process.env.FCW_BENCH_KEEP === '1') console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main();
