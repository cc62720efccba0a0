// The `code` of CreateFunction / UpdateFunction as the sandbox receives it: where it comes from,
// the base64 zip decoded (or already decoded with the body, inline-zip.ts), its size capped, its
// CRC-64 checked against `X-Fc-Code-Checksum`, and the zip proven to open. The field rules shared with the client (exactly one source,
// none for custom-container) live in fc/validate.ts; what is here is what only a server can check.
import JSZip from 'jszip';

import { CODE_INLINE_MAX_BYTES } from '../fc/limits.js';
import { isStandardBase64 } from '../core/base64.js';
import { crc64 } from '../package/crc64.js';
import { invalidArgument, SandboxError } from './errors.js';
import { InlineZip } from './inline-zip.js';
import { zipOpensFast } from './zip-structure.js';

export interface DecodedZip {
  zip: Buffer;
  checksum: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Decides what the request's `code` holds: nothing, or a base64 zip. OSS sources are refused here
 * with the reason (the sandbox has no buckets), so the caller only ever handles a zip.
 */
export function zipFileOf(code: unknown, runtime: string): string | InlineZip | undefined {
  if (code === undefined || code === null) return undefined;
  if (!isObject(code))
    throw invalidArgument('code must be an object holding zipFile, or ossBucketName and ossObjectName');
  const hasZip = code.zipFile !== undefined && code.zipFile !== null && code.zipFile !== '';
  const hasOss = code.ossBucketName !== undefined || code.ossObjectName !== undefined;
  if (runtime === 'custom-container' && (hasZip || hasOss)) {
    throw invalidArgument(
      'code must not be given for runtime custom-container: the code comes from customContainerConfig.image',
    );
  }
  if (hasZip && hasOss)
    throw invalidArgument('code must hold either zipFile or ossBucketName + ossObjectName, not both');
  if (hasOss) {
    throw invalidArgument(
      'code.ossBucketName/ossObjectName: the fcw sandbox holds no OSS buckets, so it cannot fetch code from OSS; send the zip inline as code.zipFile (up to 100 MB)',
    );
  }
  if (!hasZip) return undefined;
  if (code.zipFile instanceof InlineZip) return code.zipFile;
  if (typeof code.zipFile !== 'string')
    throw invalidArgument('code.zipFile must be a string holding the base64 of a zip');
  return code.zipFile;
}

/** The zip's size once decoded (checked before decoding, so an oversized upload is not decoded). */
function decodedSize(zipFile: string | InlineZip): number {
  if (zipFile instanceof InlineZip) return zipFile.zip.length;
  if (!isStandardBase64(zipFile)) {
    throw invalidArgument('code.zipFile is not valid base64 (standard alphabet, padded with =)');
  }
  return (zipFile.length / 4) * 3 - (zipFile.endsWith('==') ? 2 : zipFile.endsWith('=') ? 1 : 0);
}

/**
 * Decodes and checks an inline zip (an InlineZip was decoded and proven base64 with the body).
 * `checksumHeader` is the X-Fc-Code-Checksum sent, if any.
 */
export async function decodeZip(
  zipFile: string | InlineZip,
  checksumHeader: string | undefined,
  maxBytes = CODE_INLINE_MAX_BYTES,
): Promise<DecodedZip> {
  const decodedBytes = decodedSize(zipFile);
  if (decodedBytes > maxBytes) {
    throw new SandboxError(
      400,
      'EntityTooLarge',
      `code.zipFile is ${decodedBytes} bytes once decoded; the inline limit is ${maxBytes} bytes. Upload larger packages through OSS (not available in the sandbox)`,
    );
  }
  const zip = zipFile instanceof InlineZip ? zipFile.zip : Buffer.from(zipFile, 'base64');
  const checksum = zipFile instanceof InlineZip && zipFile.checksum !== undefined ? zipFile.checksum : crc64(zip);
  if (checksumHeader !== undefined) {
    const sent = checksumHeader.trim();
    if (sent !== checksum) {
      throw invalidArgument(
        `X-Fc-Code-Checksum '${sent}' does not match the CRC-64 of the uploaded zip '${checksum}': the code was changed or corrupted on the way, or the checksum was computed over something else (it must be the CRC-64/XZ of the raw zip bytes, as an unsigned decimal)`,
      );
    }
  }
  // The fast check proves an ordinary zip opens; for anything else JSZip (which the runtime
  // unpacks code with) decides, and says what is wrong.
  if (!zipOpensFast(zip)) {
    try {
      await JSZip.loadAsync(zip, { checkCRC32: false });
    } catch (error) {
      throw invalidArgument(`code.zipFile is not a zip archive that opens: ${(error as Error).message}`);
    }
  }
  return { zip, checksum };
}
