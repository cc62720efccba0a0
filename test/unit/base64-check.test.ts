// isStandardBase64: what the sandbox and the shared rules accept as code.zipFile, checked piece by
// piece (1 Mi characters each) by decoding and encoding back, the expression deciding otherwise.
import { describe, expect, it } from 'vitest';
import { isStandardBase64 } from '../../src/core/base64.js';

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
