// `fcw serve --data DIR` where DIR cannot be created: exit 2 naming the path, the reason and the
// fix, never a raw mkdir error with exit 1.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { binReadableByAnyone, runFcw } from '../helpers/run-fcw.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fcw-serve-data-'));
  // nobody (below) must reach the read-only folder inside.
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fcw serve --data DIR that cannot be created', () => {
  it('a parent that is a regular file (ENOTDIR): exit 2, the path and the fix', async () => {
    writeFileSync(path.join(dir, 'a-file'), 'x');
    const data = path.join(dir, 'a-file', 'sandbox');
    const r = await runFcw(['serve', '--port', '0', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--data ${data} is not a directory: a file is in the way (ENOTDIR).`);
    expect(r.stderr).toContain('Give a directory');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a broken symbolic link on the way (ENOENT): exit 2, the path, the reason and the fix', async () => {
    const data = path.join(dir, 'link');
    symlinkSync(path.join(dir, 'gone', 'deeper'), data);
    const r = await runFcw(['serve', '--port', '0', '--data', data]);
    expect(r.stderr).toContain(`--data ${data} cannot be created or written: a folder on the way does not exist`);
    expect(r.stderr).toContain('(ENOENT)');
    expect(r.stderr).toContain('Give --data a folder you can write');
    expect(r.stderr).not.toContain('mkdir');
    expect(r.code).toBe(2);
  });

  it('a read-only parent (EACCES; run as nobody when we are root, who can write anywhere)', () => {
    const readOnly = path.join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const data = path.join(readOnly, 'sandbox');
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const { bin, remove } = binReadableByAnyone();
    const r = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--data', data], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1', HOME: dir, FCW_SANDBOX_SECRET: '' },
      ...asNobody,
    });
    remove();
    expect(r.stderr).toContain(`--data ${data} cannot be created or written: permission denied`);
    expect(r.stderr).toContain('(EACCES).');
    expect(r.stderr).toContain('Give --data a folder you can write');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });
});
