// The pieces a zip is spliced from besides jszip's batches: the central directory, collected from
// every batch and every copied entry and written once at the end with the end record; and the raw
// copy of entries whose bytes are taken as they are from the previous zip (the package cache).
//
// Why the end is written here, not by jszip: the zip is framed by several jszip archives in turn
// (one per batch, so jszip's per-entry objects never exist for the whole tree at once), and each
// one's end record would count only its own entries and put its central directory right after
// them. A zip has one central directory, after the last entry, listing all of them: so each
// batch's records are collected instead of written, and the end record is written by hand, with
// the same 22 bytes jszip's generateCentralDirectoryEnd writes when there is no comment.
import { FailedError } from '../core/errors.js';
import { localHeaderMatches, type IndexedEntry } from './zip-index.js';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
/** Where a central record holds its entry's local-header offset. */
const CENTRAL_OFFSET_FIELD = 42;

export type WriteChunk = (chunk: Uint8Array) => void;

/** Central-directory records in one growing buffer (about 100 bytes each), not an object each. */
export class CentralDirectory {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  count = 0;

  /** A record as jszip wrote it (a Buffer, or a binary string: one char per byte). */
  add(record: Uint8Array | string): void {
    const size = typeof record === 'string' ? record.length : record.length;
    this.reserve(size);
    if (typeof record === 'string') this.buffer.write(record, this.length, 'latin1');
    else this.buffer.set(record, this.length);
    this.length += size;
    this.count++;
  }

  /** A record copied from another zip, whose local header is now at `offset`. */
  addMoved(source: Buffer, start: number, size: number, offset: number): void {
    this.reserve(size);
    source.copy(this.buffer, this.length, start, start + size);
    this.buffer.writeUInt32LE(offset, this.length + CENTRAL_OFFSET_FIELD);
    this.length += size;
    this.count++;
  }

  /** Writes the records, then the end record; `at` is the offset they start at (all entries written). */
  writeTo(write: WriteChunk, at: number): void {
    if (this.length > 0) write(this.buffer.subarray(0, this.length));
    const end = Buffer.alloc(EOCD_SIZE);
    end.writeUInt32LE(EOCD_SIGNATURE, 0);
    // Bytes 4..7: this disk and the central directory's disk, both 0 (one file).
    end.writeUInt16LE(this.count, 8); // entries on this disk
    end.writeUInt16LE(this.count, 10); // entries in all
    end.writeUInt32LE(this.length, 12);
    end.writeUInt32LE(at, 16);
    // Bytes 20..21: comment length, 0.
    write(end);
  }

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + size));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** The previous zip, as the raw copy reads it. */
export interface RawSource {
  /** Its central directory's bytes (IndexedEntry.centralOffset points into them). */
  readonly central: Buffer;
  /** Like readSync on the zip: the bytes read into `buffer` at `offset`, 0 at its end. */
  read(buffer: Buffer, offset: number, length: number, position: number): number;
  /** Where the zip is, for the message when it changed under us. */
  readonly path: string;
}

/** Adjacent entries are read together, up to this much at a time, into one reused buffer. */
export const RAW_READ_BYTES = 4 * 1024 * 1024;

const spanOf = (e: IndexedEntry) => e.localLength + e.compressedSize;

/**
 * Copies entries from the previous zip as they are: local header, name, extra field and data, in
 * one range per run of entries that were adjacent there, read in slices of at most RAW_READ_BYTES.
 * Each local header is checked against its central record in the buffer it was read into, before
 * any of its bytes are written (the zip was checked whole by its CRC-64 before, but it could have
 * been changed since): a mismatch refuses the build rather than write a wrong zip.
 */
export class RawCopier {
  private readonly buffer: Buffer;

  constructor(
    private readonly source: RawSource,
    readBytes = RAW_READ_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(readBytes);
  }

  /**
   * Writes `run` (in this order) starting at `offset` of the new zip; adds their central records
   * with their new offsets. Returns the bytes written.
   */
  copy(run: readonly IndexedEntry[], offset: number, write: WriteChunk, directory: CentralDirectory): number {
    let written = 0;
    let i = 0;
    while (i < run.length) {
      // A group: entries adjacent in the old zip, together at most one buffer (or one bigger entry).
      const start = run[i]!.localOffset;
      let end = start + spanOf(run[i]!);
      let j = i + 1;
      while (j < run.length && run[j]!.localOffset === end && end + spanOf(run[j]!) - start <= this.buffer.length) {
        end += spanOf(run[j]!);
        j++;
      }
      // First slice: holds every header of the group (a group of several fits the buffer whole).
      let position = start;
      let length = this.fill(position, Math.min(end - start, this.buffer.length));
      for (let k = i, at = 0; k < j; at += spanOf(run[k]!), k++) {
        if (!localHeaderMatches(this.buffer.subarray(0, length), at, this.source.central, run[k]!)) {
          throw this.changed();
        }
      }
      for (let k = i, at = offset + written; k < j; at += spanOf(run[k]!), k++) {
        directory.addMoved(this.source.central, run[k]!.centralOffset, run[k]!.centralLength, at);
      }
      for (;;) {
        write(this.buffer.subarray(0, length));
        written += length;
        position += length;
        if (position >= end) break;
        length = this.fill(position, Math.min(end - position, this.buffer.length));
      }
      i = j;
    }
    return written;
  }

  private fill(position: number, length: number): number {
    let got = 0;
    while (got < length) {
      const n = this.source.read(this.buffer, got, length - got, position + got);
      if (n === 0) throw this.changed();
      got += n;
    }
    return got;
  }

  private changed(): FailedError {
    return new FailedError(
      `The package cache's zip (${this.source.path}) changed while it was read; no zip was written or sent.`,
      'Run the command again: the cache is checked again and rebuilt.',
    );
  }
}
