// The benchmarks' shared parts: a deterministic corpus shaped like a function's node_modules, and
// a timer for child processes (wall time, and with /usr/bin/time the peak RSS and CPU time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

const KEYWORDS = [
  'const',
  'let',
  'function',
  'return',
  'if',
  'else',
  'for',
  'while',
  'new',
  'this',
  'typeof',
  'require',
  'module',
  'exports',
  'async',
  'await',
  'null',
  'undefined',
  'true',
  'false',
  'throw',
  'Error',
];
const PUNCT = [
  '(',
  ')',
  '{',
  '}',
  ';',
  ',',
  '.',
  ' = ',
  ' === ',
  ' + ',
  ' && ',
  ' || ',
  '\n',
  '\n  ',
  '\n    ',
  ': ',
  '[',
  ']',
];

/**
 * Source-like text: identifiers from a Zipf-ish vocabulary, keywords and punctuation. With the
 * defaults (800 words, skew 4) it compresses ~3.3x, like minified JS; 60 words at skew 8 give
 * ~5.9x, like a whole node_modules with its .d.ts, maps and docs.
 */
export interface TextStyle {
  vocabulary: number;
  skew: number;
}

class TextSource {
  private readonly words: Buffer[];
  constructor(
    private readonly rand: () => number,
    private readonly style: TextStyle = { vocabulary: 800, skew: 4 },
  ) {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
    const vocab: string[] = [...KEYWORDS, ...PUNCT];
    for (let i = 0; i < style.vocabulary; i++) {
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
      // A power skews towards the front of the vocabulary (keywords, punctuation, common names).
      const r = this.rand();
      // r*r*r*r exactly for the default, so bench:package's corpus keeps its bytes.
      const skewed = this.style.skew === 4 ? r * r * r * r : r ** this.style.skew;
      const word = this.words[Math.floor(skewed * n)]!;
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

export interface CorpusStats {
  files: number;
  bytes: number;
  dirs: number;
}

/** Writes the corpus under `dir`: node_modules/<pkg>/{package.json,README.md,index.js,lib/...,dist/...}. */
export interface CorpusShape {
  /** Share of the bytes that are random (prebuilt binaries); default 0.3. */
  binaryShare?: number;
  text?: TextStyle;
}

export function buildCorpus(
  dir: string,
  targetFiles: number,
  targetBytes: number,
  seed = 42,
  shape: CorpusShape = {},
): CorpusStats {
  const rand = prng(seed);
  const text = new TextSource(rand, shape.text);
  const binaryCount = Math.max(1, Math.round(targetFiles / 400));
  const binaryBytes = Math.round(targetBytes * (shape.binaryShare ?? 0.3));
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
    const name =
      inPkg === 0
        ? 'package.json'
        : inPkg === 1
          ? 'README.md'
          : inPkg === 2
            ? 'index.js'
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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const TIME = '/usr/bin/time';

/**
 * Runs a command; returns wall ms and, with /usr/bin/time, the peak RSS in KB and the CPU seconds
 * (user + system, all threads): on a shared machine CPU time is the steadier comparison.
 */
export function timed(
  cmd: string,
  args: string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): { ms: number; rssKb?: number; cpuS?: number; stdout: string } {
  const useTime = existsSync(TIME);
  const options = { cwd, env, encoding: 'utf8' as const, maxBuffer: 64 << 20 };
  const started = process.hrtime.bigint();
  const result = useTime
    ? spawnSync(TIME, ['-f', 'FCW_BENCH_RSS_KB=%M FCW_BENCH_CPU=%U+%S', cmd, ...args], options)
    : spawnSync(cmd, args, options);
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

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
