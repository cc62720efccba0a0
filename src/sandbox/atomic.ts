// Atomic file writes for the sandbox's data directory: write a temp file beside the target, fsync
// it, rename it over the target, fsync the directory. A reader (or a restart after a crash) sees
// the old file or the new one, never half of either. Temp names start with `.tmp-` so listings skip
// them, and carry the writer's pid (`.tmp-<pid>-<uuid>`) so a start-up can tell a crashed process's
// leftovers from the files of a process still running on the same directory.
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export const TEMP_PREFIX = '.tmp-';

/** A temp name for this process, in `dir`. */
export function tempNameIn(dir: string): string {
  return path.join(dir, `${TEMP_PREFIX}${process.pid}-${randomUUID()}`);
}

export function tempPathFor(target: string): string {
  return tempNameIn(path.dirname(target));
}

/** The pid a temp or staging name was made by (`.tmp-<pid>-…` or `<pid>-…`); undefined when it has none. */
export function ownerPidOf(name: string): number | undefined {
  const match = /^(?:\.tmp-)?(\d+)-/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** fsync a directory so a rename inside it survives a power cut. Not possible on Windows: skipped. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to a temp file next to `target` (fsynced), and returns its path. */
export async function writeTemp(target: string, data: Uint8Array | string, mode = 0o644): Promise<string> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/** Moves a finished temp file into place and makes the rename durable. */
export async function commitTemp(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(path.dirname(target));
}

export async function writeFileAtomic(target: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  await commitTemp(await writeTemp(target, data, mode), target);
}

export async function writeJsonAtomic(target: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`, mode);
}
