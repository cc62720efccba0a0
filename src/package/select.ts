// Step one of a package: which entries go in, with their modes, sizes and stat stamps. Walks the
// root itself (symlinks not followed, names read as bytes so none is dropped or mangled), applies
// the ignore rules, refuses what cannot be shipped (a symlink leaving the root, a FIFO or device, a
// name a zip cannot carry faithfully, a file too large, too many entries) and sorts by path so the
// same tree always gives the same zip.
import { lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats, type Dirent, type Stats } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { ZIP_MAX_ENTRIES } from '../fc/limits.js';
import { IGNORE_FILE, makeIgnoreRules, type IgnoreRules } from './ignore-rules.js';
import { decodeName, escapeNameBytes, escapePath } from './names.js';
import type { EntryKind } from './types.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** jszip writes no ZIP64: offsets and sizes are 32-bit. Refuse before anything could overflow. */
export const ZIP32_MAX_BYTES = 0xffff_ffff - 64 * 1024 * 1024;
/** One entry's size field is 32 bits too: a larger file cannot be stored at all. */
export const ZIP32_ENTRY_MAX_BYTES = 0xffff_ffff;

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
  /**
   * What must not move for a cached compressed copy to stand for this file: mtime and ctime in
   * nanoseconds, inode and device. ctime because a same-size edit whose mtime is put back
   * (touch -r, tar, rsync -t) still moves it.
   */
  stamp: string;
  /** The later of mtime and ctime, in nanoseconds: an entry changed as late as the cache was written is not trusted. */
  changedNs: bigint;
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

function describeType(stats: Stats | BigIntStats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device file';
  return 'not a regular file';
}

function stampOf(stats: BigIntStats): { stamp: string; changedNs: bigint } {
  const changedNs = stats.ctimeNs > stats.mtimeNs ? stats.ctimeNs : stats.mtimeNs;
  return { stamp: `${stats.mtimeNs}.${stats.ctimeNs}.${stats.ino}.${stats.dev}`, changedNs };
}

/**
 * Zip names are bytes, and FC unpacks on Linux, where a name is any bytes but `/` and NUL. fcw keeps
 * every name whose bytes it can store faithfully and refuses the others, naming them escaped:
 * - not UTF-8: fcw writes names as UTF-8 (the zip's "language encoding" flag); other bytes would
 *   be re-encoded and arrive as a different name;
 * - a backslash: unzip tools (Info-ZIP on zips from other systems, Windows tools) read it as a
 *   folder separator, so the file could land elsewhere;
 * - a control character (newline, carriage return, tab, ...): legal on Linux, but Info-ZIP's unzip
 *   drops them unless given `-^` ("two\nlines.txt" comes out as "twolines.txt"), and what FC
 *   unpacks with is not documented, so the file could arrive under another name.
 * Names that differ only by Unicode normalization are different bytes, hence different files on
 * Linux, and are stored as they are.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

function refuseName(rel: string, why: string, escaped = false): never {
  throw new UsageError(
    `${escaped ? rel : escapePath(rel)} ${why}, so it cannot be packaged as it is.`,
    `Rename it, or leave it out with a pattern in ${IGNORE_FILE} (its name with * in place of the odd characters).`,
  );
}

function readLinkName(abs: string, rel: string): string {
  const bytes = readlinkSync(abs, { encoding: 'buffer' });
  const { text, valid } = decodeName(bytes);
  if (!valid) refuseName(rel, `is a symlink whose target (${escapeNameBytes(bytes)}) is not valid UTF-8`);
  return text;
}

function checkFileSize(rel: string, size: number): void {
  if (size <= ZIP32_ENTRY_MAX_BYTES) return;
  throw new UsageError(
    `${escapePath(rel)} is ${size} bytes; a zip without ZIP64 stores files under 4 GiB, ` +
      'and FC takes at most 500 MB of zip.',
    `Leave it out with ${IGNORE_FILE}, or fetch it at run time (from OSS or a NAS mount) instead of packaging it.`,
  );
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

export interface SelectOptions {
  runtime?: string;
  /** Absolute paths left out (the zip being written, when it is inside the folder). */
  exclude?: readonly string[];
  /**
   * Walk synchronously: about twice as fast as an async walk (no threadpool round trip per lstat),
   * so packaging uses it; the wizard's live scan walks async to keep the screen alive.
   */
  sync?: boolean;
  /** The most entries a zip may hold (tests lower it: 65k files take tens of seconds to create). */
  maxEntries?: number;
}

/** The two fs calls the walk makes: synchronous for packaging, promises for the live scan. */
interface WalkFs {
  readdir(abs: string): Dirent<Buffer>[] | Promise<Dirent<Buffer>[]>;
  lstat(abs: string): BigIntStats | Promise<BigIntStats>;
}

const syncFs: WalkFs = {
  readdir: (abs) => readdirSync(abs, { withFileTypes: true, encoding: 'buffer' }),
  lstat: (abs) => lstatSync(abs, { bigint: true }),
};
const asyncFs: WalkFs = {
  readdir: (abs) => fsp.readdir(abs, { withFileTypes: true, encoding: 'buffer' }),
  lstat: (abs) => fsp.lstat(abs, { bigint: true }),
};

