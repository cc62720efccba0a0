// buildPackage: folder → selected entries → zip (with its CRC-64) → the size report.
// scanFolder: the same selection without the zip, for the wizard's live scan.
import { readFileSync } from 'node:fs';
import { CancelledError, FailedError } from '../core/errors.js';
import { crc64 } from './crc64.js';
import { readEntry, type FsOps } from './read-file.js';
import { prepareSync } from './prepare-queue.js';
import { STREAM_MIN_BYTES } from './read-large.js';
import { selectEntries, type SelectedEntry, type Selection } from './select.js';
import { base64Size } from '../core/bytes.js';
import { LargestTracker, sizeVerdict } from './size.js';
import type { BuildPackageOptions, CacheUse, PackageEntry, PackageResult, ScanResult } from './types.js';
import type { CachedPackage } from './cache.js';
import { DiscardSink, FileSink, memorySinkFor, TeeSink, writeZip } from './zip-writer.js';
import type { ZipOnDisk } from '../core/zip-on-disk.js';
import { closeQuietly, createTempZip, removeAtProcessExit, removeTempZip } from './temp-zip.js';
import type { ReusedEntries, ZipOutput, ZipSink } from './zip-writer.js';
import { withSmallYoungGeneration } from './young-generation.js';

/** A package whose zip went to a sink (a file, or nowhere) instead of memory. */
export type PackageSummary = Omit<PackageResult, 'zip'> & { zip?: Buffer };

/** A package whose zip is in a file: the package cache's copy, or a temporary file. */
export type PackageOnDisk = Omit<PackageResult, 'zip'> & { zip: ZipOnDisk };

/** Where packageFolder leaves the zip when it is not given a sink: in memory, or in a file. */
type Destination = { kind: 'sink'; sink: ZipSink | undefined } | { kind: 'disk'; tempDir: string };

/** Knobs for tests and the benchmark; not part of the public contract. */
export interface BuildInternals {
  fs?: FsOps;
  maxInFlight?: number;
  maxAheadBytes?: number;
  asyncMinBytes?: number;
  useJszipDeflate?: boolean;
  /** Worker threads (default: for big packages); false forces the in-process threadpool queue. */
  useWorkers?: boolean;
  workers?: number;
  /** Minimum milliseconds between progress reports (default 100). */
  progressEveryMs?: number;
  /** Absolute paths left out (the zip being written, when it is inside the folder). */
  excludePaths?: string[];
  /** Files at least this big are streamed through deflate (default 32 MB). */
  streamMinBytes?: number;
  /** A streamed file compressing to more than this is refused (default: FC's OSS limit). */
  maxCompressedBytes?: number;
  /**
   * Entries per jszip batch (default 256); Infinity frames the whole zip in one jszip archive, as
   * before batching (then nothing is copied from the cache: tests compare the bytes).
   */
  batchEntries?: number;
  /** The wall clock in nanoseconds, for the cache's racy-entry rule (tests move it). */
  nowNs?: () => bigint;
}

function largestOf(entries: SelectedEntry[]) {
  const tracker = new LargestTracker();
  for (const entry of entries) if (entry.kind !== 'dir') tracker.offer(entry.path, entry.size);
  return tracker.list();
}

function toPackageEntry(entry: SelectedEntry): PackageEntry {
  const out: PackageEntry = { path: entry.path, kind: entry.kind, mode: entry.mode, bytes: entry.size };
  if (entry.target !== undefined) out.target = entry.target;
  return out;
}

/** Files, bytes and the largest paths, without building the zip; the verdict uses the raw size as an upper bound. */
export async function scanFolder(root: string, runtime?: string): Promise<ScanResult> {
  const selection = await selectEntries(root, { runtime });
  return {
    files: selection.files,
    bytes: selection.bytes,
    largest: largestOf(selection.entries),
    // The zip is not built yet: judge the raw bytes, which the zip will not exceed by much.
    verdict: sizeVerdict(selection.bytes),
  };
}

function progressReporter(selection: Selection, options: BuildPackageOptions, everyMs: number) {
  const onProgress = options.onProgress;
  if (!onProgress) return undefined;
  let files = 0;
  let bytes = 0;
  let last = 0;
  const report = () =>
    onProgress({ phase: 'zip', files, totalFiles: selection.files, bytes, totalBytes: selection.bytes });
  return {
    done(entry: SelectedEntry) {
      files++;
      bytes += entry.size;
      const now = Date.now();
      if (now - last >= everyMs) {
        last = now;
        report();
      }
    },
    end: report,
  };
}

/** Builds the package and keeps the zip in memory (the contract: what deploy sends). */
export async function buildPackage(
  options: BuildPackageOptions,
  internals: BuildInternals = {},
): Promise<PackageResult> {
  // In memory there is always a zip: a Buffer, or (a tree unchanged since the cached build) a getter
  // that loads it on first use, so the object is returned as it is rather than spread.
  return (await packageFolder(options, undefined, internals)) as PackageResult;
}

/**
 * Builds the package and leaves the zip in a file (what a deploy streams its request body from),
 * so memory never holds the whole zip: with the cache, the cache's own copy; without, a temporary
 * file in `tempDir` removed at exit.
 */
