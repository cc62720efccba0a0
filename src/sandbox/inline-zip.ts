// A CreateFunction / UpdateFunction / PublishLayerVersion body read without turning its base64 zip
// into a JavaScript string: the rest of the body is parsed as JSON, and `code.zipFile` is decoded
// straight from the body's bytes into the zip, in one pass that also proves it standard base64.
// Anything unusual (see zip-file-span.ts), a zipFile that is not standard base64 or is over the
// inline cap takes the plain path, JSON.parse of the whole body, so every error reads as before.
import { decodeStandardBase64 } from '../core/base64.js';
import { isRecord } from '../core/is-record.js';
import { CODE_INLINE_MAX_BYTES } from '../fc/limits.js';
import { parseJsonObject } from './body.js';
import { findZipFileSpan, type ZipFileSpan } from './zip-file-span.js';
import type { ZipFileStream } from './zip-file-stream.js';

/** STANDIN_CHARS of base64 hold the 6 bytes the shared rules read to see that a zip starts with "PK". */
const STANDIN_CHARS = 8;

/** `code.zipFile` already decoded: standard base64 of `base64Length` characters, at most the inline cap. */
export class InlineZip {
  constructor(
    readonly zip: Buffer,
    readonly base64Length: number,
    /**
     * What the shared request rules (fc/validate.ts) are shown instead of the whole base64: its
     * first characters, which they judge as they would the whole (standard base64, starts with
     * "PK"); their last rule, the inline size cap, this zip meets already.
     */
    readonly standIn: string,
    /** The zip's CRC-64, when it was computed as the zip was decoded. */
    readonly checksum?: string,
  ) {}
}

/** The body parsed without the zipFile's text, or undefined when it does not parse that way. */
function parseAround(body: Buffer, span: ZipFileSpan): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat([body.subarray(0, span.start), body.subarray(span.end)]).toString('utf8'));
  } catch {
    return undefined; // parsed whole, for JSON.parse's own message with the body's own positions
  }
  if (!isRecord(value) || !isRecord(value.code) || value.code.zipFile !== '') return undefined;
  return value;
}

/**
 * Parses a JSON object body exactly as parseJsonObject does (same object, same key order, same
 * errors), except that a non-empty `code.zipFile` in standard base64 comes back as an InlineZip:
 * the one `streamed` decoded as the body arrived when its span is confirmed, else decoded now.
 */
export function parseJsonObjectWithZip(body: Buffer, streamed?: ZipFileStream): Record<string, unknown> {
  const span = findZipFileSpan(body);
  if (span && span.end > span.start) {
    const value = parseAround(body, span);
    const text = body.subarray(span.start, span.end);
    const early = value && streamed?.result(span);
    const fits = (text.length / 4) * 3 <= CODE_INLINE_MAX_BYTES + 2;
    const zip = early ? early.zip : value && fits ? decodeStandardBase64(text) : undefined;
    if (value && zip && zip.length <= CODE_INLINE_MAX_BYTES) {
      const standIn = text.toString('latin1', 0, Math.min(text.length, STANDIN_CHARS));
      (value.code as Record<string, unknown>).zipFile = new InlineZip(zip, text.length, standIn, early?.checksum);
      return value;
    }
  }
  return parseJsonObject(body);
}
