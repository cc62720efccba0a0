// An instance's working copy of the function's code: the stored zip unpacked into a fresh directory
// the instance may change freely (the stored zip is never touched). File modes are kept (a custom
// runtime's bootstrap must stay executable) and so are symlinks; an entry that would land outside
// the directory (`../x`, an absolute path) is refused, and so is one whose path goes through a
// symlink the zip made (`d -> /elsewhere`, then `d/file`) or that names a path already unpacked
// (a symlink `f`, then a file `f`): writing it would follow the link and put the file outside.
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import JSZip from 'jszip';

import { processAlive } from '../../core/process-alive.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export interface UnpackOptions {
  /** Replace files already there (layers unpacked over each other): a link is replaced, not written through. */
  overwrite?: boolean;
  /**
   * Where FC mounts what is unpacked (`/opt` for layers): a symlink to an absolute path under it
   * is pointed at the same place in the target directory, which stands in for it here.
   */
  mountedAt?: string;
}

/** A symlink's target, an absolute one under `mountedAt` moved to `root` (normalized first, as FC reads it). */
function remount(target: string, mountedAt: string | undefined, root: string): string {
  if (!mountedAt || !target.startsWith('/')) return target;
  const normal = path.posix.normalize(target);
  if (normal !== mountedAt && !normal.startsWith(`${mountedAt}/`)) return target;
  return path.join(root, normal.slice(mountedAt.length));
}

export async function unpackCode(zipPath: string, targetDir: string, options: UnpackOptions = {}): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(zipPath), { checkCRC32: false, createFolders: false });
  await mkdir(targetDir, { recursive: true });
  const root = path.resolve(targetDir);
  for (const entry of Object.values(zip.files)) {
    const target = path.resolve(root, entry.name);
    if (target !== root && !target.startsWith(root + path.sep)) {
      throw new Error(`the code package holds an entry outside its folder: ${entry.name}`);
    }
    await refuseLinkOnTheWay(root, target, entry.name);
    if (entry.dir) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const mode = typeof entry.unixPermissions === 'number' ? entry.unixPermissions : undefined;
    const content = await entry.async('nodebuffer');
    if (options.overwrite) await rm(target, { force: true });
    if (mode !== undefined && (mode & S_IFMT) === S_IFLNK) {
      await symlink(remount(content.toString('utf8'), options.mountedAt, root), target);
      continue;
    }
    await writeFile(target, content, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      throw new Error(`the code package holds an entry twice: ${entry.name}`);
    });
    if (mode !== undefined && (mode & 0o777) !== 0) await chmod(target, mode & 0o777);
  }
}

/** Throws when a folder on the way from `root` to `target` is a symlink (the zip made it). */
async function refuseLinkOnTheWay(root: string, target: string, name: string): Promise<void> {
  const parts = path.relative(root, target).split(path.sep);
  let at = root;
  for (const part of parts.slice(0, -1)) {
    at = path.join(at, part);
    try {
      if ((await lstat(at)).isSymbolicLink()) {
        throw new Error(`the code package holds an entry under a symlink: ${name}`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // the rest is not made yet
      throw error;
    }
  }
}

const ROOT_PREFIX = 'fcw-instances-';

/**
 * The folder that holds this process's working copies, `fcw-instances-<pid>-XXXXXX` in `parent`.
 * A sandbox stopped cleanly removes its own; one that was killed (SIGKILL, a crash) cannot, so
 * the folders of processes that are gone are removed here, when the next sandbox needs one.
 */
export async function makeInstancesRoot(parent: string): Promise<string> {
  let names: string[] = [];
  try {
    names = await readdir(parent);
  } catch {
    // mkdtemp below says what is wrong with the folder
  }
  for (const name of names) {
    const owner = new RegExp(`^${ROOT_PREFIX}(\\d+)-`).exec(name);
    if (owner && Number(owner[1]) !== process.pid && !processAlive(Number(owner[1]))) {
      await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return mkdtemp(path.join(parent, `${ROOT_PREFIX}${process.pid}-`));
}
