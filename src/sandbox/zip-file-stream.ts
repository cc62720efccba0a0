// Decodes code.zipFile while a large body is still arriving, so the decoding and the CRC-64 run
// in the time the server would otherwise wait for the client's next bytes (measured on a 62 MB
// zip: ~100 ms of work that no longer follows the upload). It only guesses where the zipFile's
// text starts (from the body's first bytes) and where it ends (the next quote); the whole body's
// scan then confirms the span, and when it differs, or anything here went wrong, the text is
// decoded again after the upload exactly as it would have been without this.
import { decodeBase64PieceInto } from '../core/base64.js';
import { Crc64 } from '../package/crc64.js';
import { findZipFileStart, type ZipFileSpan } from './zip-file-span.js';

/** Bodies smaller than this are decoded after they arrive: there is nothing to gain. */
export const STREAM_FROM_BYTES = 1024 * 1024;
/** Base64 decoded per step (a multiple of 4): few steps, no large strings. */
const STEP_CHARS = 1024 * 1024;
/** Where the zipFile's text starts must be found in this many first bytes, or streaming is given up. */
const START_WITHIN = 1024 * 1024;
const QUOTE = 0x22;

export interface StreamedZip {
  zip: Buffer;
  checksum: string;
}

export class ZipFileStream {
  private start: number | undefined;
  private end: number | undefined;
  /** Body offsets: decoded up to here, searched for the closing quote up to there. */
  private decodedTo = 0;
  private searchedTo = 0;
  private out: Buffer | undefined;
  private written = 0;
  private readonly crc = new Crc64();
  private failed = false;

  /** Called as the body arrives: `body` has its final size, its first `filled` bytes are in. */
  feed(body: Buffer, filled: number): void {
    if (this.failed) return;
    try {
      this.advance(body, filled);
    } catch {
      this.giveUp(); // never fails the upload: the body is decoded after it arrives instead
    }
  }

  private giveUp(): void {
    this.failed = true;
    this.out = undefined;
  }

  private advance(body: Buffer, filled: number): void {
    if (this.start === undefined) {
      this.start = findZipFileStart(body.subarray(0, filled));
      if (this.start === undefined) {
        if (filled > START_WITHIN) this.giveUp();
        return;
      }
      this.decodedTo = this.searchedTo = this.start;
      this.out = Buffer.allocUnsafe(Math.floor((body.length - this.start) / 4) * 3);
    }
    if (this.end === undefined) {
      const quote = body.subarray(this.searchedTo, filled).indexOf(QUOTE);
      if (quote >= 0) this.end = this.searchedTo + quote;
      else this.searchedTo = filled;
    }
    const last = this.end !== undefined;
    // Until the closing quote is in, the newest quad may be the last one, padding and all: keep it back.
    const upTo = last ? this.end! : this.decodedTo + Math.max(0, Math.floor((filled - this.decodedTo) / 4) - 1) * 4;
    if (!last && upTo - this.decodedTo < STEP_CHARS) return;
    while (this.decodedTo < upTo) {
      const pieceEnd = Math.min(this.decodedTo + STEP_CHARS, upTo);
      const piece = body.subarray(this.decodedTo, pieceEnd);
      const n = decodeBase64PieceInto(piece, this.out!, this.written, last && pieceEnd === upTo);
      if (n === undefined) return this.giveUp();
      this.crc.update(this.out!.subarray(this.written, this.written + n));
      this.written += n;
      this.decodedTo = pieceEnd;
    }
  }

  /** The zip and its CRC-64 when they were decoded from exactly `span`, else undefined. */
  result(span: ZipFileSpan): StreamedZip | undefined {
    if (this.failed || !this.out || this.start !== span.start || this.end !== span.end) return undefined;
    if (this.decodedTo !== span.end) return undefined;
    return { zip: this.out.subarray(0, this.written), checksum: this.crc.digest() };
  }
}
