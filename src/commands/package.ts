// `fcw package DIR|FILE.zip [--runtime R] [--handler H] [--initializer I] [--out FILE] [--json]`:
// build (or load) the code package and report on it: files, sizes, the largest paths, the CRC-64,
// the verdict against FC's size limits, and the handler check. Nothing is sent anywhere.
//
// With --out the zip streams into a temporary file beside FILE and is renamed over it only when
// everything passed, so FILE is never a partial zip (out-file.ts). Without --out the zip is
// produced (for its size and checksum) and thrown away as it streams.
import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, exitCodeOf, UsageError } from '../core/errors.js';
import { globalFlags, parseCommandArgs } from '../cli/global-options.js';
import { stderrIsTty, type Io } from '../cli/io.js';
import { getRuntime } from '../fc/rules.js';
import { suggestRuntime } from '../fc/validate.js';
import { packageFolder, type PackageSummary } from '../package/build.js';
import { packageCacheFor, type PackageCache } from '../package/cache.js';
import { checkHandler } from '../package/handler-check.js';
import { loadZipPackage } from '../package/load-zip.js';
import { formatBytes } from '../core/bytes.js';
import { AtomicOut } from '../package/out-file.js';
import type { CacheUse, HandlerCheck, PackageProgress } from '../package/types.js';
import { DiscardSink, FileSink } from '../package/zip-writer.js';

export const PACKAGE_OPTIONS = {
  runtime: { type: 'string', short: 'r' },
  handler: { type: 'string' },
  initializer: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'no-cache': { type: 'boolean' },
} as const;

export const PACKAGE_HELP = `Usage
  fcw package DIR [--runtime R] [--handler H] [--initializer I] [--out FILE] [--json]
  fcw package FILE.zip|FILE.jar [same flags]

Builds the code package of DIR exactly as a deploy would (or checks an existing .zip/.jar) and
reports: files, raw size, zip size, base64 size, the ten largest paths, the CRC-64 checksum FC
will compare, the verdict against FC's size limits, and with --runtime the handler check.
Nothing is sent.

What goes in: every file under DIR, dot files included, except .git, .svn, .env, .DS_Store
(and node_modules for Python runtimes) and whatever DIR/.fcignore excludes (gitignore syntax;
"!pattern" brings a file back). Symlinks are kept as symlinks when they point inside DIR;
file modes are kept; a root \`bootstrap\` is made executable. Same tree, same zip, same checksum.

Flags
  -r, --runtime R      the FC runtime (nodejs20, python3.10, java11, custom, ...): Python leaves out
                       node_modules; the handler is checked against the package for it
  --handler H          the handler to check (default: the runtime's default, e.g. index.handler)
  --initializer I      the initializer to check, same format as the handler
  -o, --out FILE       write the zip to FILE (atomically: a temporary file, then a rename)
  --no-cache           build from scratch: neither use nor fill the package cache (by default an
                       unchanged tree is answered from the cache and unchanged files are reused)
  --json               one JSON object on stdout: files, bytes, zipBytes, base64Bytes, checksum,
                       largest, verdict, handler, initializer, out, cache

Ctrl-C stops it (exit 130) and removes the temporary files.

Exit codes: 0 packaged (size warnings included), 2 bad input: a missing or empty folder, an
unreadable file, a file that changed while it was read, a symlink leaving DIR, a file name that is
not UTF-8 or holds a backslash or control character, a file too large for FC, too many entries,
an --out that is not a regular file, or a handler/initializer the package does not contain.
`;

interface NamedCheck extends HandlerCheck {
  value: string;
}

