// Which version an invocation through an alias runs, and the alias routing fields' rules. Pure: the
// random draw and the request's content are passed in.
//
// An alias names a main version and may name canary versions in `additionalVersionWeight`
// ({"2": 0.1}). Its `resolvePolicy` says how a call picks one:
// - `Random` (FC's default): each call is drawn at random; one call in ten runs version 2.
// - `Content`: the call's request decides. One that matches `routePolicy` runs the canary version,
//   any other the main version; the weight plays no part.
// `routePolicy` is `{condition: "AND"|"OR", policyItems: [{type, key, value, operator}]}`: each item
// compares the request's field `key` of kind `type` (a header, say) with `value`.
import { createHash } from 'node:crypto';

import { invalidArgument } from './errors.js';

/** A number in [0, 1), as Math.random gives. */
export type RandomSource = () => number;

export type ResolvePolicy = 'Random' | 'Content';
const RESOLVE_POLICIES: readonly ResolvePolicy[] = ['Random', 'Content'];

export interface PolicyItem {
  type: string;
  key: string;
  value: string;
  operator: string;
}

export interface RoutePolicy {
  condition: 'AND' | 'OR';
  policyItems: PolicyItem[];
}

/** The alias fields that decide where a call goes. */
export interface AliasRouting {
  versionId: string;
  additionalVersionWeight: Record<string, number>;
  resolvePolicy?: ResolvePolicy;
  routePolicy?: RoutePolicy;
}

/**
 * What `Content` routing reads of a call: header names lower-case, repeated headers and query
 * parameters joined with ', '. A timer's call has none (undefined), so it runs the main version.
 */
export interface RequestContent {
  headers: Record<string, string>;
  query: Record<string, string>;
  cookies: Record<string, string>;
}

// Where FC's documentation is incomplete, the sandbox's choices, kept here:
// - FC documents `Header` as the item type ("values in HTTP requests"); the sandbox also takes
//   `Query` (a query parameter) and `Cookie` (a cookie of the Cookie header).
// - `in` is documented as "string inclusion": the request's value is one of the comma-separated
//   entries of `value` (`"a,b,c"`).
// - `percent` (the documented example's spelling; the list says `percentage`, both are taken):
//   `value` is an integer 1-100 and a stable hash of the request's value decides, so one value
//   always goes the same way and about that share of distinct values match.
// - An item whose field the request lacks does not match (for `!=` too).
// - A missing `condition` means AND.
export const POLICY_ITEM_TYPES = ['Header', 'Query', 'Cookie'] as const;
const COMPARISONS = ['=', '!=', '>', '<', '>=', '<='] as const;
const PERCENT_OPERATORS = ['percent', 'percentage'];
export const POLICY_OPERATORS = [...COMPARISONS, 'in', ...PERCENT_OPERATORS] as const;

/**
 * The version one `Random` call runs: `draw` falls into one additional version's share (in the
 * order of the version ids), or past them all into the main version's.
 */
export function pickAliasVersion(mainVersionId: string, weights: Record<string, number>, draw: number): string {
  let upTo = 0;
  for (const versionId of Object.keys(weights).sort((a, b) => Number(a) - Number(b))) {
    upTo += weights[versionId] ?? 0;
    if (draw < upTo) return versionId;
  }
  return mainVersionId;
}

/** The version a call through the alias runs. `draw` is called only when a random pick is due. */
export function routeAliasCall(alias: AliasRouting, request: RequestContent | undefined, draw: RandomSource): string {
  const canaries = Object.keys(alias.additionalVersionWeight);
  if (alias.resolvePolicy === 'Content' && alias.routePolicy) {
    const canary = canaries[0];
    if (canary === undefined || request === undefined) return alias.versionId;
    return matchesRoutePolicy(alias.routePolicy, request) ? canary : alias.versionId;
  }
  if (canaries.length === 0) return alias.versionId;
  return pickAliasVersion(alias.versionId, alias.additionalVersionWeight, draw());
}

export function matchesRoutePolicy(policy: RoutePolicy, request: RequestContent): boolean {
  const results = policy.policyItems.map((item) => matchesItem(item, request));
  return policy.condition === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

function fieldOf(item: PolicyItem, request: RequestContent): string | undefined {
  switch (item.type) {
    case 'Header':
      return request.headers[item.key.toLowerCase()];
    case 'Query':
      return request.query[item.key];
    case 'Cookie':
      return request.cookies[item.key];
    default:
      return undefined;
  }
}

function matchesItem(item: PolicyItem, request: RequestContent): boolean {
  const actual = fieldOf(item, request);
  if (actual === undefined) return false;
  switch (item.operator) {
    case '=':
      return actual === item.value;
    case '!=':
      return actual !== item.value;
    // String comparisons: FC compares in lexicographic order.
    case '>':
      return actual > item.value;
    case '<':
      return actual < item.value;
    case '>=':
      return actual >= item.value;
    case '<=':
      return actual <= item.value;
    case 'in':
      return item.value.split(',').some((entry) => entry.trim() === actual);
    default:
      return PERCENT_OPERATORS.includes(item.operator) && percentBucket(actual) < Number(item.value);
  }
}

/** 0-99, the same for the same text on every run and machine (the first 4 bytes of its md5). */
export function percentBucket(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0) % 100;
}

