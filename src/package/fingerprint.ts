// A cheap fingerprint of what a package is built from, to tell whether the code changed since it
// was packaged without reading any file: for a folder, each entry the package would hold (the same
// selection, .fcignore included) with its kind, mode, size, mtime and ctime; for a .zip, the file's
// own stat. An edit changes the mtime, a chmod or rename the ctime, an added or removed file the
// list, so equal fingerprints mean the package would come out the same. One lstat per entry.
import { createHash } from 'node:crypto';
import { lstat, stat } from 'node:fs/promises';

import { selectEntries } from './select.js';

export async function folderFingerprint(root: string, runtime: string | undefined): Promise<string> {
  const { entries } = await selectEntries(root, { runtime });
  const hash = createHash('sha256');
  for (const entry of entries) {
    const s = await lstat(entry.abs);
    hash.update(`${entry.path}\0${entry.kind}\0${s.mode}\0${s.size}\0${s.mtimeMs}\0${s.ctimeMs}\0${s.ino}\n`);
  }
  return hash.digest('hex');
}

export async function fileFingerprint(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}
