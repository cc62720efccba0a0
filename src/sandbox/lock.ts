// Serialises mutations of one service, within this process and across processes sharing a data
// directory (say `fcw serve` in one terminal and the wizard's in-process sandbox in another). The
// lock itself is the shared lock file (fs/lock-file.ts); a lock still held after the wait is FC's
// 409 ConcurrentUpdateError, which a client may retry.
import { LockBusyError, withFileLock } from '../fs/lock-file.js';
import { concurrentUpdate } from './errors.js';

export interface LockOptions {
  /** How long to wait for another process's lock before answering ConcurrentUpdateError. */
  timeoutMs?: number;
}

/** Runs `fn` while holding the lock at `file`; `what` names the resource in a timeout error. */
export async function withLock<T>(file: string, what: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  try {
    return await withFileLock(file, fn, { timeoutMs: options.timeoutMs ?? 10_000 });
  } catch (error) {
    if (error instanceof LockBusyError && error.file === file) throw concurrentUpdate(what);
    throw error;
  }
}