export async function buildPackageOnDisk(
  options: BuildPackageOptions,
  tempDir: string,
  internals: BuildInternals = {},
): Promise<PackageOnDisk> {
  return (await packageInto(options, { kind: 'disk', tempDir }, internals)) as PackageOnDisk;
}

const onDisk = (file: string, zipBytes: number, checksum: string): ZipOnDisk => ({
  kind: 'zip-file',
  path: file,
  size: zipBytes,
  checksum,
});

/** Wall clock in nanoseconds (what file timestamps are compared with). */
const wallClockNs = () => BigInt(Date.now()) * 1_000_000n;

/**
 * Builds the package into `sink` (default: memory). `fcw package --out` streams to the file, so
 * the zip is never held whole in memory. With `options.cache`, an unchanged tree is answered from
 * the cache and a changed one reuses the cached compressed bytes of its unchanged files; the zip is
 * the same either way.
 */
export async function packageFolder(
  options: BuildPackageOptions,
  sink: ZipSink | undefined,
  internals: BuildInternals = {},
): Promise<PackageSummary> {
  return (await packageInto(options, { kind: 'sink', sink }, internals)) as PackageSummary;
}

function packageInto(
  options: BuildPackageOptions,
  destination: Destination,
  internals: BuildInternals,
): Promise<PackageSummary | PackageOnDisk> {
  return withSmallYoungGeneration(() => buildInto(options, destination, internals));
}

async function buildInto(
  options: BuildPackageOptions,
  destination: Destination,
  internals: BuildInternals,
): Promise<PackageSummary | PackageOnDisk> {
  const sink = destination.kind === 'sink' ? destination.sink : undefined;
  if (options.signal?.aborted) throw new CancelledError('Packaging was cancelled.');
  const scanStartNs = (internals.nowNs ?? wallClockNs)();
  const selection = await selectEntries(options.root, {
    runtime: options.runtime,
    exclude: internals.excludePaths,
    sync: true,
  });
  options.onProgress?.({ phase: 'scan', files: 0, totalFiles: selection.files, bytes: 0, totalBytes: selection.bytes });
  const cached = options.cache?.open(selection.root, options.runtime);
  try {
    const match = cached?.compare(selection.entries);
    if (cached && match?.racy && cached.verify() && racyEntriesUnchanged(match.racy, cached, internals.fs)) {
      options.cache!.refresh(cached, selection.entries, scanStartNs);
      match.unchanged = true;
    }
    if (cached && match?.unchanged) {
      if (destination.kind === 'disk') {
        if (cached.verify()) {
          const summary = summaryOf(
            selection,
            { zip: undefined, zipBytes: cached.zipBytes, checksum: cached.checksum },
            {
              used: true,
              unchanged: true,
              reused: reusedCount(selection),
              stored: true,
            },
          );
          // The client checks the file's CRC-64 again as it reads it for the request's digest.
          return { ...summary, zip: onDisk(cached.zipPath, cached.zipBytes, cached.checksum), folderMatchesZip: true };
        }
      } else {
        const answer = answerFromCache(selection, cached, sink);
        if (answer) return answer;
      }
    }
    const reuse = cached && match && match.reusable > 0 && cached.verifyForReuse() ? cached : undefined;
    const writer = options.cache?.beginWrite(selection.root, options.runtime);
    // On disk without the cache: a temporary file of our own.
    const temp = destination.kind === 'disk' && !writer ? createTempZip(destination.tempDir) : undefined;
    const memory =
      destination.kind === 'sink' && sink === undefined && writer ? memorySinkFor(selection.entries) : undefined;
    const own = temp ? new FileSink(temp.fd) : (sink ?? memory);
    const target = writer ? (own ? new TeeSink(own, writer.sink) : writer.sink) : own;
    let reused = 0;
    let output: ZipOutput;
    try {
      output = await zipSelection(
        selection,
        options,
        internals,
        target,
        reuse && {
          central: reuse.central,
          path: reuse.path,
          read: (buffer, offset, length, position) => reuse.read(buffer, offset, length, position),
          rawEntry: (entry) => {
            const raw = reuse.rawEntry(entry);
            if (raw && entry.kind === 'file' && entry.size > 0) reused++;
            return raw;
          },
        },
      );
    } catch (error) {
      writer?.abandon();
      if (temp) {
        closeQuietly(temp.fd);
        removeTempZip(temp.path);
      }
      throw error;
    }
    let zipFile = temp?.path;
    if (temp) closeQuietly(temp.fd);
    let stored = false;
    if (writer) {
      try {
        const { zipBytes, checksum } = output;
        const runtime = options.runtime ?? null;
        const fields = { root: selection.root, runtime, scanStartNs: String(scanStartNs), zipBytes, checksum };
        zipFile = writer.commit(fields, selection.entries);
        stored = true;
      } catch {
        // The cache is optional: a full disk there must not fail the build. On disk, its file is
        // the only copy of the zip: kept until exit instead.
        if (destination.kind === 'disk') {
          zipFile = writer.detach();
          removeAtProcessExit(zipFile);
        } else writer.abandon();
      }
    }
    const cache = options.cache ? { used: reuse !== undefined, unchanged: false, reused, stored } : undefined;
    const summary = summaryOf(selection, output, cache);
    if (destination.kind === 'disk') return { ...summary, zip: onDisk(zipFile!, output.zipBytes, output.checksum) };
    return summary;
  } finally {
    cached?.close();
  }
}

