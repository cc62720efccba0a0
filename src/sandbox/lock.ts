// Serialises mutations of one service, within this process and across processes sharing a data
// directory (say `fcw serve` in one terminal and the wizard's in-process sandbox in another). The
// lock itself is the shared lock file (core/lock-file.ts); a lock still held after the wait is FC's
// 409 ConcurrentUpdateError, which a client may retry.
import { LockBusyError, withFileLock } from '../core/lock-file.js';
import { concurrentUpdate } from './errors.js';

/**
 * A lock held this long belongs to no request: the sections it guards take milliseconds (uploads are
 * staged before it is taken). Taking it over keeps a crashed sandbox's lock whose pid now names
 * another process from wedging the service.
 */
export const SERVICE_LOCK_STALE_MS = 60_000;

export interface LockOptions {
  /** How long to wait for another process's lock before answering ConcurrentUpdateError. */
  timeoutMs?: number;
}

/** Runs `fn` while holding the lock at `file`; `what` names the resource in a timeout error. */
export async function withLock<T>(
  file: string,
  what: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  try {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return await withFileLock(file, fn, { timeoutMs, staleAfterMs: SERVICE_LOCK_STALE_MS });
  } catch (error) {
    if (error instanceof LockBusyError && error.file === file) throw concurrentUpdate(what);
    throw error;
  }
}
