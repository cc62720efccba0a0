// A zip built without the package cache (`--no-cache`) still goes to a file rather than memory: a
// temporary file in the config directory, removed when the process exits. One left by a process
// that was killed is removed by the next fcw that makes one there.
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fcwConfigDir } from '../core/config-dir.js';
import { processAlive } from '../core/process-alive.js';

export function tempZipDirFor(env: NodeJS.ProcessEnv): string {
  return path.join(fcwConfigDir(env), 'package-tmp');
}

const removeAtExit = new Set<string>();
let exitHookSet = false;

/** Removes `file` when the process exits (normally, by process.exit, or after Ctrl-C handling). */
export function removeAtProcessExit(file: string): void {
  removeAtExit.add(file);
  if (exitHookSet) return;
  exitHookSet = true;
  process.once('exit', () => {
    for (const f of removeAtExit) rmSync(f, { force: true });
  });
}

/** Forgets and removes a temporary zip now (a failed build). */
export function removeTempZip(file: string): void {
  removeAtExit.delete(file);
  rmSync(file, { force: true });
}

function tidy(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^zip-(\d+)-/.exec(name);
    if (!pid || processAlive(Number(pid[1]))) continue;
    try {
      unlinkSync(path.join(dir, name));
    } catch {
      // removed by another fcw meanwhile
    }
  }
}

/** A new temporary zip file in `dir`, open for writing (0600), removed at exit. */
export function createTempZip(dir: string): { fd: number; path: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tidy(dir);
  const file = path.join(dir, `zip-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
  const fd = openSync(file, 'wx', 0o600);
  removeAtProcessExit(file);
  return { fd, path: file };
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