/** Called for each entry the walk keeps, as it is found (its stats are not kept: 14 BigInts each). */
type OnEntry = (rel: string, abs: string, stats: BigIntStats) => void;

/**
 * Every entry under `root` the ignore rules keep, folders before what they hold. A folder the rules
 * leave out is not entered: in gitignore semantics nothing under an excluded folder can come back.
 * Names are read as bytes so that none is lost or mangled on the way: a name that is not UTF-8 or
 * holds a backslash is refused here, naming it (see checkName).
 */
async function walk(
  root: string,
  rules: IgnoreRules,
  excluded: ReadonlySet<string>,
  fs: WalkFs,
  onEntry: OnEntry,
): Promise<number> {
  const pending: string[] = [''];
  let seen = 0;
  while (pending.length > 0) {
    const dirRel = pending.pop()!;
    const dirAbs = dirRel ? path.join(root, dirRel) : root;
    let names: Dirent<Buffer>[];
    try {
      names = await fs.readdir(dirAbs);
    } catch (error) {
      const why = `Cannot list ${escapePath(dirAbs)}: ${(error as Error).message}.`;
      throw new UsageError(why, `Fix its permissions or add it to ${IGNORE_FILE}.`);
    }
    for (const dirent of names) {
      seen++;
      // A name that is not UTF-8 is matched against the ignore rules with U+FFFD in place of the
      // odd bytes (so `caf*` can leave it out), and refused if the rules keep it.
      const { text: name, valid } = decodeName(dirent.name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      const isDir = dirent.isDirectory();
      if (rules.ignores(rel, isDir)) continue;
      if (!valid) {
        const shown = `${dirRel ? `${escapePath(dirRel)}/` : ''}${escapeNameBytes(dirent.name)}`;
        refuseName(shown, 'has a name that is not valid UTF-8 (fcw stores names as UTF-8)', true);
      }
      if (name.includes('\\')) {
        refuseName(rel, 'has a backslash in its name (unzip tools read it as a folder separator)');
      }
      if (CONTROL_CHAR.test(name)) {
        refuseName(rel, 'has a control character in its name (unzip tools drop or replace them)');
      }
      const abs = path.join(dirAbs, name);
      if (excluded.has(abs)) continue;
      let stats: BigIntStats;
      try {
        stats = await fs.lstat(abs);
      } catch (error) {
        const why = `Cannot read ${escapePath(rel)}: ${(error as Error).message}.`;
        throw new UsageError(why, `Fix it or add it to ${IGNORE_FILE}.`);
      }
      onEntry(rel, abs, stats);
      if (stats.isDirectory()) pending.push(rel);
    }
  }
  return seen;
}

/** Milliseconds as `fs.Stats#mtimeMs` gives them (a double), from nanoseconds: the reader compares the two. */
export function msFromNs(ns: bigint): number {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += 1_000_000_000n;
  }
  return Number(sec) * 1000 + Number(nsec) / 1_000_000;
}

/** Walks `root` and returns the entries to package, sorted, or throws a UsageError naming the problem. */
export async function selectEntries(rootIn: string, options: SelectOptions = {}): Promise<Selection> {
  const { runtime, exclude = [], sync = false, maxEntries = ZIP_MAX_ENTRIES } = options;
  const root = resolveRoot(rootIn);
  const rules = makeIgnoreRules(readIgnoreFile(root), runtime);
  // The zip being written (fcw package . --out app.zip) must not package itself.
  const excluded = new Set(exclude.map((p) => path.resolve(p)));

  const entries: SelectedEntry[] = [];
  let files = 0;
  let bytes = 0;
  const seen = await walk(root, rules, excluded, sync ? syncFs : asyncFs, (rel, abs, stats) => {
    const perms = Number(stats.mode) & 0o7777;
    const { stamp, changedNs } = stampOf(stats);
    const mtimeMs = msFromNs(stats.mtimeNs);
    if (stats.isDirectory()) {
      entries.push({ path: rel, abs, kind: 'dir', mode: S_IFDIR | perms, size: 0, mtimeMs, stamp, changedNs });
    } else if (stats.isSymbolicLink()) {
      const target = readLinkName(abs, rel);
      checkLinkTarget(root, rel, abs, target);
      const size = Buffer.byteLength(target);
      entries.push({ path: rel, abs, kind: 'symlink', mode: S_IFLNK | 0o777, size, mtimeMs, stamp, changedNs, target });
      files++;
      bytes += size;
    } else if (stats.isFile()) {
      // A custom runtime's entry point must be executable on FC (CAFilePermission otherwise).
      const mode = rel === 'bootstrap' ? perms | 0o111 : perms;
      const size = Number(stats.size);
      checkFileSize(rel, size);
      entries.push({ path: rel, abs, kind: 'file', mode: S_IFREG | mode, size, mtimeMs, stamp, changedNs });
      files++;
      bytes += size;
    } else {
      throw new UsageError(
        `${escapePath(rel)} is ${describeType(stats)}; a package holds only files, folders and symlinks.`,
        `Add it to ${IGNORE_FILE}.`,
      );
    }
  });
  if (files === 0) {
    throw new UsageError(
      `${root} has no files to package${
        seen > 0 ? ` (everything is excluded by ${IGNORE_FILE} or the default excludes)` : ' (the folder is empty)'
      }.`,
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
