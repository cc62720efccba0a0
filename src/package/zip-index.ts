// Reads the central directory of a zip fcw wrote (no ZIP64, so 32-bit sizes and offsets): for each
// entry its name, method, CRC-32, sizes, and where its compressed bytes start. The package cache
// uses it to find each file's deflated bytes in the previous zip, and checks each local header
// before it trusts an offset.
import { readSync } from 'node:fs';

const EOCD_SIGNATURE = 0x06054b50;
const CD_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const LOCAL_HEADER_SIZE = 30;

export interface IndexedEntry {
  /** As stored: folders end in `/`. */
  name: string;
  /** 8 deflate, 0 store. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the local header starts, and how long it is (header, name, extra field). */
  localOffset: number;
  localLength: number;
  /** Where its record is in the central directory's bytes, and how long it is. */
  centralOffset: number;
  centralLength: number;
}

/** The entries, and the central directory's bytes they point into. */
export interface ZipIndex {
  entries: IndexedEntry[];
  central: Buffer;
}

/** Thrown for anything that is not the zip we expect; the cache treats it as a miss. */
export class ZipIndexError extends Error {}

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) throw new ZipIndexError('short read');
    got += n;
  }
  return buffer;
}

/** The central directory of the zip open on `fd` (`size` bytes, written without a comment). */
export function readZipIndex(fd: number, size: number): IndexedEntry[] {
  return readCentralDirectory(fd, size).entries;
}

/** readZipIndex, keeping the central directory's bytes (the package cache copies records from them). */
export function readCentralDirectory(fd: number, size: number): ZipIndex {
  if (size < EOCD_SIZE) throw new ZipIndexError('too short');
  const eocd = readAt(fd, EOCD_SIZE, size - EOCD_SIZE);
  if (eocd.readUInt32LE(0) !== EOCD_SIGNATURE) throw new ZipIndexError('no end record');
  const count = eocd.readUInt16LE(10);
  const cdSize = eocd.readUInt32LE(12);
  const cdOffset = eocd.readUInt32LE(16);
  if (cdOffset + cdSize !== size - EOCD_SIZE) throw new ZipIndexError('central directory out of place');
  const cd = readAt(fd, cdSize, cdOffset);
  const entries: IndexedEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CD_SIGNATURE) throw new ZipIndexError('bad central record');
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    entries.push({
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      method: cd.readUInt16LE(at + 10),
      crc32: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      uncompressedSize: cd.readUInt32LE(at + 24),
      localOffset: cd.readUInt32LE(at + 42),
      // jszip writes the same extra fields in the local and the central header.
      localLength: LOCAL_HEADER_SIZE + nameLength + extraLength,
      centralOffset: at,
      centralLength: 46 + nameLength + extraLength + commentLength,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== cd.length) throw new ZipIndexError('central directory length');
  return { entries, central: cd };
}

/** An entry's compressed bytes, after checking that its local header is where the index says. */
export function readEntryData(fd: number, entry: IndexedEntry): Buffer {
  const block = readAt(fd, entry.localLength + entry.compressedSize, entry.localOffset);
  const signature = block.readUInt32LE(0);
  const crc32 = block.readUInt32LE(14);
  const compressedSize = block.readUInt32LE(18);
  if (signature !== LOCAL_SIGNATURE || crc32 !== entry.crc32 || compressedSize !== entry.compressedSize) {
    throw new ZipIndexError('local header does not match');
  }
  return block.subarray(entry.localLength);
}

/**
 * Whether the local header at `at` in `block` is the one `entry`'s central record describes. jszip
 * writes the same 26 bytes (version, flags, method, time, date, CRC-32, sizes, name and extra
 * lengths) after the local header's signature and after the central record's "version made by",
 * and the same name and extra field in both: so they must be equal, byte for byte.
 */
export function localHeaderMatches(block: Buffer, at: number, central: Buffer, entry: IndexedEntry): boolean {
  if (at + entry.localLength > block.length || block.readUInt32LE(at) !== LOCAL_SIGNATURE) return false;
  const c = entry.centralOffset;
  const namesLength = entry.localLength - LOCAL_HEADER_SIZE;
  return (
    block.compare(central, c + 6, c + 32, at + 4, at + 30) === 0 &&
    block.compare(central, c + 46, c + 46 + namesLength, at + 30, at + entry.localLength) === 0
  );
}
