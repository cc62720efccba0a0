import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { Crc64, crc64, crc64WithoutWasm } from '../../src/package/crc64.js';

// The reference implementation the official tools use (asm.js, CommonJS).
const require = createRequire(import.meta.url);
const reference: { crc64(buff: Buffer | string, prev?: string): string } = require('crc64-ecma182.js');

const ascii = (s: string) => new TextEncoder().encode(s);

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

describe('crc64 check values (docs/fc-api-notes.md)', () => {
  it('"123456789" gives the CRC-64/XZ check value', () => {
    expect(crc64(ascii('123456789'))).toBe('11051210869376104954');
    expect(new Crc64().update(ascii('123456789')).value()).toBe(0x995dc9bbdf1939fan);
  });

  it('is not the non-reflected init-0 "CRC-64/ECMA-182" variant', () => {
    expect(crc64(ascii('123456789'))).not.toBe('7800480153909949255');
  });

  it('empty input gives 0', () => {
    expect(crc64(new Uint8Array(0))).toBe('0');
    expect(new Crc64().digest()).toBe('0');
    expect(new Crc64().value()).toBe(0n);
  });

  it('"a" gives 3675645893302102789', () => {
    expect(crc64(ascii('a'))).toBe('3675645893302102789');
  });

  it('the 22-byte empty zip gives 2220831586920633690', () => {
    const zip = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');
    expect(zip.length).toBe(22);
    expect(crc64(zip)).toBe('2220831586920633690');
  });

  it('digest is unsigned decimal even when the top bit is set', () => {
    // 11051210869376104954 > 2^63: a signed rendering would be negative.
    const d = crc64(ascii('123456789'));
    expect(BigInt(d)).toBeGreaterThan(2n ** 63n);
    expect(d).toMatch(/^\d+$/);
  });
});

describe('incremental use', () => {
  it('update returns this and digest does not end the computation', () => {
    const c = new Crc64();
    expect(c.update(ascii('1234'))).toBe(c);
    c.digest();
    c.update(ascii('56789'));
    expect(c.digest()).toBe('11051210869376104954');
  });

  it('chunked input equals whole input at every split point', () => {
    for (const [len, seed] of [
      [1, 1],
      [7, 2],
      [8, 3],
      [9, 4],
      [31, 5],
      [64, 6],
      [257, 7],
    ] as const) {
      const data = randomBytes(len, seed);
      const whole = crc64(data);
      for (let split = 0; split <= len; split++) {
        const c = new Crc64().update(data.subarray(0, split)).update(data.subarray(split));
        expect(c.digest(), `len ${len} split ${split}`).toBe(whole);
      }
    }
  });

  it('three-way splits over a buffer of 40 bytes', () => {
    const data = randomBytes(40, 99);
    const whole = crc64(data);
    for (let a = 0; a <= 40; a++) {
      for (let b = a; b <= 40; b++) {
        const c = new Crc64().update(data.subarray(0, a)).update(data.subarray(a, b)).update(data.subarray(b));
        expect(c.digest()).toBe(whole);
      }
    }
  });

  it('unaligned subarrays (every byte offset) equal a fresh copy', () => {
    const backing = randomBytes(4096 + 64, 1234);
    for (let offset = 0; offset < 17; offset++) {
      for (const len of [0, 1, 5, 8, 15, 16, 17, 33, 1000, 4096]) {
        const view = backing.subarray(offset, offset + len);
        const copy = new Uint8Array(view); // aligned, own buffer
        expect(crc64(view), `offset ${offset} len ${len}`).toBe(crc64(copy));
        expect(crc64(view)).toBe(reference.crc64(Buffer.from(copy)));
      }
    }
  });

  it('random chunk sizes over a 200 kB buffer equal the whole', () => {
    const data = randomBytes(200_000, 77);
    const whole = crc64(data);
    let rng = 12345;
    for (let round = 0; round < 5; round++) {
      const c = new Crc64();
      let at = 0;
      while (at < data.length) {
        rng = (rng * 1103515245 + 12345) >>> 0;
        const size = rng % 3000; // includes empty chunks
        c.update(data.subarray(at, at + size));
        at += size;
      }
      expect(c.digest()).toBe(whole);
    }
  });
});

describe('equality with crc64-ecma182.js', () => {
  it('reference itself agrees with the check value (guards the comparison)', () => {
    expect(reference.crc64(Buffer.from('123456789'))).toBe('11051210869376104954');
  });

  it('random buffers of sizes 0..70000', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 23, 24, 25, 31, 32, 33, 63, 64, 65, 127, 128, 129];
    for (let s = 130; s < 70_000; s = Math.floor(s * 1.37) + 1) sizes.push(s);
    sizes.push(65_535, 65_536, 65_537, 70_000);
    // Around the engine's internal boundaries: 12 KiB groups of three 4 KiB streams, 256 KiB copy slices.
    for (const edge of [4096, 8192, 12_288, 24_576, 262_144])
      sizes.push(edge - 9, edge - 1, edge, edge + 1, edge + 8, edge + 135);
    for (const [i, size] of sizes.entries()) {
      const data = randomBytes(size, i + 1);
      expect(crc64(data), `size ${size}`).toBe(reference.crc64(Buffer.from(data.buffer, data.byteOffset, data.length)));
    }
  });

  it('a few multi-megabyte buffers, whole and chunked', () => {
    for (const [size, seed] of [
      [1 << 20, 11],
      [3 * (1 << 20) + 5, 12],
    ] as const) {
      const data = randomBytes(size, seed);
      const expected = reference.crc64(Buffer.from(data.buffer, data.byteOffset, data.length));
      expect(crc64(data)).toBe(expected);
      const c = new Crc64();
      for (let at = 0; at < size; at += 65_537) c.update(data.subarray(at, at + 65_537));
      expect(c.digest()).toBe(expected);
    }
  });

  it('chaining agrees with the reference prev argument', () => {
    const a = randomBytes(1000, 5);
    const b = randomBytes(777, 6);
    const prev = reference.crc64(Buffer.from(a));
    expect(new Crc64().update(a).update(b).digest()).toBe(reference.crc64(Buffer.from(b), prev));
  });
});

describe('the plain-JS path (used for short updates and without WebAssembly)', () => {
  it('agrees with the check value and with the wasm engine on many sizes', () => {
    expect(crc64WithoutWasm(ascii('123456789'))).toBe('11051210869376104954');
    for (const size of [0, 1, 127, 128, 129, 1000, 300_000]) {
      const data = randomBytes(size, size + 3);
      expect(crc64WithoutWasm(data), `size ${size}`).toBe(crc64(data));
    }
  });
});
