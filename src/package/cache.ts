// The package cache: per code folder, the last zip built from it and, for every entry, the stat key
// it was built from (path, kind, size, mode, mtime and ctime in nanoseconds, inode, device). A
// redeploy of an unchanged tree is then recognised from `stat` alone, and a changed tree reuses the
// compressed bytes of its unchanged files from the previous zip, deflating only the rest; the zip
// comes out byte-identical to a full build because each entry's bytes depend only on its content.
//
// Layout, under CONFIG_DIR/package-cache/<hash of folder and runtime>/:
//   manifest.json     the keys, the zip's name, size and CRC-64, and a SHA-256 of all of it
//   <crc64>.zip       the zip itself
//   tmp-<pid>-*.zip   a zip being written (renamed into place when complete)
// The cache is never trusted blindly: a manifest that does not parse, has another format, fails its
// digest, or names a zip of the wrong size is a miss; the zip's CRC-64 is checked before any of its
// bytes are used, and each reused entry's local header is checked against the index. A miss means
// a full build, never a wrong zip. Folders are evicted oldest-used first above CACHE_CAP_BYTES.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fcwConfigDir } from '../core/config-dir.js';
import { Crc64 } from './crc64.js';
import { DEFLATE_LEVEL, type Prepared } from './prepare-queue.js';
import type { SelectedEntry } from './select.js';
import { localHeaderMatches, readCentralDirectory, readEntryData, type IndexedEntry } from './zip-index.js';
import { FileSink, JSZIP_INTERNALS_VERSION, type ReusedEntries, type ZipSink } from './zip-writer.js';

/** Changes whenever the bytes a tree produces could change (writer, level, this layout). */
export const CACHE_FORMAT = `fcw-package-cache/1 jszip-${JSZIP_INTERNALS_VERSION} deflate-${DEFLATE_LEVEL}`;
/** All cached folders together; the least recently used are evicted above it. */
export const CACHE_CAP_BYTES = 1024 * 1024 * 1024;
/**
 * An entry changed less than this before the scan that cached it is not trusted (git's "racy"
 * case): a file written again within the file system's timestamp granularity (1 s on some, a
 * kernel tick on others) after it was read keeps the same stamp with other bytes.
 */
export const RACY_WINDOW_NS = 1_000_000_000n;
/**
 * Zips in a cache folder that no manifest names are removed once this old: a concurrent build may
 * be about to commit one.
 */
const ORPHAN_AGE_MS = 60_000;
const MANIFEST = 'manifest.json';
const VERIFY_CHUNK = 1024 * 1024;

export function cacheRootIn(configDir: string): string {
  return path.join(configDir, 'package-cache');
}

/** The cache under the config directory, or none with `--no-cache`. */
export function packageCacheFor(env: NodeJS.ProcessEnv, noCache: boolean): PackageCache | undefined {
  return noCache ? undefined : new PackageCache(cacheRootIn(fcwConfigDir(env)));
}

/** One entry's key as stored: [path, kind, size, mode, stamp, changedNs, target]. */
type KeyRow = [string, string, number, number, string, string, string | null];

interface Manifest {
  format: string;
  root: string;
  runtime: string | null;
  /** Wall clock when the scan that built the zip started, in nanoseconds. */
  scanStartNs: string;
  zipFile: string;
  zipBytes: number;
  checksum: string;
  /** SHA-256 of the key rows without changedNs: equal rows mean an unchanged tree. */
  keyDigest: string;
  rows: KeyRow[];
}

function keyRow(entry: SelectedEntry): KeyRow {
  return [entry.path, entry.kind, entry.size, entry.mode, entry.stamp, String(entry.changedNs), entry.target ?? null];
}

function sameKey(row: KeyRow, entry: SelectedEntry): boolean {
  const [, kind, size, mode, stamp, , target] = row;
  if (kind !== entry.kind || size !== entry.size || mode !== entry.mode) return false;
  return stamp === entry.stamp && target === (entry.target ?? null);
}

