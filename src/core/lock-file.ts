// A lock held by creating a file exclusively (O_EXCL): mutual exclusion between processes sharing
// a directory (two `fcw serve` on one data directory, parallel CI jobs saving profiles). Used by the
// sandbox's per-service lock (its wait is async: a server must not block while another holds it) and
// the profile store (sync, as the `conf` library it guards is); both take it with the same tryTake.
//
// The file holds `{pid, token, since}`. A waiter polls until it is gone, and takes it over when it
// is stale:
// - its owner pid is no longer alive (a crashed or SIGKILLed process);
// - it names this process with a token no holder here has (leaked);
// - it cannot be read as a lock (empty or cut short: a kill -9 between the exclusive create and the
//   write leaves that) and is older than UNREADABLE_LOCK_STALE_MS. A live owner writes its pid
//   within microseconds of creating the file, so an unreadable lock of that age has no owner.
// A lock whose owner is alive is respected however old it is (a slow disk must not let a second
// writer in), unless the caller sets `staleAfterMs`: both callers do (10 s, 60 s), as their locked
// sections take milliseconds and a crashed fcw's pid may since name another process.
// Known gaps: without `staleAfterMs`, a crashed owner's pid reused by an unrelated live process
// keeps the lock until the file is deleted (the timeout names the pid); two waiters taking over the
// same stale lock at the same instant may both get it (this needs a crash plus a race; writes under
// these locks are atomic, so the data stays well-formed even then).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { processAlive } from './process-alive.js';

/** An unreadable lock file older than this is what a crashed process left mid-create (see above). */
export const UNREADABLE_LOCK_STALE_MS = 3_000;

export interface LockOptions {
  /** How long to wait for a lock that is held, before LockBusyError. */
  timeoutMs: number;
  /** A lock older than this is taken over whoever holds it. Default: never, while its owner lives. */
  staleAfterMs?: number;
}

/** Tokens of the lock files this process holds right now (one path may reach a file under two names). */
const heldTokens = new Set<string>();

/** Thrown when the lock stayed held past the wait; callers turn it into their own error. */
export class LockBusyError extends Error {
  constructor(
    readonly file: string,
    /** The pid the lock file names, when it could be read. */
    readonly ownerPid: number | undefined,
  ) {
    super(`${file} is held by ${ownerPid === undefined ? 'another process' : `process ${ownerPid}`}`);
    this.name = 'LockBusyError';
  }
}

export interface LockOwner {
  pid: number;
  token?: string;
}

/** The owner a lock file names: `{pid, token}` JSON, or a bare pid (what older fcw profile locks hold). */
export function parseLockOwner(text: string): LockOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? { pid: value } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const { pid, token } = value as { pid?: unknown; token?: unknown };
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return typeof token === 'string' ? { pid, token } : { pid };
}

/** May a lock file with this owner (undefined: unreadable) and age be taken over? No I/O but `alive`. */
export function isStaleLock(
  owner: LockOwner | undefined,
  ageMs: number,
  alive: (pid: number) => boolean = processAlive,
): boolean {
  if (owner === undefined) return ageMs > UNREADABLE_LOCK_STALE_MS;
  if (owner.pid === process.pid) return !(owner.token !== undefined && heldTokens.has(owner.token));
  return !alive(owner.pid);
}

function lockContent(token: string): string {
  return JSON.stringify({ pid: process.pid, token, since: new Date().toISOString() });
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException)?.code === code;

/** What a taker saw: the lock is now ours, gone (try again now), stale (removed: try again now), or held by `owner`. */
type Seen = { state: 'taken' } | { state: 'retry' } | { state: 'held'; owner: LockOwner | undefined };

/**
 * One try at the lock. Synchronous for both drivers, on purpose: the window between the exclusive
 * create and the write of the owner is then two system calls, not a turn of a busy event loop (where
 * a kill -9 left an empty lock in every second drill of 200 concurrent writes). A few microseconds
 * on a small local file.
 */
function tryTake(file: string, token: string, staleAfterMs = Infinity): Seen {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
  if (fd !== undefined) {
    try {
      fs.writeFileSync(fd, lockContent(token));
    } catch (error) {
      // A lock we could not fill (a full disk) is removed at once rather than left for others to age out.
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw error;
    }
    fs.closeSync(fd);
    heldTokens.add(token);
    return { state: 'taken' };
  }
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { state: 'retry' }; // released meanwhile
    throw error;
  }
  const owner = parseLockOwner(text);
  const ageMs = Date.now() - mtimeMs;
  if (!isStaleLock(owner, ageMs) && !(ageMs > staleAfterMs)) return { state: 'held', owner };
  fs.rmSync(file, { force: true });
  return { state: 'retry' };
}

function release(file: string, token: string): void {
  heldTokens.delete(token);
  fs.rmSync(file, { force: true });
}

// ---- async: the sandbox (waits without blocking the server) -----------------------------------

/** In process: a promise chain per lock path, so holders here queue instead of polling the file. */
const chains = new Map<string, Promise<void>>();

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquire(file: string, options: LockOptions): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const token = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  let wait = 5;
  for (;;) {
    const seen = tryTake(file, token, options.staleAfterMs);
    if (seen.state === 'taken') return token;
    if (seen.state === 'retry') continue;
    if (Date.now() >= deadline) throw new LockBusyError(file, seen.owner?.pid);
    await delay(wait);
    wait = Math.min(wait * 2, 100);
  }
}

/** Runs `fn` while holding the lock at `file`; LockBusyError when it stays held past `timeoutMs`. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const previous = chains.get(file) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => mine);
  chains.set(file, tail);
  await previous;
  try {
    const token = await acquire(file, options);
    try {
      return await fn();
    } finally {
      release(file, token);
    }
  } finally {
    done();
    if (chains.get(file) === tail) chains.delete(file);
  }
}

// ---- sync: the profile store -------------------------------------------------------------------

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The same lock for synchronous callers: blocks the thread while it waits (a few ms at a time). */
export function withFileLockSync<T>(file: string, fn: () => T, options: LockOptions): T {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const token = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const seen = tryTake(file, token, options.staleAfterMs);
    if (seen.state === 'taken') break;
    if (seen.state === 'retry') continue;
    if (Date.now() >= deadline) throw new LockBusyError(file, seen.owner?.pid);
    // Jittered, so parallel processes do not retry in step.
    sleepSync(5 + Math.floor(Math.random() * 10));
  }
  try {
    return fn();
  } finally {
    release(file, token);
  }
}