/**
 * A record without a prototype: a policy item's key is the caller's text, and on a plain object a
 * key like `constructor` would find Object's own member (a function) where the request has none.
 */
function fieldRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** The call's content from its headers and query (cookies are read from the Cookie header). */
export function requestContentOf(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): RequestContent {
  const flat = fieldRecord();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const params = fieldRecord();
  for (const key of new Set(query.keys())) params[key] = query.getAll(key).join(', ');
  const cookies = fieldRecord();
  for (const pair of (flat.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name && !(name in cookies)) cookies[name] = pair.slice(eq + 1).trim();
  }
  return { headers: flat, query: params, cookies };
}

// ---- the fields' rules (CreateAlias / UpdateAlias) ----

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `resolvePolicy` as sent: undefined when absent (FC's default, Random), else Random or Content. */
export function checkResolvePolicy(value: unknown): ResolvePolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (RESOLVE_POLICIES as readonly string[]).includes(value)) {
    return value as ResolvePolicy;
  }
  throw invalidArgument(
    'resolvePolicy: must be Random (each call drawn by additionalVersionWeight) or Content (calls routed by ' +
      `routePolicy); got ${JSON.stringify(value)}.`,
  );
}

/** `routePolicy` as sent, checked item by item; undefined when absent. */
export function checkRoutePolicy(value: unknown): RoutePolicy | undefined {
  if (value === undefined || value === null) return undefined;
  const shape = 'routePolicy: must be {"condition": "AND"|"OR", "policyItems": [{type, key, value, operator}, ...]}';
  if (!isObject(value)) throw invalidArgument(`${shape}; got ${JSON.stringify(value)}.`);
  const condition = value.condition ?? 'AND';
  if (condition !== 'AND' && condition !== 'OR') {
    throw invalidArgument(`routePolicy.condition: must be AND or OR; got ${JSON.stringify(condition)}.`);
  }
  const items = value.policyItems;
  if (!Array.isArray(items) || items.length === 0) {
    throw invalidArgument(`${shape}; policyItems must be a non-empty list, got ${JSON.stringify(items ?? null)}.`);
  }
  return {
    condition,
    policyItems: items.map((item, index) => checkPolicyItem(item, `routePolicy.policyItems[${index}]`)),
  };
}

function checkPolicyItem(item: unknown, at: string): PolicyItem {
  if (!isObject(item))
    throw invalidArgument(`${at}: must be {type, key, value, operator}; got ${JSON.stringify(item)}.`);
  const { type, key, value, operator } = item;
  if (typeof type !== 'string' || !(POLICY_ITEM_TYPES as readonly string[]).includes(type)) {
    throw invalidArgument(
      `${at}.type: must be one of ${POLICY_ITEM_TYPES.join(', ')}; got ${JSON.stringify(type ?? null)}.`,
    );
  }
  if (typeof key !== 'string' || key === '') {
    throw invalidArgument(
      `${at}.key: must name the ${type.toLowerCase()} to compare; got ${JSON.stringify(key ?? null)}.`,
    );
  }
  if (typeof value !== 'string') {
    throw invalidArgument(`${at}.value: must be a string; got ${JSON.stringify(value ?? null)}.`);
  }
  if (typeof operator !== 'string' || !(POLICY_OPERATORS as readonly string[]).includes(operator)) {
    throw invalidArgument(
      `${at}.operator: must be one of ${POLICY_OPERATORS.join(' ')}; got ${JSON.stringify(operator ?? null)}.`,
    );
  }
  if (PERCENT_OPERATORS.includes(operator) && !/^(100|[1-9][0-9]?)$/.test(value)) {
    throw invalidArgument(
      `${at}.value: with operator ${operator} must be a whole number from 1 to 100; got '${value}'.`,
    );
  }
  return { type, key, value, operator };
}

/**
 * The fields together: `Content` needs a routePolicy and exactly one version in
 * additionalVersionWeight, the one a matching call runs.
 */
export function checkAliasRouting(routing: AliasRouting): void {
  if (routing.resolvePolicy !== 'Content') return;
  if (!routing.routePolicy) {
    throw invalidArgument(
      'routePolicy: is required with resolvePolicy Content (it says which calls run the canary version).',
    );
  }
  const canaries = Object.keys(routing.additionalVersionWeight);
  if (canaries.length !== 1) {
    throw invalidArgument(
      'additionalVersionWeight: with resolvePolicy Content must name exactly one version, the one calls matching ' +
        `routePolicy run (e.g. {"2": 1}); got ${JSON.stringify(routing.additionalVersionWeight)}.`,
    );
  }
}
