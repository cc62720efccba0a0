// The sandbox's persistence primitives: name encoding, atomic writes, the per-service lock and the
// stored key pair.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, chmod, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { writeJsonAtomic } from '../../src/sandbox/atomic.js';
import { credentialsPath, loadOrCreateAccountId, loadOrCreateCredentials } from '../../src/sandbox/credentials.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { SERVICE_LOCK_STALE_MS, withLock } from '../../src/sandbox/lock.js';
import { decodeName, encodeName, isStorableName, SandboxStore } from '../../src/sandbox/store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fcw-sandbox-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('names on disk', () => {
  it('keeps names that differ only in case apart and decodes back', () => {
    expect(encodeName('Demo_A-b')).toBe('^demo_^a-b');
    expect(encodeName('demo_a-b')).toBe('demo_a-b');
    for (const name of ['Demo_A-b', 'demo', 'X', '_x-1']) expect(decodeName(encodeName(name))).toBe(name);
  });

  it('refuses anything that could leave the directory or is not an FC name', () => {
    for (const bad of ['..', '../x', 'a/b', '', '1abc', '-a', 'a.b', 'a'.repeat(129)]) {
      expect(isStorableName(bad)).toBe(false);
      expect(() => encodeName(bad)).toThrow();
    }
    expect(decodeName('^^a')).toBeUndefined();
    expect(decodeName('A')).toBeUndefined(); // upper case on disk is never written by us
  });
});

