// `--out` replaces only a regular file; its temporary files are swept once their process is gone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { AtomicOut, checkOutTarget, sweepStaleTemps, tempNameFor } from '../../src/package/out-file.js';
import { tempDir } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('checkOutTarget', () => {
  it('refuses a character device such as /dev/null (checked only: nothing is written)', () => {
    expect(() => checkOutTarget('/dev/null')).toThrow(UsageError);
    const rule = '--out: /dev/null is a device file; --out writes only regular files';
    expect(() => checkOutTarget('/dev/null')).toThrow(rule);
  });

  it('accepts a missing path and an existing regular file', () => {
    expect(() => checkOutTarget(path.join(dir, 'new.zip'))).not.toThrow();
    writeFileSync(path.join(dir, 'old.zip'), 'x');
    expect(() => checkOutTarget(path.join(dir, 'old.zip'))).not.toThrow();
  });
});

describe('temporary files', () => {
  it('are named .FILE.fcw-tmp-PID, and a stale one of a gone process is swept', () => {
    const target = path.join(dir, 'app.zip');
    expect(tempNameFor(target, 42)).toBe(path.join(dir, '.app.zip.fcw-tmp-42'));
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const gone = Number(child.stdout);
    writeFileSync(tempNameFor(target, gone), 'partial');
    writeFileSync(path.join(dir, 'unrelated.fcw-tmp-1'), 'not ours: no leading dot');
    expect(sweepStaleTemps(dir)).toEqual([tempNameFor(target, gone)]);
    expect(readdirSync(dir)).toEqual(['unrelated.fcw-tmp-1']);
  });

  it('one left with our own pid (an earlier process that had it) is replaced', () => {
    const target = path.join(dir, 'app.zip');
    writeFileSync(tempNameFor(target), 'leftover');
    const out = new AtomicOut(target);
    writeFileSync(out.temp, 'zip');
    out.commit();
    expect(readdirSync(dir)).toEqual(['app.zip']);
    expect(existsSync(out.temp)).toBe(false);
  });
});
