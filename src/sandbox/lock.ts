// Serialises mutations of one service, within this process and across processes sharing a data
// directory (say `fcw serve` in one terminal and the wizard's in-process sandbox in another).
//
// In process: a promise chain per lock file path (module-global, so two sandboxes in one process
// on one directory queue too). Across processes: the lock file is created with O_EXCL and holds
// the owner's pid; a waiter polls until it is gone. A lock whose owner pid is no longer alive
// (a crashed or SIGKILLed sandbox) is removed and taken over. Known gap: two processes taking over
// the same stale lock at the same instant may both get it; this needs a crash plus a race, and
// the data stays well-formed even then because every write is atomic (atomic.ts).
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { concurrentUpdate } from './errors.js';

const chains = new Map<string, Promise<void>>();

export interface LockOptions {
  /** How long to wait for another process's lock before answering ConcurrentUpdateError. */
  timeoutMs?: number;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquireFile(file: string, what: string, timeoutMs: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: number | undefined;
    try {
      owner = (JSON.parse(await readFile(file, 'utf8')) as { pid?: number }).pid;
    } catch {
      owner = undefined; // being written right now, or removed since: look again
    }
    // Our own pid while we hold the in-process chain means a holder in this process leaked it.
    if (owner !== undefined && (owner === process.pid || !pidAlive(owner))) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw concurrentUpdate(what);
    await delay(wait);
    wait = Math.min(wait * 2, 100);
  }
}

/** Runs `fn` while holding the lock at `file`; `what` names the resource in a timeout error. */
export async function withLock<T>(file: string, what: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = chains.get(file) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  chains.set(file, tail);
  await previous;
  try {
    await acquireFile(file, what, options.timeoutMs ?? 10_000);
    try {
      return await fn();
    } finally {
      await rm(file, { force: true });
    }
  } finally {
    release();
    if (chains.get(file) === tail) chains.delete(file);
  }
}
