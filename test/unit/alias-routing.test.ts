import { describe, expect, it } from 'vitest';

import {
  checkAliasRouting,
  checkResolvePolicy,
  checkRoutePolicy,
  matchesRoutePolicy,
  percentBucket,
  pickAliasVersion,
  requestContentOf,
  routeAliasCall,
  type PolicyItem,
  type RoutePolicy,
} from '../../src/sandbox/alias-routing.js';

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

describe('routeAliasCall', () => {
  const headerRule: RoutePolicy = {
    condition: 'AND',
    policyItems: [{ type: 'Header', key: 'x-test-uid', value: '11111', operator: '=' }],
  };
  const content = (headers: Record<string, string> = {}, query = '') =>
    requestContentOf(headers, new URLSearchParams(query));
  const never = () => {
    throw new Error('Content routing must not draw');
  };

  it('under Content runs the canary version for a matching call and the main version otherwise', () => {
    const alias = {
      versionId: '1',
      additionalVersionWeight: { '2': 0.05 },
      resolvePolicy: 'Content' as const,
      routePolicy: headerRule,
    };
    expect(routeAliasCall(alias, content({ 'X-Test-Uid': '11111' }), never)).toBe('2');
    expect(routeAliasCall(alias, content({ 'x-test-uid': '2' }), never)).toBe('1');
    expect(routeAliasCall(alias, content(), never)).toBe('1');
    // A timer's call carries no request: the main version.
    expect(routeAliasCall(alias, undefined, never)).toBe('1');
  });

  it('under Random (or no resolvePolicy) draws by weight and ignores a stored routePolicy', () => {
    const alias = { versionId: '1', additionalVersionWeight: { '2': 0.5 }, routePolicy: headerRule };
    expect(routeAliasCall(alias, content({ 'x-test-uid': '11111' }), () => 0.9)).toBe('1');
    expect(routeAliasCall({ ...alias, resolvePolicy: 'Random' }, content(), () => 0.1)).toBe('2');
  });
});

describe('matchesRoutePolicy', () => {
  const request = requestContentOf(
    { 'x-user': 'm', cookie: 'session=abc; group=beta', 'x-multi': ['a', 'b'] },
    new URLSearchParams('region=eu&tag=1&tag=2'),
  );
  const one = (item: PolicyItem) => matchesRoutePolicy({ condition: 'AND', policyItems: [item] }, request);
  const item = (type: string, key: string, operator: string, value: string): PolicyItem => ({
    type,
    key,
    operator,
    value,
  });

  it('compares headers, query parameters and cookies with each operator', () => {
    expect(one(item('Header', 'X-User', '=', 'm'))).toBe(true);
    expect(one(item('Header', 'x-user', '!=', 'm'))).toBe(false);
    expect(one(item('Header', 'x-user', '>', 'l'))).toBe(true);
    expect(one(item('Header', 'x-user', '<', 'l'))).toBe(false);
    expect(one(item('Header', 'x-user', '>=', 'm'))).toBe(true);
    expect(one(item('Header', 'x-user', '<=', 'a'))).toBe(false);
    expect(one(item('Query', 'region', 'in', 'us, eu,cn'))).toBe(true);
    expect(one(item('Query', 'region', 'in', 'us,cn'))).toBe(false);
    expect(one(item('Cookie', 'group', '=', 'beta'))).toBe(true);
    expect(one(item('Header', 'x-multi', '=', 'a, b'))).toBe(true);
    expect(one(item('Query', 'tag', '=', '1, 2'))).toBe(true);
  });

  it('lets no item match a field the request lacks, not even !=', () => {
    expect(one(item('Header', 'x-absent', '!=', 'anything'))).toBe(false);
    expect(one(item('Cookie', 'absent', '!=', 'x'))).toBe(false);
  });

  it("takes a key named like an object's own members (constructor, __proto__) as any other", () => {
    // A request without such a field does not match, and a percent item over it does not throw.
    for (const type of ['Header', 'Query', 'Cookie']) {
      for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        expect(one(item(type, key, '!=', 'x'))).toBe(false);
        expect(one(item(type, key, 'percent', '100'))).toBe(false);
      }
    }
    // One that has it matches by its value.
    const named = requestContentOf(
      { constructor: 'h', cookie: 'constructor=c; __proto__=k' },
      new URLSearchParams('constructor=q&__proto__=r'),
    );
    const match = (type: string, key: string, value: string) =>
      matchesRoutePolicy({ condition: 'AND', policyItems: [item(type, key, '=', value)] }, named);
    expect(match('Header', 'constructor', 'h')).toBe(true);
    expect(match('Cookie', 'constructor', 'c')).toBe(true);
    expect(match('Cookie', '__proto__', 'k')).toBe(true);
    expect(match('Query', 'constructor', 'q')).toBe(true);
    expect(match('Query', '__proto__', 'r')).toBe(true);
  });

  it('joins items with AND or OR', () => {
    const items = [item('Header', 'x-user', '=', 'm'), item('Query', 'region', '=', 'us')];
    expect(matchesRoutePolicy({ condition: 'AND', policyItems: items }, request)).toBe(false);
    expect(matchesRoutePolicy({ condition: 'OR', policyItems: items }, request)).toBe(true);
  });

  it('sends a stable share of distinct values under percent, the same value always the same way', () => {
    const values = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const matched = (share: string) =>
      values.filter((v) =>
        matchesRoutePolicy(
          { condition: 'AND', policyItems: [item('Header', 'uid', 'percent', share)] },
          requestContentOf({ uid: v }, new URLSearchParams()),
        ),
      ).length;
    expect(matched('20')).toBeGreaterThan(300);
    expect(matched('20')).toBeLessThan(500);
    expect(matched('100')).toBe(2000);
    expect(percentBucket('user-7')).toBe(percentBucket('user-7'));
    expect(one(item('Header', 'x-user', 'percentage', String(percentBucket('m') + 1)))).toBe(true);
  });
});

