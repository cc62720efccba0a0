// The size report: base64 size, the largest paths, and the verdict at FC's limits.
import { describe, expect, it } from 'vitest';
import { CODE_INLINE_MAX_BYTES, CODE_INLINE_WARN_BYTES, CODE_OSS_MAX_BYTES } from '../../src/fc/limits.js';
import { base64Size } from '../../src/core/bytes.js';
import { LargestTracker, sizeVerdict } from '../../src/package/size.js';

describe('base64Size', () => {
  it('matches Buffer base64 lengths, padding included', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 1001])
      expect(base64Size(n), String(n)).toBe(Buffer.alloc(n).toString('base64').length);
  });
});

describe('sizeVerdict', () => {
  it('ok up to the inline warning threshold', () => {
    expect(sizeVerdict(0)).toMatchObject({ status: 'ok', via: 'inline' });
    expect(sizeVerdict(CODE_INLINE_WARN_BYTES)).toMatchObject({ status: 'ok', via: 'inline' });
  });

  it('a warning that names OSS above 50 MB, up to 100 MB', () => {
    const v = sizeVerdict(CODE_INLINE_WARN_BYTES + 1);
    expect(v).toMatchObject({ status: 'warning', via: 'inline' });
    expect(v.message).toContain('OSS');
    expect(sizeVerdict(CODE_INLINE_MAX_BYTES).status).toBe('warning');
  });

  it('refused inline above 100 MB, with OSS as the way out', () => {
    const v = sizeVerdict(CODE_INLINE_MAX_BYTES + 1);
    expect(v).toMatchObject({ status: 'error', via: 'oss' });
    expect(v.message).toContain('OSS');
    expect(sizeVerdict(CODE_OSS_MAX_BYTES)).toMatchObject({ status: 'error', via: 'oss' });
  });

  it('nowhere above 500 MB', () => {
    const v = sizeVerdict(CODE_OSS_MAX_BYTES + 1);
    expect(v).toMatchObject({ status: 'error', via: 'none' });
    expect(v.message).toContain('500.0 MB');
  });
});

describe('LargestTracker', () => {
  it('keeps the ten largest, largest first, ties by path', () => {
    const t = new LargestTracker();
    const sizes = [5, 100, 3, 100, 7, 42, 1, 0, 99, 8, 64, 2, 77];
    sizes.forEach((s, i) => t.offer(`f${String(i).padStart(2, '0')}`, s));
    const list = t.list();
    expect(list).toHaveLength(10);
    expect(list.map((l) => l.bytes)).toEqual([100, 100, 99, 77, 64, 42, 8, 7, 5, 3]);
    expect(list[0]!.path).toBe('f01');
    expect(list[1]!.path).toBe('f03');
  });

  it('the same list whatever the order offered', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ path: `p${i}`, bytes: (i * 7919) % 13 }));
    const a = new LargestTracker();
    const b = new LargestTracker();
    items.forEach((x) => a.offer(x.path, x.bytes));
    [...items].reverse().forEach((x) => b.offer(x.path, x.bytes));
    expect(a.list()).toEqual(b.list());
  });
});
