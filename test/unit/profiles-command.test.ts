// `fcw profiles` in process: bad usage on stderr with exit 2, and a malformed profile that `list`
// names can be shown and removed by that name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/commands/profiles.js';
import { ProfileStore } from '../../src/profiles/store.js';

let dir: string;

function makeIo(): { io: Io; out: () => string } {
  const stdout = new PassThrough();
  let out = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return {
    io: {
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
      env: { FCW_CONFIG_DIR: dir },
      cwd: dir,
    } as unknown as Io,
    out: () => out,
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-profiles-cmd-'));
  const store = new ProfileStore({ env: { FCW_CONFIG_DIR: dir }, stderr: new PassThrough() });
  store.save({
    name: 'web',
    target: { kind: 'local' },
    service: { name: 'svc' },
    function: { functionName: 'hello', runtime: 'nodejs18', handler: 'index.handler' },
    code: { kind: 'folder', path: '/tmp/code' },
  });
  // A dotted name, as a hand edit (or an older fcw) leaves it.
  const file = JSON.parse(fs.readFileSync(store.path, 'utf8'));
  file.profiles['we.b'] = { ...file.profiles.web, name: 'we.b' };
  fs.writeFileSync(store.path, JSON.stringify(file));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fcw profiles', () => {
  it('with no subcommand: exit 2, nothing on stdout, the usage in the error', async () => {
    const { io, out } = makeIo();
    const attempt = run([], io);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toMatchObject({
      hint: expect.stringMatching(/fcw profiles list \| show NAME \| rm NAME/),
    });
    expect(out()).toBe('');
    // --help is the way to ask for help: stdout, exit 0.
    const help = makeIo();
    expect(await run(['--help'], help.io)).toBe(0);
    expect(help.out()).toMatch(/^Usage/);
  });

  it('show of a malformed profile that list names: shows what is stored, says what is wrong and how to remove it', async () => {
    const list = makeIo();
    expect(await run(['list'], list.io)).toBe(0);
    expect(list.out()).toMatch(/we\.b\s+\(malformed: .*contains a dot/);

    const { io, out } = makeIo();
    const attempt = run(['show', 'we.b'], io);
    await expect(attempt).rejects.toThrow(/Profile "we\.b" in .*config\.json is malformed: .*contains a dot/);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('`fcw profiles rm we.b`') });
    expect(out()).toContain('"functionName": "hello"');
    expect(out()).not.toMatch(/Invalid profile name/);

    expect(await run(['rm', 'we.b'], makeIo().io)).toBe(0);
    const after = makeIo();
    await run(['list'], after.io);
    expect(after.out()).not.toContain('we.b');
  });
});

describe('a chosen credential source', () => {
  it('is stored as chosen (never a secret) and shown as the flag that chose it; a sandbox source is valid', async () => {
    const store = new ProfileStore({ env: { FCW_CONFIG_DIR: dir }, stderr: new PassThrough() });
    const profile = (name: string, credentialSource: object) => ({
      name,
      target: {
        kind: 'endpoint' as const,
        endpoint: 'http://127.0.0.1:9420',
        accountId: '1',
        credentialSource: credentialSource as never,
      },
      service: { name: 'svc' },
      function: { functionName: 'hello', runtime: 'nodejs18', handler: 'index.handler' },
      code: { kind: 'folder' as const, path: '/tmp/code' },
    });
    store.save(
      profile('ep', { kind: 'aliyun-cli', profileName: 'work', chosen: true, accessKeySecret: 'never-stored' }),
    );
    store.save(profile('sb', { kind: 'sandbox', chosen: true }));
    const stored = JSON.parse(fs.readFileSync(store.path, 'utf8')).profiles;
    expect(stored.ep.target.credentialSource).toEqual({ kind: 'aliyun-cli', profileName: 'work', chosen: true });
    expect(stored.sb.target.credentialSource).toEqual({ kind: 'sandbox', chosen: true });
    const { io, out } = makeIo();
    expect(await run(['show', 'ep'], io)).toBe(0);
    expect(out()).toContain('credentials chosen with --credentials aliyun:work');
    const list = makeIo();
    expect(await run(['list'], list.io)).toBe(0);
    expect(list.out()).not.toMatch(/sb\s+\(malformed/);
  });
});
