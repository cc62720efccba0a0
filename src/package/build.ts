// buildPackage: folder → selected entries → zip (with its CRC-64) → the size report.
// scanFolder: the same selection without the zip, for the wizard's live scan.
import { CancelledError } from '../core/errors.js';
import type { FsOps } from './read-file.js';
import { selectEntries, type SelectedEntry, type Selection } from './select.js';
import { base64Size } from '../core/bytes.js';
import { LargestTracker, sizeVerdict } from './size.js';
import type { BuildPackageOptions, PackageEntry, PackageResult, ScanResult } from './types.js';
import { writeZip, type ZipSink } from './zip-writer.js';

/** A package whose zip went to a sink (a file, or nowhere) instead of memory. */
export type PackageSummary = Omit<PackageResult, 'zip'> & { zip?: Buffer };

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
  const report = () => onProgress({ phase: 'zip', files, totalFiles: selection.files, bytes, totalBytes: selection.bytes });
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
export async function buildPackage(options: BuildPackageOptions, internals: BuildInternals = {}): Promise<PackageResult> {
  const result = await packageFolder(options, undefined, internals);
  return { ...result, zip: result.zip! };
}

/**
 * Builds the package into `sink` (default: memory). `fcw package --out` streams to the file, so
 * the zip is never held whole in memory.
 */
export async function packageFolder(
  options: BuildPackageOptions,
  sink: ZipSink | undefined,
  internals: BuildInternals = {},
): Promise<PackageSummary> {
  if (options.signal?.aborted) throw new CancelledError('Packaging was cancelled.');
  const selection = await selectEntries(options.root, { runtime: options.runtime, exclude: internals.excludePaths, sync: true });
  options.onProgress?.({ phase: 'scan', files: 0, totalFiles: selection.files, bytes: 0, totalBytes: selection.bytes });
  const progress = progressReporter(selection, options, internals.progressEveryMs ?? 100);
  const { zip, zipBytes, checksum } = await writeZip(selection.entries, {
    sink,
    fs: internals.fs,
    maxInFlight: internals.maxInFlight,
    maxAheadBytes: internals.maxAheadBytes,
    asyncMinBytes: internals.asyncMinBytes,
    useWorkers: internals.useWorkers,
    workers: internals.workers,
    useJszipDeflate: internals.useJszipDeflate,
    streamMinBytes: internals.streamMinBytes,
    maxCompressedBytes: internals.maxCompressedBytes,
    signal: options.signal,
    onFileDone: progress?.done,
  });
  progress?.end();
  return {
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
}