/**
 * Entries whose keys match but changed within a second of the cached scan: read again (only they),
 * their zip entry is compared byte for byte with the cached one. Equal deflated bytes mean equal
 * content, so the cached zip is still this tree's. Large files are not re-read here (a build is).
 */
function racyEntriesUnchanged(racy: readonly SelectedEntry[], cached: CachedPackage, fs: FsOps | undefined): boolean {
  for (const entry of racy) {
    if (entry.kind !== 'file' || entry.size === 0) continue; // their key is their content
    if (entry.size >= STREAM_MIN_BYTES) return false;
    try {
      const fresh = prepareSync(readEntry(entry, fs));
      const old = cached.prepared(entry);
      const oldData = Buffer.isBuffer(old.data) ? old.data : Buffer.concat(old.data);
      const freshData = Buffer.isBuffer(fresh.data) ? fresh.data : Buffer.concat(fresh.data);
      if (fresh.deflated !== old.deflated || fresh.crc32 !== old.crc32 || !freshData.equals(oldData)) return false;
    } catch {
      return false; // unreadable or changed: the build says so
    }
  }
  return true;
}

/** Files whose compressed bytes an unchanged tree takes from the cache (all non-empty files). */
function reusedCount(selection: Selection): number {
  return selection.entries.filter((entry) => entry.kind === 'file' && entry.size > 0).length;
}

/** The cached zip as this tree's package, or undefined when its bytes fail their CRC-64 (then: build). */
function answerFromCache(
  selection: Selection,
  cached: CachedPackage,
  sink: ZipSink | undefined,
): PackageSummary | undefined {
  const cache = { used: true, unchanged: true, reused: reusedCount(selection), stored: true };
  const output = { zip: undefined as Buffer | undefined, zipBytes: cached.zipBytes, checksum: cached.checksum };
  // Only the report is wanted: nothing is read, not even the cached zip.
  if (sink instanceof DiscardSink) return summaryOf(selection, output, cache);
  if (sink) {
    const zip = cached.verify(true);
    if (!zip) return undefined;
    sink.write(zip);
    sink.close();
    return summaryOf(selection, output, cache);
  }
  // In memory (a deploy): checked now, in 1 MB reads, but loaded only if the zip is sent; a
  // redeploy whose deployed codeChecksum equals this one never holds it.
  if (!cached.verify()) return undefined;
  const summary = summaryOf(selection, output, cache);
  const file = cached.zipPath;
  let loaded: Buffer | undefined;
  Object.defineProperty(summary, 'zip', {
    enumerable: true,
    get: () => (loaded ??= loadCachedZip(file, cached.zipBytes, cached.checksum)),
  });
  summary.folderMatchesZip = true;
  return summary;
}

/** The cached zip's bytes, checked again (its file is replaced only by rename, but disks fail). */
function loadCachedZip(file: string, size: number, checksum: string): Buffer {
  const zip = readFileSync(file);
  if (zip.length !== size || crc64(zip) !== checksum) {
    throw new FailedError(
      `The package cache's copy of the zip (${file}) changed after it was checked; nothing was sent.`,
      'Deploy again: the cache is rebuilt.',
    );
  }
  return zip;
}

async function zipSelection(
  selection: Selection,
  options: BuildPackageOptions,
  internals: BuildInternals,
  sink: ZipSink | undefined,
  reuse: ReusedEntries | undefined,
): Promise<ZipOutput> {
  const progress = progressReporter(selection, options, internals.progressEveryMs ?? 100);
  const output = await writeZip(selection.entries, {
    sink,
    reuse,
    fs: internals.fs,
    maxInFlight: internals.maxInFlight,
    maxAheadBytes: internals.maxAheadBytes,
    asyncMinBytes: internals.asyncMinBytes,
    useWorkers: internals.useWorkers,
    workers: internals.workers,
    useJszipDeflate: internals.useJszipDeflate,
    streamMinBytes: internals.streamMinBytes,
    batchEntries: internals.batchEntries,
    maxCompressedBytes: internals.maxCompressedBytes,
    signal: options.signal,
    onFileDone: progress?.done,
  });
  progress?.end();
  return output;
}

function summaryOf(selection: Selection, output: ZipOutput, cache: CacheUse | undefined): PackageSummary {
  const { zip, zipBytes, checksum } = output;
  const summary: PackageSummary = {
    zip,
    checksum,
    files: selection.files,
    bytes: selection.bytes,
    zipBytes,
    base64Bytes: base64Size(zipBytes),
    largest: largestOf(selection.entries),
    entries: selection.entries.map(toPackageEntry),
    verdict: sizeVerdict(zipBytes),
    root: selection.root,
    source: 'folder',
  };
  if (cache) summary.cache = cache;
  return summary;
}
