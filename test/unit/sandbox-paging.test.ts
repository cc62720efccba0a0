import { describe, expect, it } from 'vitest';

import { LIST_LIMIT_DEFAULT, pageOf, parsePageQuery } from '../../src/sandbox/paging.js';
import { SandboxError } from '../../src/sandbox/errors.js';

const names = ['b', 'a', 'c-2', 'c-1', 'd', 'C'];

describe('sandbox paging', () => {
  it('sorts by code unit (upper case first), applies the limit and hands out the next name as token', () => {
    expect(pageOf(names, { limit: 3 })).toEqual({ names: ['C', 'a', 'b'], nextToken: 'c-1' });
    expect(pageOf(names, { limit: 3, nextToken: 'c-1' })).toEqual({ names: ['c-1', 'c-2', 'd'] });
  });

  it('walks every name exactly once across pages', () => {
    const all = Array.from({ length: 57 }, (_, i) => `svc-${String(i).padStart(3, '0')}`).reverse();
    const seen: string[] = [];
    let token: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = pageOf(all, { limit: 10, nextToken: token });
      seen.push(...page.names);
      token = page.nextToken;
      if (!token) break;
    }
    expect(seen).toEqual([...all].sort());
  });

  it('filters by prefix and starts at startKey (inclusive); the later of startKey and nextToken wins', () => {
    expect(pageOf(names, { limit: 10, prefix: 'c-' })).toEqual({ names: ['c-1', 'c-2'] });
    expect(pageOf(names, { limit: 10, startKey: 'c-2' })).toEqual({ names: ['c-2', 'd'] });
    expect(pageOf(names, { limit: 10, startKey: 'b', nextToken: 'd' })).toEqual({ names: ['d'] });
    expect(pageOf(names, { limit: 10, startKey: 'zzz' })).toEqual({ names: [] });
  });

  it('reads limit with default 20 and refuses values outside 1..100 naming the parameter', () => {
    expect(parsePageQuery(new URLSearchParams('')).limit).toBe(LIST_LIMIT_DEFAULT);
    expect(parsePageQuery(new URLSearchParams('limit=100&prefix=a&startKey=b&nextToken=c'))).toEqual({
      limit: 100,
      prefix: 'a',
      startKey: 'b',
      nextToken: 'c',
    });
    for (const bad of ['0', '101', '-1', '2.5', 'ten']) {
      const error = (() => {
        try {
          parsePageQuery(new URLSearchParams(`limit=${bad}`));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).status).toBe(400);
      expect((error as SandboxError).message).toContain('limit');
    }
  });
});
