// The shapes the packager hands to the wizard, `fcw deploy` and `fcw package` (common.md contract).
import type { PackageCache } from './cache.js';

export type EntryKind = 'file' | 'dir' | 'symlink';

/** One entry of the zip, in zip order (sorted by path). */
export interface PackageEntry {
  /** Path inside the zip, `/`-separated, no leading `./`; directories end without the slash. */
  path: string;
  kind: EntryKind;
  /** The full Unix st_mode stored in the zip (type bits and permissions), or 0 when the zip has none. */
  mode: number;
  /** Uncompressed size in bytes (a symlink: the length of its target). */
  bytes: number;
  /** A symlink's target, as stored. */
  target?: string;
}

export type VerdictStatus = 'ok' | 'warning' | 'error';

/** The zip's size against FC's limits (inline up to 50 MB fine, 50–100 MB a warning, above refused). */
export interface SizeVerdict {
  status: VerdictStatus;
  /** How the package can be sent: inline in the request body, only through OSS, or not at all. */
  via: 'inline' | 'oss' | 'none';
  message: string;
}

export interface LargestEntry {
  path: string;
  bytes: number;
}

export interface PackageResult {
  /** The zip's bytes, exactly as they are sent. */
  zip: Buffer;
  /** CRC-64/XZ of `zip`, an unsigned decimal string (what FC calls codeChecksum). */
  checksum: string;
  /** Regular files and symlinks (directories not counted). */
  files: number;
  /** Their uncompressed bytes. */
  bytes: number;
  zipBytes: number;
  /** Bytes of the zip once base64-encoded, as it travels inline in the JSON body. */
  base64Bytes: number;
  /** The ten largest files, largest first. */
  largest: LargestEntry[];
  entries: PackageEntry[];
  verdict: SizeVerdict;
  /** The folder the package was built from, or the zip file that was loaded (absolute). */
  root?: string;
  source: 'folder' | 'zip';
  /** How the package cache served this build, when one was given. */
  cache?: CacheUse;
  /** The folder holds exactly what the zip holds (an unchanged tree): the handler check reads it there. */
  folderMatchesZip?: boolean;
}

export interface CacheUse {
  /** A cached zip was used: as it is (unchanged) or for the compressed bytes of unchanged files. */
  used: boolean;
  /** The tree was unchanged since the cached build: nothing under it was read or compressed. */
  unchanged: boolean;
  /** Files (non-empty; symlinks and empty files hold no compressed bytes) whose entry came from the cache. */
  reused: number;
  /** This build is in the cache for the next one (false when the cache could not be written: it is optional). */
  stored: boolean;
}

export interface ScanResult {
  files: number;
  bytes: number;
  largest: LargestEntry[];
  verdict: SizeVerdict;
}

export interface HandlerCheck {
  status: VerdictStatus;
  message: string;
}

export interface PackageProgress {
  phase: 'scan' | 'zip';
  /** Files (and symlinks) done so far, and of how many. */
  files: number;
  totalFiles: number;
  /** Uncompressed bytes done so far, and of how many. */
  bytes: number;
  totalBytes: number;
}

export interface BuildPackageOptions {
  root: string;
  /** The package cache to answer from and to fill (fcw package and deploy use it unless --no-cache). */
  cache?: PackageCache;
  /** The FC runtime id: Python runtimes also leave out node_modules. */
  runtime?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PackageProgress) => void;
}