function progressPrinter(io: Io): ((p: PackageProgress) => void) | undefined {
  if (!stderrIsTty(io)) return undefined;
  return (p) => {
    const line =
      p.phase === 'scan'
        ? `  scanned ${p.totalFiles.toLocaleString('en-US')} files, ${formatBytes(p.totalBytes)}`
        : `  zipping ${p.files.toLocaleString('en-US')}/${p.totalFiles.toLocaleString('en-US')} files, ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
    io.stderr.write(`\r\x1b[2K${line}`);
  };
}

function clearProgress(io: Io): void {
  if (stderrIsTty(io)) io.stderr.write('\r\x1b[2K');
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function buildOrLoad(
  source: string,
  runtime: string | undefined,
  out: AtomicOut | undefined,
  io: Io,
  cache: PackageCache | undefined,
  signal: AbortSignal,
): Promise<PackageSummary> {
  if (isFolder(source)) {
    const sink = out ? new FileSink(out.fd) : new DiscardSink();
    try {
      // The zip (and its temporary file) may be inside the folder: never package them.
      const excludePaths = out ? [out.target, out.temp] : [];
      const options = { root: source, runtime, cache, signal, onProgress: progressPrinter(io) };
      return await packageFolder(options, sink, { excludePaths });
    } finally {
      clearProgress(io);
    }
  }
  const loaded = await loadZipPackage(source);
  if (out) copyFileSync(source, out.temp);
  return loaded;
}

function runtimeOrThrow(value: string | undefined) {
  if (value === undefined) return undefined;
  const info = getRuntime(value);
  if (!info) {
    const suggestion = suggestRuntime(value);
    throw new UsageError(
      `--runtime: unknown runtime "${value}".`,
      suggestion
        ? `Did you mean ${suggestion}?`
        : 'Use an FC 2.0 runtime id such as nodejs20, python3.10, java11, go1 or custom.',
    );
  }
  return info;
}

function cacheLine(cache: CacheUse): string {
  if (cache.unchanged) return 'unchanged since the cached build: no file was read or compressed';
  const files = `${cache.reused.toLocaleString('en-US')} file${cache.reused === 1 ? '' : 's'}`;
  const next = cache.stored ? 'cached for next time' : 'not cached: the cache could not be written (it is optional)';
  if (cache.used) return `${files} reused from the cached build, the rest compressed; ${next}`;
  return `built in full (nothing cached to reuse), ${next}`;
}

function formatHuman(
  pkg: PackageSummary,
  checks: { handler?: NamedCheck; initializer?: NamedCheck },
  out: string | undefined,
): string {
  const lines: string[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  lines.push(
    pkg.source === 'folder' ? `Package of ${pkg.root}` : `Package ${pkg.root} (an existing zip, sent as it is)`,
  );
  lines.push(`  files       ${n(pkg.files)}, ${formatBytes(pkg.bytes)} (${n(pkg.bytes)} bytes)`);
  lines.push(
    `  zip         ${formatBytes(pkg.zipBytes)} (${n(pkg.zipBytes)} bytes); base64 ${formatBytes(pkg.base64Bytes)}`,
  );
  lines.push(`  checksum    ${pkg.checksum} (CRC-64, as FC's codeChecksum)`);
  lines.push(`  size        ${pkg.verdict.status}: ${pkg.verdict.message}`);
  if (pkg.largest.length) {
    const width = Math.max(...pkg.largest.map((l) => formatBytes(l.bytes).length));
    pkg.largest.forEach((l, i) =>
      lines.push(`  ${i === 0 ? 'largest' : '       '}     ${formatBytes(l.bytes).padStart(width)}  ${l.path}`),
    );
  }
  for (const [label, check] of [
    ['handler', checks.handler],
    ['initializer', checks.initializer],
  ] as const) {
    if (check) lines.push(`  ${label.padEnd(11)} ${check.status}: ${check.value}: ${check.message}`);
  }
  if (pkg.cache) lines.push(`  cache       ${cacheLine(pkg.cache)}`);
  if (out) lines.push(`  written     ${out}`);
  return `${lines.join('\n')}\n`;
}

function jsonReport(
  pkg: PackageSummary,
  runtime: string | undefined,
  checks: { handler?: NamedCheck; initializer?: NamedCheck },
  out: string | undefined,
) {
  return {
    source: pkg.source,
    root: pkg.root ?? null,
    runtime: runtime ?? null,
    files: pkg.files,
    bytes: pkg.bytes,
    zipBytes: pkg.zipBytes,
    base64Bytes: pkg.base64Bytes,
    checksum: pkg.checksum,
    largest: pkg.largest,
    verdict: pkg.verdict,
    handler: checks.handler ?? null,
    initializer: checks.initializer ?? null,
    out: out ?? null,
    cache: pkg.cache ?? null,
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  try {
    return await runPackage(args, io);
  } catch (error) {
    // --json promises one object on stdout, also when packaging never finished (as fcw deploy).
    if (args.includes('--json')) {
      const e = error as { message?: string; hint?: string; name?: string };
      io.stdout.write(
        `${JSON.stringify({ error: { message: e?.message ?? String(error), hint: e?.hint ?? null, code: e?.name ?? null, exitCode: exitCodeOf(error) } })}\n`,
      );
    }
    throw error;
  }
}

async function runPackage(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('package', args, PACKAGE_OPTIONS);
  const flags = globalFlags(values);
  if (flags.help) {
    io.stdout.write(PACKAGE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'fcw package: give the code folder (or a .zip/.jar) to package.'
        : `fcw package: one folder or file, got ${positionals.length}.`,
      'Usage: fcw package DIR [--runtime R] [--handler H] [--out FILE] [--json]',
    );
  }
  const runtime = runtimeOrThrow(values.runtime);
  if (!runtime && (values.handler !== undefined || values.initializer !== undefined)) {
    throw new UsageError(
      '--handler and --initializer need --runtime: the handler format depends on it.',
      'Add --runtime, e.g. --runtime nodejs20.',
    );
  }
  const source = path.resolve(io.cwd, positionals[0]!);
  const outPath = values.out !== undefined ? path.resolve(io.cwd, values.out) : undefined;
  const out = outPath ? new AtomicOut(outPath) : undefined;
  // Ctrl-C (or SIGTERM) stops packaging through the signal, so the temporary files (--out's and the
  // package cache's) are removed on the way out; a second Ctrl-C kills at once, as by default.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const cache = packageCacheFor(io.env, Boolean(values['no-cache']));
    const pkg = await buildOrLoad(source, runtime?.id, out, io, cache, controller.signal);
    const checks: { handler?: NamedCheck; initializer?: NamedCheck } = {};
    if (runtime) {
      const handler = values.handler ?? runtime.defaultHandler;
      if (!runtime.usesImage)
        checks.handler = { value: handler, ...(await checkHandler(pkg, runtime.id, handler, 'handler')) };
      if (values.initializer !== undefined) {
        checks.initializer = {
          value: values.initializer,
          ...(await checkHandler(pkg, runtime.id, values.initializer, 'initializer')),
        };
      }
    }
    const failed = checks.handler?.status === 'error' || checks.initializer?.status === 'error';
    if (out && !failed) out.commit();
    else out?.abandon();
    const written = out && !failed ? out.target : undefined;
    if (flags.json) io.stdout.write(`${JSON.stringify(jsonReport(pkg, runtime?.id, checks, written))}\n`);
    else io.stdout.write(formatHuman(pkg, checks, written));
    if (failed) {
      io.stderr.write(
        `fcw: the package does not contain what the ${checks.handler?.status === 'error' ? 'handler' : 'initializer'} names${out ? `; ${out.target} was not written` : ''}.\n`,
      );
      return EXIT.usage;
    }
    return EXIT.ok;
  } catch (error) {
    out?.abandon();
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
