// isStandardBase64: what the sandbox and the shared rules accept as code.zipFile, checked piece by
// piece (1 Mi characters each) by decoding and encoding back, the expression deciding otherwise.
import { describe, expect, it } from 'vitest';
import { decodeStandardBase64, isStandardBase64 } from '../../src/core/base64.js';

const PIECE = 1024 * 1024;
const big = Buffer.alloc(PIECE + 5000, 0xab).toString('base64'); // spans two pieces

describe('isStandardBase64', () => {
  it('accepts canonical base64 of any length, over several pieces', () => {
    expect(isStandardBase64('')).toBe(true);
    expect(isStandardBase64('UEsFBg==')).toBe(true);
    expect(isStandardBase64(big)).toBe(true);
  });

  it('accepts valid base64 with stray bits before the padding (not canonical)', () => {
    expect(isStandardBase64('QR==')).toBe(true);
    expect(isStandardBase64(`${big.slice(0, -4)}QR==`)).toBe(true);
  });

  it('refuses a character outside the alphabet anywhere, which the decoder would skip', () => {
    for (const at of [0, 10, PIECE - 1, PIECE, PIECE + 7, big.length - 5]) {
      for (const bad of ['-', '_', '\n', ' ', '!', 'é']) {
        expect(isStandardBase64(big.slice(0, at) + bad + big.slice(at + 1)), `${JSON.stringify(bad)} at ${at}`).toBe(
          false,
        );
      }
    }
  });

  it('refuses padding before the end, even at the end of a piece, and a length not a multiple of 4', () => {
    expect(isStandardBase64(`${big.slice(0, PIECE - 2)}==${big.slice(PIECE)}`)).toBe(false);
    expect(isStandardBase64('QQ==QQ==')).toBe(false);
    expect(isStandardBase64('abc')).toBe(false);
    expect(isStandardBase64('Q===')).toBe(false);
  });
});

describe('decodeStandardBase64', () => {
  /** Decoded from the text's bytes: the bytes exactly when isStandardBase64 accepts the text. */
  const check = (text: string) => {
    const decoded = decodeStandardBase64(Buffer.from(text, 'utf8'));
    const what = `${JSON.stringify(text.slice(0, 20))}… (${text.length})`;
    if (isStandardBase64(text)) expect(decoded?.equals(Buffer.from(text, 'base64')), what).toBe(true);
    else expect(decoded, what).toBeUndefined();
  };

  it('decodes what isStandardBase64 accepts and refuses what it refuses, over several pieces', () => {
    for (const text of [
      '',
      'UEsFBg==',
      'QR==',
      'QQ==QQ==',
      'abc',
      'Q===',
      '====',
      'QUJD',
      big,
      `${big.slice(0, -4)}QR==`,
    ])
      check(text);
    check(`${big.slice(0, PIECE - 2)}==${big.slice(PIECE)}`);
    for (const at of [0, 10, PIECE - 1, PIECE, PIECE + 7, big.length - 5, big.length - 1]) {
      for (const bad of ['-', '_', '\n', ' ', '!', '=', 'é', '"', '\\'])
        check(big.slice(0, at) + bad + big.slice(at + 1));
    }
  });

  it('reads a span of a larger buffer (a request body)', () => {
    const body = Buffer.from(`{"zipFile":"${big}"}`);
    const span = body.subarray(12, 12 + big.length);
    expect(decodeStandardBase64(span)?.equals(Buffer.from(big, 'base64'))).toBe(true);
  });
});
