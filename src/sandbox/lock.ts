// Serialises mutations of one service, within this process and across processes sharing a data
// directory (say `fcw serve` in one terminal and the wizard's in-process sandbox in another).
//
// In process: a promise chain per lock file path (module-global, so two sandboxes in one process
// on one directory queue too). Across processes: the lock file is created with O_EXCL and holds
// the owner's pid and a token; a waiter polls until it is gone. A lock whose owner pid is no longer
// alive (a crashed or SIGKILLed sandbox), or that names this process with a token no holder here
// has, is removed and taken over. Known gap: two processes taking over
// the same stale lock at the same instant may both get it; this needs a crash plus a race, and
// the data stays well-formed even then because every write is atomic (atomic.ts).
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { concurrentUpdate } from './errors.js';

const chains = new Map<string, Promise<void>>();
/** Tokens of the lock files this process holds right now (one path may reach a file under two names). */
const heldTokens = new Set<string>();

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

/** Creates the lock file; returns the token written into it. */
async function acquireFile(file: string, what: string, timeoutMs: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const token = randomUUID();
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, token, since: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      heldTokens.add(token);
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: { pid?: number; token?: string } | undefined;
    try {
      owner = JSON.parse(await readFile(file, 'utf8')) as { pid?: number; token?: string };
    } catch {
      owner = undefined; // being written right now, or removed since: look again
    }
    // Stale: its process is gone, or it is ours but no holder in this process has it (leaked).
    const stale =
      owner?.pid !== undefined &&
      (owner.pid === process.pid ? !(owner.token !== undefined && heldTokens.has(owner.token)) : !pidAlive(owner.pid));
    if (stale) {
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
    const token = await acquireFile(file, what, options.timeoutMs ?? 10_000);
    try {
      return await fn();
    } finally {
      heldTokens.delete(token);
      await rm(file, { force: true });
    }
  } finally {
    release();
    if (chains.get(file) === tail) chains.delete(file);
  }
}
