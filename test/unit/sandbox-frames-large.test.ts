// A large answer from a runtime host arrives in many chunks: the frame reader must join them once,
// not on every chunk (that copying grew with the square of the answer's size: 7 GB for 30 MB).
import { describe, expect, it, vi } from 'vitest';

import { encodeFrame, FrameReader } from '../../src/sandbox/runtime/frames.js';

const realConcat = Buffer.concat.bind(Buffer);

describe('FrameReader with a large frame', () => {
  it('copies about the frame once, whatever the number of chunks', () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 0x61);
    const bytes = encodeFrame({ type: 'done', ok: true }, body);
    let copied = 0;
    const concat = vi.spyOn(Buffer, 'concat').mockImplementation((list: readonly Uint8Array[], total?: number) => {
      copied += total ?? list.reduce((sum, b) => sum + b.byteLength, 0);
      return realConcat(list, total);
    });
    try {
      const reader = new FrameReader();
      const frames = [];
      for (let at = 0; at < bytes.length; at += 64 * 1024) {
        frames.push(...reader.push(bytes.subarray(at, at + 64 * 1024)));
      }
      expect(frames).toHaveLength(1);
      expect(frames[0]!.body.equals(body)).toBe(true);
    } finally {
      concat.mockRestore();
    }
    expect(copied).toBeLessThan(3 * bytes.length);
  });
});
