// An existing .zip or .jar is sent as it is: checked that it opens as a zip, checksummed (CRC-64
// of its bytes, as FC computes codeChecksum), and its entries listed for the size report and the
// handler check.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { UsageError } from '../core/errors.js';
import { crc64 } from './crc64.js';
import { S_IFLNK, S_IFMT, comparePaths } from './select.js';
import { base64Size } from '../core/bytes.js';
import { LargestTracker, sizeVerdict } from './size.js';
import { usesZip64 } from './zip64.js';
import type { PackageEntry, PackageResult } from './types.js';

/** Opens a zip with jszip; a UsageError naming the file when it is not one. */
export async function openZip(data: Uint8Array, label: string): Promise<JSZip> {
  try {
    return await JSZip.loadAsync(data, { createFolders: false });
  } catch (error) {
    throw new UsageError(
      `${label} is not a readable zip file (${(error as Error).message.replace(/\.$/, '')}).`,
      'Give a .zip or .jar built by a zip tool or your build, or a folder to package.',
    );
  }
}

/**
 * jszip keeps the uncompressed size on its internal compressed object (jszip 3.10.2), read as a
 * signed 32-bit number: 2 GiB and more come out negative, so it is read back as unsigned.
 */
function uncompressedSize(file: JSZip.JSZipObject): number {
  const size = (file as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize;
  return typeof size === 'number' ? size >>> 0 : 0;
}

export async function loadZipPackage(file: string): Promise<PackageResult> {
  const abs = path.resolve(file);
  let zipBytes: Buffer;
  try {
    if (!statSync(abs).isFile())
      throw new UsageError(`${abs} is not a file.`, 'Give a .zip or .jar file, or a folder to package.');
    zipBytes = readFileSync(abs);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(
        `The code file ${abs} does not exist.`,
        'Give the path of a .zip or .jar, or a folder to package.',
      );
    throw new UsageError(`Cannot read ${abs}: ${(error as Error).message}.`);
  }
  if (usesZip64(zipBytes)) {
    throw new UsageError(
      `${abs} is a ZIP64 zip (an entry or the zip is 4 GiB or more, or it holds 65,535 entries or more); ` +
        'fcw reads only zips without ZIP64, and FC takes at most 500 MB of zip.',
      'Rebuild it without ZIP64 (smaller, fewer files), or give the folder and let fcw package it.',
    );
  }
  const archive = await openZip(zipBytes, abs);
  const entries: PackageEntry[] = [];
  const largest = new LargestTracker();
  let files = 0;
  let bytes = 0;
  for (const item of Object.values(archive.files)) {
    const name = item.name.replace(/\/+$/, '');
    if (!name) continue;
    const mode = typeof item.unixPermissions === 'number' ? item.unixPermissions : 0;
    const size = uncompressedSize(item);
    if (item.dir) {
      entries.push({ path: name, kind: 'dir', mode, bytes: 0 });
      continue;
    }
    const entry: PackageEntry = {
      path: name,
      kind: (mode & S_IFMT) === S_IFLNK ? 'symlink' : 'file',
      mode,
      bytes: size,
    };
    if (entry.kind === 'symlink') entry.target = await item.async('string');
    entries.push(entry);
    largest.offer(name, size);
    files++;
    bytes += size;
  }
  entries.sort((a, b) => comparePaths(a.path, b.path));
  return {
    zip: zipBytes,
    checksum: crc64(zipBytes),
    files,
    bytes,
    zipBytes: zipBytes.length,
    base64Bytes: base64Size(zipBytes.length),
    largest: largest.list(),
    entries,
    verdict: sizeVerdict(zipBytes.length),
    root: abs,
    source: 'zip',
  };
}
