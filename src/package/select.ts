// Step one of a package: which entries go in, with their modes and sizes. Walks the root with
// fast-glob (symlinks not followed), applies the ignore rules, refuses what cannot be shipped
// (a symlink leaving the root, a FIFO or device, too many entries) and sorts by path so the same
// tree always gives the same zip.
import fg from 'fast-glob';
import { lstatSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { ZIP_MAX_ENTRIES } from '../fc/limits.js';
import { IGNORE_FILE, makeIgnoreRules } from './ignore-rules.js';
import type { EntryKind } from './types.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** jszip writes no ZIP64: offsets and sizes are 32-bit. Refuse before anything could overflow. */
export const ZIP32_MAX_BYTES = 0xffff_ffff - 64 * 1024 * 1024;

export interface SelectedEntry {
  /** `/`-separated path inside the zip. */
  path: string;
  /** Where it is on disk. */
  abs: string;
  kind: EntryKind;
  /** Full st_mode to store (type and permission bits). */
  mode: number;
  /** File size, or the symlink target's length in bytes. */
  size: number;
  /** Modification time at the scan, to notice a file that changes before or while it is read. */
  mtimeMs: number;
  target?: string;
}

export interface Selection {
  root: string;
  entries: SelectedEntry[];
  files: number;
  bytes: number;
}

/** Sorting by UTF-16 code units: stable across machines and locales (localeCompare is not). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device file';
  return 'not a regular file';
}

/** Checks that `root` is a folder we can package and returns its absolute path. */
export function resolveRoot(root: string): string {
  const abs = path.resolve(root);
  let stats: Stats;
  try {
    stats = lstatSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UsageError(`The code folder ${abs} does not exist.`, 'Give the folder that holds your function code.');
    }
    throw new UsageError(`Cannot read the code folder ${abs}: ${(error as Error).message}.`);
  }
  if (stats.isSymbolicLink()) {
    // Package the folder it points to: a root given as a symlink is the user's explicit choice.
    try {
      stats = lstatSync(path.resolve(path.dirname(abs), readlinkSync(abs)));
    } catch {
      throw new UsageError(`The code folder ${abs} is a symlink that points nowhere.`);
    }
  }
  if (!stats.isDirectory()) {
    throw new UsageError(`${abs} is not a folder.`, 'Give a folder to package, or a .zip/.jar file to use as it is.');
  }
  return abs;
}

function readIgnoreFile(root: string): string | undefined {
  try {
    return readFileSync(path.join(root, IGNORE_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw new UsageError(`Cannot read ${path.join(root, IGNORE_FILE)}: ${(error as Error).message}.`);
  }
}

/** A symlink goes in as a symlink only if its target stays inside the root; anything else is refused. */
function checkLinkTarget(root: string, relPath: string, abs: string, target: string): void {
  if (path.isAbsolute(target)) {
    throw new UsageError(
      `${relPath} is a symlink to an absolute path (${target}); on FC the package is unpacked elsewhere, so it would point to nothing.`,
      `Make it relative (for example \`ln -sfn ${path.relative(path.dirname(abs), target) || '.'} ${relPath}\` if the target is inside the package), or add it to ${IGNORE_FILE}.`,
    );
  }
  const resolved = path.resolve(path.dirname(abs), target);
  const rel = path.relative(root, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new UsageError(
      `${relPath} is a symlink to ${target}, which is outside the package folder ${root}.`,
      `Copy the target into the folder instead of linking to it, or add ${relPath} to ${IGNORE_FILE}.`,
    );
  }
}

/** Walks `root` and returns the entries to package, sorted, or throws a UsageError naming the problem. */
export interface SelectOptions {
  runtime?: string;
  /** Absolute paths left out (the zip being written, when it is inside the folder). */
  exclude?: readonly string[];
  /**
   * Walk synchronously: about twice as fast as fast-glob's async walk (no threadpool round trip
   * per lstat), so packaging uses it; the wizard's live scan walks async to keep the screen alive.
   */
  sync?: boolean;
  /** The most entries a zip may hold (tests lower it: 65k files take tens of seconds to create). */
  maxEntries?: number;
}

export async function selectEntries(rootIn: string, options: SelectOptions = {}): Promise<Selection> {
  const { runtime, exclude = [], sync = false, maxEntries = ZIP_MAX_ENTRIES } = options;
  const root = resolveRoot(rootIn);
  const rules = makeIgnoreRules(readIgnoreFile(root), runtime);
  const globOptions: fg.Options = {
    cwd: root,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    stats: true,
    unique: true,
    ignore: rules.pruneGlobs,
    suppressErrors: false,
  };
  let found: fg.Entry[];
  try {
    found = sync ? fg.sync('**', { ...globOptions, objectMode: true }) : await fg('**', { ...globOptions, objectMode: true });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    throw new UsageError(
      `Cannot list ${err.path ?? root}: ${err.message}.`,
      `Fix its permissions or add it to ${IGNORE_FILE}.`,
    );
  }

  // The zip being written (fcw package . --out app.zip) must not package itself.
  const excluded = new Set(exclude.map((p) => path.resolve(p)));
  const entries: SelectedEntry[] = [];
  let files = 0;
  let bytes = 0;
  for (const item of found) {
    const stats = item.stats!;
    const rel = item.path;
    const abs = path.join(root, rel);
    const isDir = stats.isDirectory();
    if (rules.ignores(rel, isDir)) continue;
    if (excluded.has(abs)) continue;
    const perms = stats.mode & 0o7777;
    if (isDir) {
      entries.push({ path: rel, abs, kind: 'dir', mode: S_IFDIR | perms, size: 0, mtimeMs: stats.mtimeMs });
    } else if (stats.isSymbolicLink()) {
      const target = readlinkSync(abs);
      checkLinkTarget(root, rel, abs, target);
      const size = Buffer.byteLength(target);
      entries.push({ path: rel, abs, kind: 'symlink', mode: S_IFLNK | 0o777, size, mtimeMs: stats.mtimeMs, target });
      files++;
      bytes += size;
    } else if (stats.isFile()) {
      // A custom runtime's entry point must be executable on FC (CAFilePermission otherwise).
      const mode = rel === 'bootstrap' ? perms | 0o111 : perms;
      entries.push({ path: rel, abs, kind: 'file', mode: S_IFREG | mode, size: stats.size, mtimeMs: stats.mtimeMs });
      files++;
      bytes += stats.size;
    } else {
      throw new UsageError(
        `${rel} is ${describeType(stats)}; a package holds only files, folders and symlinks.`,
        `Add it to ${IGNORE_FILE}.`,
      );
    }
  }
  if (files === 0) {
    throw new UsageError(
      `${root} has no files to package${found.length ? ` (everything is excluded by ${IGNORE_FILE} or the default excludes)` : ' (the folder is empty)'}.`,
      'Point at the folder that holds your function code.',
    );
  }
  if (entries.length > maxEntries) {
    throw new UsageError(
      `The package would hold ${entries.length} entries (files and folders); a zip without ZIP64 holds at most ${maxEntries}.`,
      `Leave out what the function does not need with ${IGNORE_FILE} (tests, docs, source maps, dev dependencies), or build the zip yourself and pass the .zip.`,
    );
  }
  if (bytes > ZIP32_MAX_BYTES) {
    throw new UsageError(
      `The package would hold ${bytes} bytes; a zip without ZIP64 holds under 4 GiB (and FC takes at most 500 MB through OSS).`,
      `Leave out what the function does not need with ${IGNORE_FILE}.`,
    );
  }
  entries.sort((a, b) => comparePaths(a.path, b.path));
  return { root, entries, files, bytes };
}

export { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK };
