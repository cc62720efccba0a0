import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as esbuild from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import { migrateProfileFile } from '../../src/profiles/migrate.js';
import { PROFILE_SCHEMA_VERSION, profileNameProblem, type Profile } from '../../src/profiles/schema.js';
import { ProfileStore } from '../../src/profiles/store.js';

let dir: string;
let stderr: PassThrough;
let stderrText: string;

function open(now = () => new Date('2026-01-02T03:04:05.678Z')): ProfileStore {
  return new ProfileStore({ dir, stderr, now });
}

function sample(name = 'demo', overrides: Partial<Profile> = {}): Profile {
  return {
    name,
    target: { kind: 'local' },
    service: { name: 'svc', create: true, description: 'made by fcw' },
    function: { functionName: 'hello', runtime: 'nodejs18', handler: 'index.handler', memorySize: 256, timeout: 30 },
    code: { kind: 'folder', path: '/tmp/code' },
    ...overrides,
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-profiles-'));
  stderr = new PassThrough();
  stderrText = '';
  stderr.setEncoding('utf8').on('data', (d: string) => (stderrText += d));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('profile names', () => {
  it('accepts letters, digits, - and _', () => {
    for (const ok of ['demo', 'prod-eu_1', '9lives', 'A'.repeat(64)]) expect(profileNameProblem(ok)).toBeUndefined();
  });
  it('refuses dots, reserved words, odd characters, empty and too long names, with the reason', () => {
    expect(profileNameProblem('prod.eu')).toMatch(/dot.*prod-eu/);
    expect(profileNameProblem('__proto__')).toMatch(/reserved/);
    expect(profileNameProblem('constructor')).toMatch(/reserved/);
    expect(profileNameProblem('a b')).toMatch(/letters, digits/);
    expect(profileNameProblem('-x')).toMatch(/starting with a letter or digit/);
    expect(profileNameProblem('')).toMatch(/required/);
    expect(profileNameProblem('A'.repeat(65))).toMatch(/65 characters; at most 64/);
  });
});

describe('ProfileStore', () => {
  it('saves, lists, gets and removes profiles, in one versioned record', () => {
    const store = open();
    expect(store.list()).toEqual([]);
    store.save(sample('b'));
    store.save(sample('a'));
    expect(store.names()).toEqual(['a', 'b']);
    expect(store.get('a')?.function.memorySize).toBe(256);
    const onDisk = JSON.parse(fs.readFileSync(store.path, 'utf8'));
    expect(onDisk.version).toBe(PROFILE_SCHEMA_VERSION);
    expect(Object.keys(onDisk.profiles).sort()).toEqual(['a', 'b']);
    expect(store.remove('a')).toBe(true);
    expect(store.remove('a')).toBe(false);
    expect(new ProfileStore({ dir, stderr }).names()).toEqual(['b']);
  });

  it('keeps createdAt across saves and moves updatedAt', () => {
    let t = new Date('2026-01-01T00:00:00Z');
    const store = new ProfileStore({ dir, stderr, now: () => t });
    store.save(sample());
    t = new Date('2026-02-01T00:00:00Z');
    const saved = store.save(sample('demo', { function: { ...sample().function, memorySize: 512 } }));
    expect(saved.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(saved.updatedAt).toBe('2026-02-01T00:00:00.000Z');
  });

  it('writes the file with mode 0600, by temp file and rename (a new inode each write)', () => {
    const store = open();
    store.save(sample());
    const first = fs.statSync(store.path);
    expect(first.mode & 0o777).toBe(0o600);
    store.save(sample('other'));
    const second = fs.statSync(store.path);
    expect(second.ino).not.toBe(first.ino);
    expect(fs.readdirSync(dir).filter((f) => f !== 'config.json')).toEqual([]);
  });

  it('stores only known fields: credentials riding along on the object never reach the disk', () => {
    const store = open();
    const withSecrets = {
      ...sample(),
      credentials: { accessKeyId: 'LTAI_SHOULD_NOT_BE_STORED', accessKeySecret: 'SECRET_SHOULD_NOT_BE_STORED' },
      target: {
        kind: 'cloud',
        region: 'cn-hangzhou',
        accessKeySecret: 'SECRET_IN_TARGET',
        credentialSource: { kind: 'env', token: 'TOKEN_X' },
      },
    } as unknown as Profile;
    store.save(withSecrets);
    store.recordDeploy('demo', { time: 't', status: 'failed', error: 'boom', authorization: 'FC LTAI:sig' } as never);
    const text = fs.readFileSync(store.path, 'utf8');
    for (const secret of ['SHOULD_NOT_BE_STORED', 'SECRET_IN_TARGET', 'TOKEN_X', 'FC LTAI:sig'])
      expect(text).not.toContain(secret);
    expect(store.get('demo')?.target).toEqual({
      kind: 'cloud',
      region: 'cn-hangzhou',
      credentialSource: { kind: 'env' },
    });
  });

  it('records the last deploy, also a failed one', () => {
    const store = open();
    store.save(sample());
    expect(store.recordDeploy('demo', { time: '2026-01-01T00:00:00Z', status: 'failed', error: 'AccessDenied' })).toBe(
      true,
    );
    expect(store.get('demo')?.lastDeploy).toEqual({
      time: '2026-01-01T00:00:00Z',
      status: 'failed',
      error: 'AccessDenied',
    });
    expect(store.recordDeploy('missing', { time: 't', status: 'created' })).toBe(false);
  });

  it('require() on an unknown name lists the known ones (exit 2)', () => {
    const store = open();
    store.save(sample('alpha'));
    store.save(sample('beta'));
    try {
      store.require('gamma');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).hint).toBe('Known profiles: alpha, beta.');
    }
    expect(() => store.require('a.b')).toThrow(/dot/);
  });

  it('refuses to save a profile with a bad name', () => {
    expect(() => open().save(sample('prod.eu'))).toThrow(UsageError);
  });

  it('a hand-edited profile with a wrong type fails on get() with what is wrong, others still work', () => {
    const store = open();
    store.save(sample('good'));
    store.save(sample('bad'));
    const file = JSON.parse(fs.readFileSync(store.path, 'utf8'));
    file.profiles.bad.function.memorySize = 'lots';
    file.profiles.bad.target.kind = 'moon';
    fs.writeFileSync(store.path, JSON.stringify(file));
    expect(() => store.get('bad')).toThrow(
      /target\.kind should be .*function\.memorySize should be a number, found "lots"/,
    );
    expect(store.get('good')?.name).toBe('good');
    expect(store.list().map((p) => p.name)).toEqual(['good']);
    expect(store.malformed().map((m) => m.name)).toEqual(['bad']);
  });

  it('config.json that is a folder: a UsageError (exit 2) naming it, not a raw EISDIR', () => {
    fs.mkdirSync(path.join(dir, 'config.json'));
    let error: unknown;
    try {
      open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const file = path.join(dir, 'config.json');
    expect((error as UsageError).message).toBe(`Cannot read the profile file ${file}: it is a folder, not a file.`);
    expect((error as UsageError).hint).toContain('FCW_CONFIG_DIR');
    expect(fs.statSync(path.join(dir, 'config.json')).isDirectory()).toBe(true);
  });

  it('a config folder whose path runs through a file: a UsageError naming it', () => {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => new ProfileStore({ dir: path.join(dir, 'file', 'sub'), stderr })).toThrow(UsageError);
  });

  it('sets a corrupt file aside with a message, never a crash or a silent reset', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), '{"version": 1, "profiles": {"demo": ');
    const store = open();
    expect(store.names()).toEqual([]);
    const aside = path.join(dir, 'config.json.corrupt-2026-01-02T03-04-05-678Z');
    expect(fs.readFileSync(aside, 'utf8')).toBe('{"version": 1, "profiles": {"demo": ');
    expect(stderrText).toContain('could not be read: it is not valid JSON');
    expect(stderrText).toContain(aside);
    store.save(sample());
    expect(store.names()).toEqual(['demo']);
  });

  it('sets aside a file damaged after it was opened', () => {
    const store = open();
    store.save(sample());
    fs.writeFileSync(store.path, 'not json');
    expect(store.names()).toEqual([]);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('config.json.corrupt-'))).toBe(true);
    expect(stderrText).toContain('not valid JSON');
  });

  it('never writes over a file edited into the wrong shape after it was opened', () => {
    const store = open();
    store.save(sample());
    fs.writeFileSync(store.path, JSON.stringify({ version: 1, profiles: ['oops'] }));
    expect(store.names()).toEqual([]);
    const aside = fs.readdirSync(dir).find((f) => f.startsWith('config.json.corrupt-'));
    expect(aside && JSON.parse(fs.readFileSync(path.join(dir, aside), 'utf8'))).toEqual({
      version: 1,
      profiles: ['oops'],
    });
    expect(stderrText).toContain('shape changed');
  });

  it('sets aside a file that is JSON but not an object', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), '[1,2]');
    expect(open().names()).toEqual([]);
    expect(stderrText).toContain('does not hold a JSON object');
  });

  it('sets aside a file edited after it was opened into JSON that is not an object, never writing over it', () => {
    // conf alone reads 42 and null as an empty store, and the next save would write over the file.
    for (const text of ['42', 'null', '"str"']) {
      const store = open();
      store.save(sample());
      fs.writeFileSync(store.path, text);
      stderrText = '';
      store.save(sample('next'));
      const aside = fs.readdirSync(dir).find((f) => f.startsWith('config.json.corrupt-'));
      expect(aside && fs.readFileSync(path.join(dir, aside), 'utf8')).toBe(text);
      expect(stderrText).toContain('does not hold a JSON object');
      expect(store.names()).toEqual(['next']);
      for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
    }
  });

  it('an empty object file is an empty store: no upgrade notice, no backup', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    const store = open();
    expect(store.names()).toEqual([]);
    expect(stderrText).toBe('');
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
  });

  it('a config.json made by hand with mode 0644 is 0600 after the next save', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ version: PROFILE_SCHEMA_VERSION, profiles: {} }));
    fs.chmodSync(file, 0o644);
    open().save(sample());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses, untouched, a file from a newer fcw', () => {
    const text = JSON.stringify({ version: PROFILE_SCHEMA_VERSION + 1, profiles: {} });
    fs.writeFileSync(path.join(dir, 'config.json'), text);
    expect(() => open()).toThrow(/newer fcw/);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(text);
  });

  it('migrates a version-0 file (flat profiles at the top level), keeping a backup', () => {
    const v0 = {
      web: {
        endpoint: 'https://123.cn-hangzhou.fc.aliyuncs.com',
        region: 'cn-hangzhou',
        accountId: '123',
        serviceName: 'svc',
        createService: true,
        functionName: 'hello',
        runtime: 'python3',
        handler: 'index.handler',
        memorySize: 512,
        codeDir: '/src/app',
      },
      local: {
        endpoint: 'http://127.0.0.1:9000',
        serviceName: 's',
        functionName: 'f',
        runtime: 'nodejs18',
        handler: 'index.handler',
        codeZip: '/x.zip',
      },
    };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(v0));
    const store = open();
    expect(store.get('web')).toMatchObject({
      name: 'web',
      target: {
        kind: 'endpoint',
        endpoint: 'https://123.cn-hangzhou.fc.aliyuncs.com',
        region: 'cn-hangzhou',
        accountId: '123',
      },
      service: { name: 'svc', create: true },
      function: { functionName: 'hello', runtime: 'python3', handler: 'index.handler', memorySize: 512 },
      code: { kind: 'folder', path: '/src/app' },
    });
    expect(store.get('local')).toMatchObject({ target: { kind: 'local' }, code: { kind: 'zip', path: '/x.zip' } });
    expect(JSON.parse(fs.readFileSync(store.path, 'utf8')).version).toBe(PROFILE_SCHEMA_VERSION);
    expect(JSON.parse(fs.readFileSync(`${store.path}.v0.bak`, 'utf8'))).toEqual(v0);
    expect(stderrText).toMatch(/upgraded .* from profile schema version 0 to 1/);
    // Opening again does not migrate twice.
    stderrText = '';
    expect(open().names()).toEqual(['local', 'web']);
    expect(stderrText).toBe('');
  });

  it('migrateProfileFile leaves a current file as it is', () => {
    const current = { version: PROFILE_SCHEMA_VERSION, profiles: { a: sample('a') } };
    expect(migrateProfileFile(current)).toEqual({ file: current, from: PROFILE_SCHEMA_VERSION, migrated: false });
  });

  it("waits for another live process's lock, bounded, naming it, and takes over a dead one's", () => {
    const store = new ProfileStore({ dir, stderr, lockWaitMs: 60 });
    const lock = path.join(dir, 'config.json.lock');
    fs.writeFileSync(lock, String(process.ppid)); // alive and not us, as an older fcw writes it
    const t0 = Date.now();
    expect(() => store.save(sample())).toThrow(new RegExp(`locked by another fcw process \\(pid ${process.ppid}\\)`));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const dead = Number(child.stdout.toString());
    fs.writeFileSync(lock, JSON.stringify({ pid: dead, token: 't' }));
    store.save(sample());
    expect(store.names()).toEqual(['demo']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("takes over any lock older than 10 s, even of a live pid (a crashed fcw's pid may be reused)", () => {
    const store = new ProfileStore({ dir, stderr, lockWaitMs: 60 });
    const lock = path.join(dir, 'config.json.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, token: 't' }));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    store.save(sample());
    expect(store.names()).toEqual(['demo']);
  });

  it('takes over an empty lock older than a few seconds (a kill -9 between create and write)', () => {
    const store = new ProfileStore({ dir, stderr, lockWaitMs: 60 });
    const lock = path.join(dir, 'config.json.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 5_000);
    fs.utimesSync(lock, old, old);
    store.save(sample());
    expect(store.names()).toEqual(['demo']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('parallel processes saving different profiles lose none of them', async () => {
    // A small program on the real store, bundled like scripts/run-ts.mjs does (deps external).
    const outDir = path.resolve('node_modules/.cache/fcw-profile-lock-test');
    fs.mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, 'writer.mjs');
    const storePath = path.resolve('src/profiles/store.ts');
    await esbuild.build({
      stdin: {
        contents: `import { ProfileStore } from ${JSON.stringify(storePath)};
          const [dir, who] = process.argv.slice(2);
          const store = new ProfileStore({ dir });
          for (let i = 0; i < 15; i++) {
            store.save({ name: who + '-' + i, target: { kind: 'local' }, service: { name: 's' },
              function: { functionName: 'f', runtime: 'nodejs18', handler: 'index.handler' }, code: { kind: 'folder', path: '/x' } });
          }`,
        resolveDir: path.resolve('.'),
        loader: 'ts',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    const run = (who: string) =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, [outfile, dir, who], { stdio: 'inherit' }).on('close', resolve),
      );
    expect(await Promise.all(['a', 'b', 'c', 'd'].map(run))).toEqual([0, 0, 0, 0]);
    expect(open().names()).toHaveLength(60);
  });

  it('uses FCW_CONFIG_DIR when no dir is given', () => {
    const store = new ProfileStore({ env: { FCW_CONFIG_DIR: dir }, stderr });
    expect(store.path).toBe(path.join(dir, 'config.json'));
  });
});

describe('the remembered event', () => {
  it('recordEvent keeps the last event; saving the profile again keeps it; too large an event is not kept', () => {
    const store = open();
    store.save(sample('demo'));
    expect(store.recordEvent('demo', '{"a":1}')).toBe(true);
    expect(store.get('demo')?.lastEvent).toBe('{"a":1}');
    store.save(sample('demo', { function: { functionName: 'hello', runtime: 'nodejs20', handler: 'index.handler' } }));
    expect(store.get('demo')?.lastEvent).toBe('{"a":1}');
    expect(store.recordEvent('demo', 'x'.repeat(64 * 1024 + 1))).toBe(false);
    expect(store.get('demo')?.lastEvent).toBe('{"a":1}');
    expect(store.recordEvent('gone', '{}')).toBe(false);
  });
});
