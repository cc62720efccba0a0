// CRC-64/XZ (what Alibaba and OSS call "CRC64-ECMA182"): polynomial 0x42F0E1EBA9EA3693, reflected
// (0xC96C5795D7870F42), init and xorout all ones. FC sends it as `X-Fc-Code-Checksum` and answers it
// as `codeChecksum`, an unsigned decimal string, over the raw zip bytes (fc-facts.md).
//
// Written by hand rather than using `crc64-ecma182.js` (which the official tools use): that package is
// emscripten asm.js that copies every buffer into its heap and passes the CRC through decimal strings,
// and this checksum runs over every package we build. The 64-bit state is kept as two 32-bit halves so
// the hot loop never touches BigInt.

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

/** Byte-at-a-time table, 256 entries, split into high and low 32-bit halves. */
const T_HI = new Uint32Array(256);
const T_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  T_HI[i] = hi;
  T_LO[i] = lo;
}

/** Incremental CRC-64/XZ: `new Crc64().update(a).update(b).digest()` equals `crc64(a‖b)`. */
export class Crc64 {
  // The running register (before the final xor), as two unsigned 32-bit halves.
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
      hi = (hi >>> 8) ^ T_HI[idx];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The CRC so far, as an unsigned 64-bit integer. Does not end the computation. */
  value(): bigint {
    const hi = (this.hi ^ 0xffffffff) >>> 0;
    const lo = (this.lo ^ 0xffffffff) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The CRC so far as an unsigned decimal string (FC's format). Does not end the computation. */
  digest(): string {
    return this.value().toString(10);
  }
}

/** CRC-64/XZ of `data` as an unsigned decimal string. */
export function crc64(data: Uint8Array): string {
  return new Crc64().update(data).digest();
}
