// `fcw package --out FILE`: the zip goes to a temporary file beside FILE, renamed over it only when
// everything passed, so FILE is never a partial zip. Only a regular file (or nothing) is replaced:
// a FIFO, a device (as root, `/dev/null` would have become a zip), a socket or a folder is refused
// before anything is written. The temporary file is named `.FILE.fcw-tmp-<pid>`, so a run killed
// mid-write leaves one that the next run in that folder removes once that process is gone.
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

const TEMP_MARK = '.fcw-tmp-';
/** `.NAME.fcw-tmp-PID`; and what fcw before this naming left (`.NAME.fcw-PID-STAMP.tmp`). */
const TEMP_NAME = /^\..+\.fcw-tmp-(\d+)$/;
const OLD_TEMP_NAME = /^\..+\.fcw-(\d+)-[0-9a-z]+\.tmp$/;

export function tempNameFor(target: string, pid = process.pid): string {
  return path.join(path.dirname(target), `.${path.basename(target)}${TEMP_MARK}${pid}`);
}

function describe(stats: Stats): string | undefined {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device file';
  if (stats.isSocket()) return 'a socket';
  if (!stats.isFile()) return 'not a regular file';
  return undefined;
}

/** Refuses a target that exists and is not a regular file (followed through a symlink). */
export function checkOutTarget(target: string): void {
  let stats: Stats;
  try {
    stats = statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // nothing there yet (or a dangling link, replaced by the rename)
    throw new UsageError(`--out: cannot check ${target}: ${(error as Error).message}.`);
  }
  const what = describe(stats);
  if (what === undefined) return;
  throw new UsageError(
    `--out: ${target} is ${what}; --out writes only regular files (it replaces an existing zip, nothing else).`,
    what === 'a folder'
      ? `Name the zip file, e.g. --out ${path.join(target, 'code.zip')}.`
      : 'Give the path of a .zip file to create or replace.',
  );
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes temporary files in `dir` left by fcw runs that are no longer alive. Best effort. */
export function sweepStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name) ?? OLD_TEMP_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !processGone(pid)) continue;
    const file = path.join(dir, name);
    try {
      if (!lstatSync(file).isFile()) continue;
      unlinkSync(file);
      removed.push(file);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

/** A temporary file beside `target`, renamed over it on success and removed on failure. */
export class AtomicOut {
  readonly temp: string;
  readonly fd: number;

  constructor(readonly target: string) {
    const dir = path.dirname(target);
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new UsageError(`--out: the folder ${dir} does not exist.`, 'Create it, or write the zip somewhere else.');
    }
    checkOutTarget(target);
    sweepStaleTemps(dir);
    this.temp = tempNameFor(target);
    this.fd = this.openTemp();
  }

  private openTemp(): number {
    try {
      return openSync(this.temp, 'wx', 0o644);
    } catch (error) {
      let cause = error;
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        // Left by an earlier process that had our pid (ours is alive, so it was not swept).
        try {
          unlinkSync(this.temp);
          return openSync(this.temp, 'wx', 0o644);
        } catch (retryError) {
          cause = retryError;
        }
      }
      throw new UsageError(`--out: cannot write in ${path.dirname(this.temp)}: ${(cause as Error).message}.`);
    }
  }

  commit(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    // Checked again: the target may have been replaced by a FIFO or folder while the zip was built.
    checkOutTarget(this.target);
    renameSync(this.temp, this.target);
  }

  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(this.temp);
    } catch {
      // already gone
    }
  }
}
