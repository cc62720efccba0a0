// ZipFileStream: code.zipFile decoded while the body arrives. Fed in chunks of any size, its zip
// and CRC-64 must be exactly what decoding after the upload gives, and only for the span the whole
// body's scan confirms; bad base64 or a body it cannot follow leaves the decoding to afterwards.
import { describe, expect, it } from 'vitest';

import { decodeStandardBase64 } from '../../src/core/base64.js';
import { crc64 } from '../../src/package/crc64.js';
import { InlineZip, parseJsonObjectWithZip } from '../../src/sandbox/inline-zip.js';
import { findZipFileSpan } from '../../src/sandbox/zip-file-span.js';
import { ZipFileStream } from '../../src/sandbox/zip-file-stream.js';

function randomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Feeds `body` to a new stream in chunks of the given sizes (cycled), as readBody would. */
function streamed(body: Buffer, sizes: number[]): ZipFileStream {
  const stream = new ZipFileStream();
  const whole = Buffer.alloc(body.length, 0x22); // what is not yet in must not be read: quotes as bait
  let filled = 0;
  for (let i = 0; filled < body.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, body.length - filled);
    body.copy(whole, filled, filled, filled + n);
    filled += n;
    stream.feed(whole, filled);
  }
  return stream;
}

const zip = randomBytes(3 * 1024 * 1024 + 2, 11); // 3 MB and a padded tail: several decoding steps

describe('ZipFileStream', () => {
  it('decodes as the body arrives, in chunks of any size, exactly as decoding afterwards', () => {
    const b64 = zip.toString('base64');
    const bodies = [
      `{"functionName":"f","code":{"zipFile":"${b64}"}}`,
      `{"code": {"zipFile": "${b64}"}, "timeout": 3}`,
      `{\n  "a": [1, {"zipFile": "x"}],\n  "code": {\n    "x": "\\"",\n    "zipFile": "${b64}"\n  }\n}`,
    ];
    for (const text of bodies) {
      const body = Buffer.from(text);
      const span = findZipFileSpan(body)!;
      for (const sizes of [[65536], [1, 7, 4096], [body.length], [1_000_003, 5]]) {
        const result = streamed(body, sizes).result(span);
        expect(result?.zip.equals(zip), `${sizes}`).toBe(true);
        expect(result?.checksum).toBe(crc64(zip));
        const parsed = parseJsonObjectWithZip(body, streamed(body, sizes));
        const inline = (parsed.code as Record<string, unknown>).zipFile as InlineZip;
        expect(inline).toBeInstanceOf(InlineZip);
        expect([inline.zip.equals(zip), inline.checksum]).toEqual([true, crc64(zip)]);
      }
    }
  });

  it('gives nothing for a span the whole scan does not confirm, or for text that is not standard base64', () => {
    const b64 = zip.toString('base64');
    const repeated = Buffer.from(`{"code":{"zipFile":"${b64}","zipFile":"UEsFBg=="}}`);
    const stream = streamed(repeated, [65536]);
    expect(findZipFileSpan(repeated)).toBeUndefined(); // parsed whole: JSON.parse keeps the last
    expect(stream.result({ start: 20, end: 20 + b64.length - 4 })).toBeUndefined();
    const parsed = parseJsonObjectWithZip(repeated, stream);
    expect((parsed.code as Record<string, unknown>).zipFile).toBe('UEsFBg==');

    for (const bad of ['-', '=', ' ', 'é']) {
      const at = 2_000_001;
      const text = `{"code":{"zipFile":"${b64.slice(0, at)}${bad}${b64.slice(at + 1)}"}}`;
      const body = Buffer.from(text);
      const span = findZipFileSpan(body)!;
      expect(streamed(body, [65536]).result(span), bad).toBeUndefined();
      expect(decodeStandardBase64(body.subarray(span.start, span.end)), bad).toBeUndefined();
    }
  });
});