export function keyDigestOf(entries: readonly SelectedEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) {
    hash.update(`${JSON.stringify([e.path, e.kind, e.size, e.mode, e.stamp, e.target ?? null])}\n`);
  }
  return hash.digest('hex');
}

function sealed(manifest: Manifest): string {
  const body = JSON.stringify(manifest);
  const digest = createHash('sha256').update(body).digest('hex');
  return JSON.stringify({ digest, body });
}

function unseal(text: string): Manifest | undefined {
  try {
    const outer = JSON.parse(text) as { digest?: unknown; body?: unknown };
    if (typeof outer.body !== 'string' || typeof outer.digest !== 'string') return undefined;
    if (createHash('sha256').update(outer.body).digest('hex') !== outer.digest) return undefined;
    const manifest = JSON.parse(outer.body) as Manifest;
    if (manifest.format !== CACHE_FORMAT || !Array.isArray(manifest.rows)) return undefined;
    if (!/^\d+\.zip$/.test(manifest.zipFile) || !/^\d+$/.test(manifest.scanStartNs)) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a cached zip can do for the tree just scanned. */
export interface CacheMatch {
  /** Every key equal and none racy: the cached zip is the zip of this tree. */
  unchanged: boolean;
  /** Every key equal, but these entries changed too close to the cached scan to be trusted. */
  racy?: SelectedEntry[];
  /** Files whose compressed bytes can be taken from the cached zip. */
  reusable: number;
}

/** A cached zip opened for one build: compared with the scan, verified, then read from. */
export class CachedPackage implements ReusedEntries {
  private index: Map<string, IndexedEntry> | undefined;
  private centralBytes: Buffer | undefined;
  private verified = false;
  private headersChecked = false;

  constructor(
    private readonly fd: number,
    readonly manifest: Manifest,
    private readonly rows: Map<string, KeyRow>,
    /** The cached zip's file (named by its CRC-64, written only by rename). */
    readonly zipPath: string,
  ) {}

  get checksum(): string {
    return this.manifest.checksum;
  }

  get zipBytes(): number {
    return this.manifest.zipBytes;
  }

  /** Entries changed before this (nanoseconds) are trusted: older than the racy window at the cached scan. */
  private trustedBefore: bigint | undefined;

  private trusted(row: KeyRow): boolean {
    this.trustedBefore ??= BigInt(this.manifest.scanStartNs) - RACY_WINDOW_NS;
    return BigInt(row[5]) < this.trustedBefore;
  }

  /** The cached entry `entry` may take its bytes from, if its key is unchanged and not racy. */
  reusableRow(entry: SelectedEntry): KeyRow | undefined {
    const row = this.rows.get(entry.path);
    return row && sameKey(row, entry) && this.trusted(row) ? row : undefined;
  }

  compare(entries: readonly SelectedEntry[]): CacheMatch {
    let reusable = 0;
    const racy: SelectedEntry[] = [];
    let allKeysEqual = entries.length === this.rows.size;
    for (const entry of entries) {
      const row = this.rows.get(entry.path);
      if (!row || !sameKey(row, entry)) allKeysEqual = false;
      else if (!this.trusted(row)) racy.push(entry);
      else if (entry.kind === 'file') reusable++;
    }
    allKeysEqual &&= keyDigestOf(entries) === this.manifest.keyDigest;
    if (!allKeysEqual) return { unchanged: false, reusable };
    return racy.length === 0 ? { unchanged: true, reusable } : { unchanged: false, racy, reusable };
  }

  /**
   * Reads the whole zip once and checks its CRC-64 against the manifest; `keep` returns the bytes.
   * False (or undefined) when it does not match: the cache is then not used.
   */
  verify(keep: true): Buffer | undefined;
  verify(keep?: false): boolean;
  verify(keep = false): Buffer | boolean | undefined {
    if (!keep && this.verified) return true;
    const crc = new Crc64();
    const whole = keep ? Buffer.allocUnsafe(this.manifest.zipBytes) : undefined;
    const chunk = keep ? undefined : Buffer.allocUnsafe(VERIFY_CHUNK);
    let offset = 0;
    while (offset < this.manifest.zipBytes) {
      const target = whole ?? chunk!;
      const at = whole ? offset : 0;
      const length = Math.min(target.length - at, this.manifest.zipBytes - offset);
      const n = readSync(this.fd, target, at, length, offset);
      if (n === 0) return keep ? undefined : false;
      crc.update(target.subarray(at, at + n));
      offset += n;
    }
    this.verified = crc.digest() === this.manifest.checksum;
    if (keep) return this.verified ? whole : undefined;
    return this.verified;
  }

  /**
   * verify(), and in the same read every entry's local header is checked against its central
   * record (rawEntry's callers copy entries by the central directory's offsets). False when
   * anything disagrees: the cache is then not used.
   */
  verifyForReuse(): boolean {
    if (this.headersChecked) return true;
    let entries: IndexedEntry[];
    try {
      entries = this.loadIndex();
    } catch {
      return false;
    }
    const central = this.centralBytes!;
    const size = this.manifest.zipBytes;
    const crc = new Crc64();
    const chunk = Buffer.allocUnsafe(VERIFY_CHUNK);
    let offset = 0;
    let next = 0;
    let previousEnd = 0;
    while (offset < size) {
      const n = this.readFully(chunk, Math.min(chunk.length, size - offset), offset);
      if (n === 0) return false;
      let usable = n;
      // The headers this read holds whole; one cut by its end is checked at the start of the next.
      for (; next < entries.length; next++) {
        const entry = entries[next]!;
        const at = entry.localOffset - offset;
        if (at >= n) break;
        if (entry.localOffset < previousEnd) return false; // out of order or overlapping
        if (at + entry.localLength > n) {
          if (at === 0) return false;
          usable = at;
          break;
        }
        if (!localHeaderMatches(chunk.subarray(0, n), at, central, entry)) return false;
        previousEnd = entry.localOffset + entry.localLength + entry.compressedSize;
      }
      crc.update(chunk.subarray(0, usable));
      offset += usable;
    }
    if (next !== entries.length || crc.digest() !== this.manifest.checksum) return false;
    this.verified = true;
    this.headersChecked = true;
    return true;
  }

  /**
   * Where `entry`'s zip entry is in the cached zip, if it can be copied as it is: its key is
   * unchanged and trusted, and the central record agrees (name, size, method, mode). Folders and
   * symlinks too: their entries are their name, mode and target. Only after
   * verifyForReuse.
   */
  rawEntry(entry: SelectedEntry): IndexedEntry | undefined {
    if (!this.headersChecked || !this.reusableRow(entry)) return undefined;
    const dir = entry.kind === 'dir';
    const indexed = this.index!.get(dir ? `${entry.path}/` : entry.path);
    const deflatable = entry.kind === 'file' && entry.size > 0;
    if (!indexed || indexed.uncompressedSize !== (dir ? 0 : entry.size)) return undefined;
    if (indexed.method !== 0 && !(deflatable && indexed.method === 8)) return undefined;
    // External attributes: the Unix mode in the high 16 bits, and DOS's folder bit, as jszip writes them.
    const attributes = this.centralBytes!.readUInt32LE(indexed.centralOffset + 38);
    return attributes === (((entry.mode & 0xffff) << 16) | (dir ? 0x10 : 0)) >>> 0 ? indexed : undefined;
  }

  /** The cached zip's central directory (rawEntry's offsets point into it). */
  get central(): Buffer {
    if (!this.centralBytes) throw new Error('CachedPackage: verifyForReuse() first');
    return this.centralBytes;
  }

  get path(): string {
    return this.zipPath;
  }

  read(buffer: Buffer, offset: number, length: number, position: number): number {
    return readSync(this.fd, buffer, offset, length, position);
  }

  private readFully(buffer: Buffer, length: number, position: number): number {
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buffer, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  /** The central directory's entries, in the zip's order (read once). */
  private loadIndex(): IndexedEntry[] {
    const { entries, central } = readCentralDirectory(this.fd, this.manifest.zipBytes);
    this.index = new Map(entries.map((e) => [e.name, e]));
    this.centralBytes = central;
    return entries;
  }

  /** The cached compressed entry for `entry` (call only for entries reusableRow accepted, after verify). */
  prepared(entry: SelectedEntry): Prepared {
    if (!this.verified) throw new Error('CachedPackage: verify() first');
    if (!this.index) this.loadIndex();
    const indexed = this.index!.get(entry.path);
    if (!indexed || indexed.uncompressedSize !== entry.size || (indexed.method !== 8 && indexed.method !== 0)) {
      throw new Error(`package cache: ${entry.path} is not in the cached zip as its manifest says`);
    }
    const data = readEntryData(this.fd, indexed);
    return { data, deflated: indexed.method === 8, crc32: indexed.crc32, size: entry.size };
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // read-only descriptor
    }
  }
}

/** A zip being written into the cache beside the build's own sink. */
export class CacheWriter {
  readonly sink: ZipSink;
  private readonly fd: number;
  private closed = false;
  private location: string;

  constructor(
    private readonly cache: PackageCache,
    private readonly folder: string,
    private readonly temp: string,
  ) {
    this.fd = openSync(temp, 'wx', 0o600);
    this.sink = new FileSink(this.fd);
    this.location = temp;
  }

  /**
   * Puts the zip and its manifest in place (each by rename), then tidies the folder and the cache.
   * Returns where the zip now is.
   */
  commit(
    fields: Omit<Manifest, 'format' | 'zipFile' | 'rows' | 'keyDigest'>,
    entries: readonly SelectedEntry[],
  ): string {
    this.closeFd();
    const zipFile = `${fields.checksum}.zip`;
    const zipPath = path.join(this.folder, zipFile);
    renameSync(this.temp, zipPath);
    this.location = zipPath;
    const keyDigest = keyDigestOf(entries);
    const manifest: Manifest = { format: CACHE_FORMAT, ...fields, zipFile, keyDigest, rows: entries.map(keyRow) };
    const tempManifest = path.join(this.folder, `tmp-${process.pid}-${Date.now()}.json`);
    writeFileSync(tempManifest, sealed(manifest), { mode: 0o600 });
    renameSync(tempManifest, path.join(this.folder, MANIFEST));
    this.cache.tidyFolder(this.folder);
    this.cache.evict(this.folder);
    return zipPath;
  }

  /** After a failed commit: the zip stays where it is (its temporary name, or its final one). */
  detach(): string {
    this.closeFd();
    return this.location;
  }

  abandon(): void {
    this.closeFd();
    rmSync(this.temp, { force: true });
  }

  private closeFd(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
    closeSync(this.fd);
  }
}

export interface PackageCacheOptions {
  capBytes?: number;
}

export class PackageCache {
  readonly capBytes: number;

  constructor(
    readonly root: string,
    options: PackageCacheOptions = {},
  ) {
    this.capBytes = options.capBytes ?? CACHE_CAP_BYTES;
  }

  folderFor(codeRoot: string, runtime: string | undefined): string {
    const hash = createHash('sha256')
      .update(`${codeRoot}\0${runtime ?? ''}`)
      .digest('hex')
      .slice(0, 32);
    return path.join(this.root, hash);
  }

  /** The cached zip of this folder and runtime, checked as far as it can be without reading it; else undefined. */
  open(codeRoot: string, runtime: string | undefined): CachedPackage | undefined {
    const folder = this.folderFor(codeRoot, runtime);
    let manifest: Manifest | undefined;
    try {
      manifest = unseal(readFileSync(path.join(folder, MANIFEST), 'utf8'));
    } catch {
      return undefined;
    }
    if (!manifest || manifest.root !== codeRoot || manifest.runtime !== (runtime ?? null)) return undefined;
    let fd: number;
    try {
      fd = openSync(path.join(folder, manifest.zipFile), 'r');
    } catch {
      return undefined;
    }
    try {
      if (fstatSync(fd).size !== manifest.zipBytes) throw new Error('size');
      const now = new Date();
      utimesSync(path.join(folder, MANIFEST), now, now); // last use, for eviction
    } catch {
      closeSync(fd);
      return undefined;
    }
    const rows = new Map(manifest.rows.map((row) => [row[0], row]));
    return new CachedPackage(fd, manifest, rows, path.join(folder, manifest.zipFile));
  }

  /**
   * Rewrites the manifest of a cached zip that proved to be this tree's (its racy entries were
   * read again and gave the same bytes), with this scan's time, so they are trusted next time.
   */
  refresh(cached: CachedPackage, entries: readonly SelectedEntry[], scanStartNs: bigint): void {
    const folder = this.folderFor(cached.manifest.root, cached.manifest.runtime ?? undefined);
    const manifest: Manifest = { ...cached.manifest, scanStartNs: String(scanStartNs), rows: entries.map(keyRow) };
    const temp = path.join(folder, `tmp-${process.pid}-${Date.now()}.json`);
    try {
      writeFileSync(temp, sealed(manifest), { mode: 0o600 });
      renameSync(temp, path.join(folder, MANIFEST));
    } catch {
      rmSync(temp, { force: true }); // optional: the next build reads those files again
    }
  }

  /** A new cache zip for this folder, or undefined when the cache cannot be written (it is optional). */
  beginWrite(codeRoot: string, runtime: string | undefined): CacheWriter | undefined {
    const folder = this.folderFor(codeRoot, runtime);
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const temp = path.join(folder, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
      return new CacheWriter(this, folder, temp);
    } catch {
      return undefined;
    }
  }

  /** Removes zips no manifest names (once old enough) and temporary files of processes that are gone. */
  tidyFolder(folder: string): void {
    let keep: string | undefined;
    try {
      keep = unseal(readFileSync(path.join(folder, MANIFEST), 'utf8'))?.zipFile;
    } catch {
      keep = undefined;
    }
    for (const name of safeReaddir(folder)) {
      const file = path.join(folder, name);
      const temp = /^tmp-(\d+)-/.exec(name);
      try {
        if (temp) {
          if (!processAlive(Number(temp[1]))) unlinkSync(file);
        } else if (name.endsWith('.zip') && name !== keep && Date.now() - statSync(file).mtimeMs > ORPHAN_AGE_MS) {
          unlinkSync(file);
        }
      } catch {
        // removed by another fcw meanwhile
      }
    }
  }

  /** Evicts the least recently used folders until the cache fits its cap; `current` is kept. */
  evict(current: string): void {
    const folders = safeReaddir(this.root).map((name) => {
      const folder = path.join(this.root, name);
      let used = 0;
      try {
        used = statSync(path.join(folder, MANIFEST)).mtimeMs;
      } catch {
        // no manifest: oldest of all
      }
      const bytes = safeReaddir(folder).reduce((sum, f) => {
        try {
          return sum + statSync(path.join(folder, f)).size;
        } catch {
          return sum;
        }
      }, 0);
      return { folder, used, bytes };
    });
    let total = folders.reduce((sum, f) => sum + f.bytes, 0);
    folders.sort((a, b) => a.used - b.used);
    for (const f of folders) {
      if (total <= this.capBytes) break;
      if (f.folder === current) continue;
      rmSync(f.folder, { recursive: true, force: true });
      total -= f.bytes;
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
