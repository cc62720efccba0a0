// Bad input while packaging: a file that cannot be read, that changes while it is read, that
// disappears, or is swapped for something else. Each is a UsageError (exit 2) naming the file, and
// no zip comes out. The tests run as root, who can read anything, so "permission denied" is
// injected at the fs layer the reader uses (FsOps): the reader's real error mapping still runs.
// Changes are real: the hook appends to the file on disk between the scan and the read's end.
import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { buildPackage } from '../../src/package/build.js';
import { readEntry, realFs, type FsOps } from '../../src/package/read-file.js';
import { selectEntries } from '../../src/package/select.js';
import { makeTree, tempDir, text } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
let root: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const spec: Record<string, string | Buffer> = {
    'index.js': 'exports.handler = () => 1;\n',
    'data/big.txt': text(100_000),
  };
  for (let i = 0; i < 50; i++) spec[`many/${i}.txt`] = text(1000 + i, i);
  root = makeTree(path.join(dir, 'code'), spec);
});
afterEach(() => cleanup());

/** FsOps whose openSync fails with `code` for paths ending in `suffix`. */
function failingOpen(suffix: string, code: string): FsOps {
  return {
    ...realFs,
    openSync(p, flags) {
      if (p.endsWith(suffix)) throw Object.assign(new Error(`${code}: injected, open '${p}'`), { code });
      return realFs.openSync(p, flags);
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('an unreadable file', () => {
  it('is a UsageError naming it, with the fix', async () => {
    const error = await rejection(buildPackage({ root }, { fs: failingOpen('many/7.txt', 'EACCES') }));
    expect(error.message).toBe('Cannot read many/7.txt: permission denied.');
    expect(error.hint).toContain('chmod u+r');
    expect(error.hint).toContain('.fcignore');
    expect(error.exitCode).toBe(2);
  });

  it('fails the same way on either path (threadpool look-ahead or main thread)', async () => {
    for (const maxInFlight of [1, 4]) {
      const error = await rejection(buildPackage({ root }, { maxInFlight, fs: failingOpen('data/big.txt', 'EPERM') }));
      expect(error.message).toContain('data/big.txt');
    }
  });

  it('an empty file that cannot be opened is caught too', async () => {
    writeFileSync(path.join(root, 'empty.txt'), '');
    const error = await rejection(buildPackage({ root }, { fs: failingOpen('empty.txt', 'EACCES') }));
    expect(error.message).toContain('empty.txt');
  });
});

describe('a file that changes while it is packaged', () => {
  it('grows during the read: noticed by the read itself', async () => {
    const target = path.join(root, 'data/big.txt');
    const fs: FsOps = {
      ...realFs,
      readSync(fd, buffer, offset, length, position) {
        const n = realFs.readSync(fd, buffer, offset, length, position);
        if (position === 0 && n > 0 && buffer.length > 50_000) appendFileSync(target, 'more');
        return n;
      },
    };
    const error = await rejection(buildPackage({ root }, { fs }));
    expect(error.message).toContain('data/big.txt changed while it was being packaged');
    expect(error.message).toContain('no zip was written');
  });

  it('rewritten with the same size after the scan: noticed by its modification time', async () => {
    const selection = await selectEntries(root);
    const entry = selection.entries.find((e) => e.path === 'index.js')!;
    const original = entry.mtimeMs;
    writeFileSync(entry.abs, 'exports.handler = () => 2;\n'); // same length
    expect(() => readEntry({ ...entry, mtimeMs: original - 1000 })).toThrow(/index\.js changed while/);
  });

  it('shrinks during the read', async () => {
    const target = path.join(root, 'data/big.txt');
    const fs: FsOps = {
      ...realFs,
      openSync(p, flags) {
        const fd = realFs.openSync(p, flags);
        if (p === target) writeFileSync(target, 'short');
        return fd;
      },
    };
    const error = await rejection(buildPackage({ root }, { fs }));
    expect(error.message).toContain('data/big.txt changed');
  });

  it('disappears after the scan', async () => {
    const fs: FsOps = {
      ...realFs,
      openSync(p, flags) {
        if (p.endsWith('many/3.txt')) unlinkSync(p);
        return realFs.openSync(p, flags);
      },
    };
    const error = await rejection(buildPackage({ root }, { fs }));
    expect(error.message).toBe('many/3.txt disappeared while the package was being built; no zip was written.');
  });

  it('is swapped for a folder or a symlink after the scan', async () => {
    const target = path.join(root, 'many/4.txt');
    const swapDir: FsOps = {
      ...realFs,
      openSync(p, flags) {
        if (p === target) {
          rmSync(p);
          mkdirSync(p);
        }
        return realFs.openSync(p, flags);
      },
    };
    expect((await rejection(buildPackage({ root }, { fs: swapDir }))).message).toContain('many/4.txt changed');

    rmSync(target, { recursive: true });
    writeFileSync(target, 'x');
    const swapLink: FsOps = {
      ...realFs,
      openSync(p, flags) {
        if (p === target) {
          renameSync(p, `${p}.moved`);
          // A symlink in its place: O_NOFOLLOW refuses to open it.
          symlinkSync('index.js', p);
        }
        return realFs.openSync(p, flags);
      },
    };
    expect((await rejection(buildPackage({ root }, { fs: swapLink }))).message).toContain('many/4.txt changed');
  });
});

describe('odd names work', () => {
  // Control characters (a tab, a newline) are refused instead: package-names.test.ts.
  it('spaces, unicode, quotes, leading dashes and brackets', async () => {
    const names = ['with space.txt', 'ünïcödé/ファイル.txt', 'it\'s "quoted".txt', '-dash.txt', '[x] (y) {z}.txt'];
    names.push('emoji 🚀.txt');
    const oddRoot = makeTree(path.join(dir, 'odd'), Object.fromEntries(names.map((n) => [n, `content of ${n}`])));
    const pkg = await buildPackage({ root: oddRoot });
    expect(pkg.files).toBe(names.length);
    for (const n of names)
      expect(
        pkg.entries.some((e) => e.path === n),
        n,
      ).toBe(true);
  });
});

describe('the worker-thread path detects the same problems', () => {
  it('a file changed or removed after the scan, an unreadable one', async () => {
    const { writeZip } = await import('../../src/package/zip-writer.js');
    const selection = await selectEntries(root);
    appendFileSync(path.join(root, 'many/10.txt'), 'grown');
    const changed = await rejection(writeZip(selection.entries, { useWorkers: true, workers: 2 }));
    expect(changed.message).toContain('many/10.txt changed while it was being packaged');

    const again = await selectEntries(root);
    unlinkSync(path.join(root, 'many/20.txt'));
    const gone = await rejection(writeZip(again.entries, { useWorkers: true, workers: 1 }));
    expect(gone.message).toBe('many/20.txt disappeared while the package was being built; no zip was written.');

    // As root, chmod 000 does not stop a read: a folder in the file's place makes the read fail
    // with EISDIR inside the worker instead, which must surface as a change, not a crash.
    const third = await selectEntries(root);
    rmSync(path.join(root, 'many/30.txt'));
    mkdirSync(path.join(root, 'many/30.txt'));
    const swapped = await rejection(writeZip(third.entries, { useWorkers: true }));
    expect(swapped.message).toContain('many/30.txt changed');
  });
});
