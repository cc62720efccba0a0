import { describe, expect, it } from 'vitest';

import { pickAliasVersion } from '../../src/sandbox/alias-routing.js';

describe('pickAliasVersion', () => {
  it("gives each additional version its weight's share of draws, the rest to the main version", () => {
    const weights = { '3': 0.2, '2': 0.1 };
    // Shares in version order: 2 takes [0, 0.1), 3 [0.1, 0.3), the main version the rest.
    expect([0, 0.09, 0.1, 0.29, 0.31, 0.99].map((draw) => pickAliasVersion('1', weights, draw))).toEqual([
      '2',
      '2',
      '3',
      '3',
      '1',
      '1',
    ]);
  });

  it('runs the main version when no other has a weight, or its weight is 0', () => {
    expect(pickAliasVersion('4', {}, 0)).toBe('4');
    expect(pickAliasVersion('4', { '2': 0 }, 0)).toBe('4');
  });
});