describe('SandboxStore', () => {
  it('creates a service once, lists it, and removes it', async () => {
    const store = new SandboxStore(dir);
    await store.init();
    const record = { serviceName: 'Svc', serviceId: 'id', createdTime: 't', lastModifiedTime: 't', etag: 'e' };
    expect(await store.createService(record)).toBe(true);
    expect(await store.createService({ ...record, serviceId: 'other' })).toBe(false);
    expect(await store.listServiceNames()).toEqual(['Svc']);
    expect((await store.getService('Svc'))?.serviceId).toBe('id');
    expect(await store.getService('svc')).toBeUndefined();
    await store.removeService('Svc');
    expect(await store.listServiceNames()).toEqual([]);
    expect(await readdir(path.join(dir, 'trash'))).toEqual([]);
  });

  it('never leaves a temp file behind and ignores stray ones when listing', async () => {
    const store = new SandboxStore(dir);
    await store.init();
    await store.createService({
      serviceName: 'a',
      serviceId: 'id',
      createdTime: 't',
      lastModifiedTime: 't',
      etag: 'e',
    });
    await writeFile(path.join(dir, 'services', '.tmp-crashed'), 'half');
    expect(await store.listServiceNames()).toEqual(['a']);
    const target = path.join(dir, 'x.json');
    await writeJsonAtomic(target, { v: 1 });
    await writeJsonAtomic(target, { v: 2 });
    expect(JSON.parse(await readFile(target, 'utf8'))).toEqual({ v: 2 });
    expect((await readdir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('clears staging files of dead processes on init, and keeps those of live ones', async () => {
    const store = new SandboxStore(dir);
    await store.init();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(path.join(dir, 'staging', `${dead}-x.zip`), 'old');
    await writeFile(path.join(dir, 'staging', `${process.pid}-y.zip`), 'mine');
    await store.init();
    expect(await readdir(path.join(dir, 'staging'))).toEqual([`${process.pid}-y.zip`]);
  });
});

describe('withLock', () => {
  it('runs holders of one lock one at a time, in order', async () => {
    const file = path.join(dir, 'locks', 's.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(file, 's', async () => {
        events.push(`${name}+`);
        await new Promise((r) => setImmediate(r));
        events.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(events).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    await expect(stat(file)).rejects.toThrow(); // released
  });

  it('releases the lock when the holder throws', async () => {
    const file = path.join(dir, 'locks', 's.lock');
    await expect(withLock(file, 's', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withLock(file, 's', async () => 'next')).toBe('next');
  });

  it('waits for a lock held by another live process, then answers 409 ConcurrentUpdateError', async () => {
    const file = path.join(dir, 'locks', 's.lock');
    await withLock(file, 's', async () => {}); // creates the directory
    await writeFile(file, JSON.stringify({ pid: process.ppid, since: 'now' })); // the parent is alive and is not us
    const started = Date.now();
    const error = await withLock(file, "service 's'", async () => 'ran', { timeoutMs: 150 }).catch((e) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).status).toBe(409);
    expect((error as SandboxError).code).toBe('ConcurrentUpdateError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('takes over a lock left by a dead process', async () => {
    const file = path.join(dir, 'locks', 's.lock');
    await withLock(file, 's', async () => {});
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
    );
    await writeFile(file, JSON.stringify({ pid: dead, since: 'then' }));
    expect(await withLock(file, 's', async () => 'ran', { timeoutMs: 1000 })).toBe('ran');
  });
});

describe('a lock file a crash left empty or cut short', () => {
  // What a kill -9 between the exclusive create and the write leaves: it used to wedge the service
  // for good (409 after 10 s on every write, across restarts).
  for (const [what, text] of [
    ['empty', ''],
    ['truncated', '{"pid":1234,"tok'],
  ] as const) {
    it(`is taken over once older than a few seconds (${what})`, async () => {
      const store = new SandboxStore(dir);
      await store.init();
      const file = path.join(dir, 'locks', 'svc.lock');
      await writeFile(file, text);
      const old = new Date(Date.now() - 60_000);
      await utimes(file, old, old);
      expect(await store.withServiceLock('svc', async () => 'ran')).toBe('ran');
      await expect(stat(file)).rejects.toThrow(); // released
    });
  }
});

describe('a service lock whose pid names a live process', () => {
  it('is taken over once older than SERVICE_LOCK_STALE_MS (the pid of a crashed sandbox, reused)', async () => {
    const store = new SandboxStore(dir);
    await store.init();
    const file = path.join(dir, 'locks', 'svc.lock');
    await writeFile(file, JSON.stringify({ pid: process.ppid, token: 't' }));
    const old = new Date(Date.now() - SERVICE_LOCK_STALE_MS - 1_000);
    await utimes(file, old, old);
    expect(await store.withServiceLock('svc', async () => 'ran')).toBe('ran');
  });
});

describe('the stored identity', () => {
  it('creates a key pair once with mode 0600 and reuses it', async () => {
    const first = await loadOrCreateCredentials(dir);
    expect(first.accessKeyId).toMatch(/^LTAIsandbox[A-Za-z0-9]{12}$/);
    expect(first.accessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    if (process.platform !== 'win32') expect((await stat(credentialsPath(dir))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateCredentials(dir)).toEqual(first);
    const account = await loadOrCreateAccountId(dir);
    expect(account).toMatch(/^\d{16}$/);
    expect(await loadOrCreateAccountId(dir)).toBe(account);
  });

  it('agrees on one key pair when several starts race on a fresh directory', async () => {
    const all = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateCredentials(dir)));
    for (const c of all) expect(c).toEqual(all[0]);
  });

  it('tightens a loosened key file and refuses a corrupt one, naming the file', async () => {
    await loadOrCreateCredentials(dir);
    if (process.platform !== 'win32') {
      await chmod(credentialsPath(dir), 0o644);
      await loadOrCreateCredentials(dir);
      expect((await stat(credentialsPath(dir))).mode & 0o777).toBe(0o600);
    }
    await writeFile(credentialsPath(dir), '{"accessKeyId": 1}');
    await expect(loadOrCreateCredentials(dir)).rejects.toThrow(credentialsPath(dir));
  });
});

describe('withLock under two names for one file', () => {
  it('still serialises holders in this process (the lock file, not the path string, decides)', async () => {
    const { symlink, mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'real'));
    await symlink(path.join(dir, 'real'), path.join(dir, 'alias'));
    const events: string[] = [];
    const hold = (base: string, name: string) =>
      withLock(path.join(dir, base, 's.lock'), 's', async () => {
        events.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name}-`);
      });
    await Promise.all([hold('real', 'a'), hold('alias', 'b')]);
    expect(events.join(' ')).toMatch(/^(a\+ a- b\+ b-|b\+ b- a\+ a-)$/);
  });

  it('takes over a lock file of this process that no holder has (leaked)', async () => {
    const file = path.join(dir, 'locks', 'leak.lock');
    await withLock(file, 's', async () => {});
    await writeFile(file, JSON.stringify({ pid: process.pid, token: 'nobody-holds-this' }));
    expect(await withLock(file, 's', async () => 'ran', { timeoutMs: 500 })).toBe('ran');
  });
});
