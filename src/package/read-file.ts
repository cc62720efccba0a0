// Reads one file of a package and proves it did not change since the scan: same size and mtime
// before and after the read, and still a regular file. A file that changes mid-read would give a zip
// whose CRC-32 matches bytes that never existed together on disk, so it is an error (exit 2), never
// a partial zip. Opened with O_NONBLOCK and O_NOFOLLOW so a file swapped for a FIFO cannot hang us
// and one swapped for a symlink is noticed.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { IGNORE_FILE } from './ignore-rules.js';
import type { SelectedEntry } from './select.js';

/** The fs calls the reader makes; tests replace some of them to inject failures (we run as root). */
export interface FsOps {
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): Stats;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

export const realFs: FsOps = { openSync, fstatSync, readSync, closeSync };

export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export function changedError(entry: Pick<SelectedEntry, 'path'>): UsageError {
  return new UsageError(
    `${entry.path} changed while it was being packaged (its size or modification time moved); no zip was written.`,
    `Package again once nothing is writing to the folder (a build or watcher?), or add ${entry.path} to ${IGNORE_FILE}.`,
  );
}

function readError(entry: Pick<SelectedEntry, 'path' | 'abs'>, error: NodeJS.ErrnoException): UsageError {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return new UsageError(
        `Cannot read ${entry.path}: permission denied.`,
        `Make it readable (chmod u+r "${entry.abs}") or add it to ${IGNORE_FILE}.`,
      );
    case 'ENOENT':
      return new UsageError(
        `${entry.path} disappeared while the package was being built; no zip was written.`,
        'Package again once nothing is changing the folder.',
      );
    case 'ELOOP':
    case 'EISDIR':
    case 'EAGAIN':
      return changedError(entry);
    default:
      return new UsageError(
        `Cannot read ${entry.path}: ${error.message}.`,
        `Fix the file or add it to ${IGNORE_FILE}.`,
      );
  }
}

/** What `readVerifiedCore` throws when the file is not the one the scan saw. */
export interface ChangedMarker {
  fcwChanged: true;
}

/**
 * The read itself, with no imports and no closures: it only uses its parameters, so the worker
 * threads run this very function (its source is sent to them) and both paths detect the same
 * changes. Throws `{ fcwChanged: true }` for a change, or the fs error as it came.
 */
export function readVerifiedCore(
  fs: FsOps,
  alloc: (size: number) => Buffer,
  flags: number,
  abs: string,
  size: number,
  mtimeMs: number,
): Buffer {
  const changed = { fcwChanged: true };
  const fd = fs.openSync(abs, flags);
  try {
    // No fstat before the read: the one after it, against the scan's size and mtime, covers any
    // change since the scan (and one syscall per file less is measurable on 20k files). One byte
    // more than expected is asked for, so a file that grew is noticed by the read itself.
    const buffer = alloc(size + 1);
    let offset = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (n === 0) break;
      offset += n;
      if (offset > size) throw changed;
    }
    if (offset !== size) throw changed;
    const after = fs.fstatSync(fd);
    if (!after.isFile() || after.size !== size || after.mtimeMs !== mtimeMs) throw changed;
    return buffer.subarray(0, size);
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Closing a read-only descriptor cannot lose data; the read's outcome stands.
    }
  }
}

/** Turns what the core threw into the user's error for this entry. */
export function readFailure(entry: Pick<SelectedEntry, 'path' | 'abs'>, error: unknown): UsageError {
  if ((error as Partial<ChangedMarker>)?.fcwChanged) return changedError(entry);
  return readError(entry, error as NodeJS.ErrnoException);
}

const alloc = (size: number) => Buffer.allocUnsafe(size);

/** The file's bytes, exactly `entry.size` of them, or a UsageError that names the file. */
export function readEntry(entry: SelectedEntry, fs: FsOps = realFs): Buffer {
  try {
    return readVerifiedCore(fs, alloc, OPEN_FLAGS, entry.abs, entry.size, entry.mtimeMs);
  } catch (error) {
    throw readFailure(entry, error);
  }
}
