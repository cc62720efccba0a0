// CRC-32 (the zip one) of a file's bytes: zlib's native `crc32` where Node has it (20.15 and later),
// else jszip's table implementation, so Node 20.0 still works (slower, same result).
import zlib from 'node:zlib';
import jszipCrc32 from 'jszip/lib/crc32.js';

type Crc32 = (data: Uint8Array) => number;

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export const crc32: Crc32 = native ? (data) => native(data) >>> 0 : (data) => jszipCrc32(data) >>> 0;

/** CRC-32 continued from `previous` (0 to start): `crc32Update(b, crc32Update(a, 0))` equals `crc32(a‖b)`. */
export const crc32Update: (data: Uint8Array, previous: number) => number = native
  ? (data, previous) => native(data, previous) >>> 0
  : (data, previous) => jszipCrc32(data, previous) >>> 0;
