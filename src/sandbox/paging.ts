// ListServices / ListFunctions paging, as FC does it: names in ascending order, `prefix` filters,
// `startKey` starts at a name (inclusive), `limit` (default 20, at most 100) caps the page, and the
// answer carries `nextToken` only when more remain (docs/fc-api-notes.md, "Neighbouring APIs and paging").
// The token is the name the next page starts at; clients treat it as opaque.
import { invalidArgument } from './errors.js';

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

export interface PageQuery {
  limit: number;
  prefix?: string;
  startKey?: string;
  nextToken?: string;
}

/** Reads the paging parameters from a query string; a bad `limit` is a 400 naming it. */
export function parsePageQuery(query: URLSearchParams): PageQuery {
  const rawLimit = query.get('limit');
  let limit = LIST_LIMIT_DEFAULT;
  if (rawLimit !== null && rawLimit !== '') {
    // Inferred: FC answers InvalidArgument for a limit outside 1..100 rather than clamping it.
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > LIST_LIMIT_MAX) {
      throw invalidArgument(`limit must be an integer from 1 to ${LIST_LIMIT_MAX}, got '${rawLimit}'`);
    }
    limit = Number(rawLimit);
  }
  const opt = (name: string) => {
    const value = query.get(name);
    return value === null || value === '' ? undefined : value;
  };
  return { limit, prefix: opt('prefix'), startKey: opt('startKey'), nextToken: opt('nextToken') };
}

/** Plain code-unit order, the same on every platform (not locale order). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One page of `names` (any order in, sorted out) and the token for the next page, if any. */
export function pageOf(names: readonly string[], query: PageQuery): { names: string[]; nextToken?: string } {
  const from = [query.startKey, query.nextToken]
    .filter((v): v is string => v !== undefined)
    .sort(compareNames)
    .pop();
  const matching = names
    .filter(
      (name) => (query.prefix === undefined || name.startsWith(query.prefix)) && (from === undefined || name >= from),
    )
    .sort(compareNames);
  const page = matching.slice(0, query.limit);
  const next = matching[query.limit];
  return next === undefined ? { names: page } : { names: page, nextToken: next };
}
