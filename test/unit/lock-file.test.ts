// The lock file shared by the sandbox (async) and the profile store (sync): what a crash leaves
// behind (an empty or cut-short file, a dead owner) is taken over; a live owner is respected.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  isStaleLock,
  LockBusyError,
  parseLockOwner,
  UNREADABLE_LOCK_STALE_MS,
  withFileLock,
  withFileLockSync,
} from '../../src/core/lock-file.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-lock-'));
  file = path.join(dir, 'x.lock');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that certainly names no process: a child that has exited and been reaped. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

/** Writes a lock file as a crash would leave it, dated `ageMs` ago. */
function leaveLock(text: string, ageMs: number): void {
  fs.writeFileSync(file, text);
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
}

const OLD = UNREADABLE_LOCK_STALE_MS + 60_000;

describe('parseLockOwner / isStaleLock', () => {
  it('reads the JSON owner and the bare pid older profile locks hold; anything else is unreadable', () => {
    expect(parseLockOwner('{"pid":12,"token":"t","since":"x"}')).toEqual({ pid: 12, token: 't' });
    expect(parseLockOwner('4242')).toEqual({ pid: 4242 });
    for (const text of ['', '{"pid":12', '{"pi', 'null', '"12"', '{"pid":-1}', '{"pid":1.5}', '[]']) {
      expect(parseLockOwner(text)).toBeUndefined();
    }
  });

  it('an unreadable lock is stale only once it is older than the named limit', () => {
    expect(isStaleLock(undefined, UNREADABLE_LOCK_STALE_MS + 1)).toBe(true);
    expect(isStaleLock(undefined, UNREADABLE_LOCK_STALE_MS)).toBe(false);
    expect(isStaleLock(undefined, 0)).toBe(false);
    expect(isStaleLock(undefined, -5_000)).toBe(false); // a clock set back: not stale
  });

  it('a readable lock is stale when its owner is dead, whatever its age; a live owner never', () => {
    expect(isStaleLock({ pid: 777 }, 0, () => false)).toBe(true);
    expect(isStaleLock({ pid: 777 }, 10 * 60_000, () => true)).toBe(false);
    expect(isStaleLock({ pid: process.pid, token: 'no-holder-has-this' }, 0)).toBe(true);
  });
});

// Each case runs against both drivers: they must agree.
const drivers = {
  async: (timeoutMs: number, staleAfterMs?: number) =>
    withFileLock(file, async () => 'ran', { timeoutMs, staleAfterMs }),
  sync: async (timeoutMs: number, staleAfterMs?: number) =>
    withFileLockSync(file, () => 'ran', { timeoutMs, staleAfterMs }),
};

for (const [name, take] of Object.entries(drivers)) {
  describe(`withFileLock (${name})`, () => {
    it('takes over an empty lock file older than the limit (a kill -9 between create and write)', async () => {
      leaveLock('', OLD);
      expect(await take(50)).toBe('ran');
      expect(fs.existsSync(file)).toBe(false);
    });

    it('takes over a truncated lock file older than the limit', async () => {
      leaveLock(JSON.stringify({ pid: process.ppid, token: 't', since: 'x' }).slice(0, 9), OLD);
      expect(await take(50)).toBe('ran');
    });

    it('waits for a young unreadable lock (its owner may be writing it), then gives up', async () => {
      leaveLock('', 0);
      const error = await take(30).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockBusyError);
      expect((error as LockBusyError).ownerPid).toBeUndefined();
      expect(fs.existsSync(file)).toBe(true);
    });

    it('takes over the lock of a dead process at once, whatever its age', async () => {
      leaveLock(JSON.stringify({ pid: deadPid(), token: 't', since: 'x' }), 0);
      expect(await take(50)).toBe('ran');
      leaveLock(String(deadPid()), 0); // the bare pid of an older fcw
      expect(await take(50)).toBe('ran');
    });

    it('respects the lock of a live process, however old, and names its pid', async () => {
      leaveLock(JSON.stringify({ pid: process.ppid, token: 't', since: 'x' }), OLD);
      const error = await take(30).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockBusyError);
      expect((error as LockBusyError).ownerPid).toBe(process.ppid);
      expect(fs.readFileSync(file, 'utf8')).toContain('"token":"t"'); // untouched
    });

    it("with staleAfterMs, takes over a live owner's lock older than that (its pid may be reused)", async () => {
      leaveLock(JSON.stringify({ pid: process.ppid, token: 't', since: 'x' }), 20_000);
      expect(await take(30, 10_000)).toBe('ran');
      leaveLock(JSON.stringify({ pid: process.ppid, token: 't', since: 'x' }), 5_000);
      expect(await take(30, 10_000).catch((e: unknown) => e)).toBeInstanceOf(LockBusyError);
    });

    it('writes its own pid and removes the file when done, also when the work throws', async () => {
      const readOwner = async () => parseLockOwner(fs.readFileSync(file, 'utf8'));
      const seen = await withFileLock(file, readOwner, { timeoutMs: 50 });
      expect(seen?.pid).toBe(process.pid);
      expect(() =>
        withFileLockSync(
          file,
          () => {
            throw new Error('boom');
          },
          { timeoutMs: 50 },
        ),
      ).toThrow('boom');
      expect(fs.existsSync(file)).toBe(false);
    });
  });
}

describe('the two drivers exclude each other in one process', () => {
  it('a sync taker sees the async holder as live (its token is held) and waits', async () => {
    const result = await withFileLock(
      file,
      async () => {
        const error = (() => {
          try {
            withFileLockSync(file, () => 'ran', { timeoutMs: 20 });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        return error;
      },
      { timeoutMs: 50 },
    );
    expect(result).toBeInstanceOf(LockBusyError);
    expect((result as LockBusyError).ownerPid).toBe(process.pid);
  });
});