describe('the routing fields rules', () => {
  const bad = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('takes Random, Content or nothing as resolvePolicy', () => {
    expect(checkResolvePolicy(undefined)).toBeUndefined();
    expect(checkResolvePolicy('Content')).toBe('Content');
    expect(bad(() => checkResolvePolicy('content'))).toMatch(/^resolvePolicy: must be Random .* or Content/);
  });

  it('names the failing part of a routePolicy', () => {
    const good = { type: 'Header', key: 'k', value: 'v', operator: '=' };
    expect(checkRoutePolicy({ policyItems: [good] })).toEqual({ condition: 'AND', policyItems: [good] });
    expect(bad(() => checkRoutePolicy('x'))).toMatch(/^routePolicy: must be \{"condition"/);
    expect(bad(() => checkRoutePolicy({ condition: 'XOR', policyItems: [good] }))).toMatch(
      /^routePolicy\.condition: must be AND or OR; got "XOR"/,
    );
    expect(bad(() => checkRoutePolicy({ condition: 'OR', policyItems: [] }))).toMatch(
      /policyItems must be a non-empty/,
    );
    expect(bad(() => checkRoutePolicy({ policyItems: [{ ...good, type: 'Body' }] }))).toMatch(
      /^routePolicy\.policyItems\[0\]\.type: must be one of Header, Query, Cookie; got "Body"/,
    );
    expect(bad(() => checkRoutePolicy({ policyItems: [good, { ...good, key: '' }] }))).toMatch(
      /^routePolicy\.policyItems\[1\]\.key: must name/,
    );
    expect(bad(() => checkRoutePolicy({ policyItems: [{ ...good, value: 3 }] }))).toMatch(/\.value: must be a string/);
    expect(bad(() => checkRoutePolicy({ policyItems: [{ ...good, operator: '~' }] }))).toMatch(
      /\.operator: must be one of = != > < >= <= in percent percentage; got "~"/,
    );
    expect(bad(() => checkRoutePolicy({ policyItems: [{ ...good, operator: 'percent', value: '0' }] }))).toMatch(
      /\.value: with operator percent must be a whole number from 1 to 100; got '0'/,
    );
  });

  it('needs a routePolicy and exactly one canary version under Content', () => {
    const routePolicy = checkRoutePolicy({ policyItems: [{ type: 'Header', key: 'k', value: 'v', operator: '=' }] });
    const base = { versionId: '1', resolvePolicy: 'Content' as const };
    expect(() => checkAliasRouting({ ...base, additionalVersionWeight: { '2': 1 }, routePolicy })).not.toThrow();
    expect(bad(() => checkAliasRouting({ ...base, additionalVersionWeight: { '2': 1 } }))).toMatch(
      /^routePolicy: is required with resolvePolicy Content/,
    );
    expect(bad(() => checkAliasRouting({ ...base, additionalVersionWeight: {}, routePolicy }))).toMatch(
      /^additionalVersionWeight: with resolvePolicy Content must name exactly one version/,
    );
    expect(() => checkAliasRouting({ versionId: '1', additionalVersionWeight: {} })).not.toThrow();
  });
});
