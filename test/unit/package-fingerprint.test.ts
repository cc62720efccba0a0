// The code fingerprint the wizard compares before it reuses a package: equal when nothing that
// would be packaged changed, different after an edit, a chmod, an added or removed file.
import { chmodSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fileFingerprint, folderFingerprint } from '../../src/package/fingerprint.js';
import { makeTree, tempDir } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('fcw-fingerprint-'));
});
afterEach(() => cleanup());

describe('folderFingerprint', () => {
  it('is stable while nothing changes, and changes with an edit, a chmod, a new and a removed file', async () => {
    const root = makeTree(path.join(dir, 'app'), { 'index.js': 'v1', 'lib/a.js': 'a', '.fcignore': 'notes.txt\n' });
    const fp = () => folderFingerprint(root, 'nodejs20');
    const seen = new Set<string>();
    const first = await fp();
    expect(await fp()).toBe(first);
    seen.add(first);

    // Same size, same mtime restored: only the ctime tells.
    writeFileSync(path.join(root, 'index.js'), 'v2');
    utimesSync(path.join(root, 'index.js'), 1_000, 1_000);
    seen.add(await fp());
    chmodSync(path.join(root, 'lib/a.js'), 0o600);
    seen.add(await fp());
    writeFileSync(path.join(root, 'lib/b.js'), 'b');
    seen.add(await fp());
    rmSync(path.join(root, 'lib/a.js'));
    seen.add(await fp());
    expect(seen.size).toBe(5);
  });

  it('ignores what the package leaves out (.fcignore)', async () => {
    const root = makeTree(path.join(dir, 'app'), { 'index.js': 'v1', '.fcignore': 'notes.txt\n' });
    const before = await folderFingerprint(root, 'nodejs20');
    writeFileSync(path.join(root, 'notes.txt'), 'not packaged');
    expect(await folderFingerprint(root, 'nodejs20')).toBe(before);
  });
});

describe('fileFingerprint', () => {
  it('changes when the file is rewritten', async () => {
    const file = path.join(dir, 'app.zip');
    writeFileSync(file, 'zip-1');
    const before = await fileFingerprint(file);
    expect(await fileFingerprint(file)).toBe(before);
    writeFileSync(file, 'zip-2');
    expect(await fileFingerprint(file)).not.toBe(before);
  });
});
