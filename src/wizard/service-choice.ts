// The service step's choices as plain data: the row it starts on, the row after ↑/↓, and what
// Enter on the filtered list chooses. Row 0 is "create a new service"; row i is the (i-1)th match.
import { validateServiceName } from '../fc/validate.js';

export interface ServiceName {
  serviceName: string;
}

/**
 * The service chosen before (Esc back, edit from review, a profile's), else the first listed one:
 * most deploys go to a service that exists. "Create" stays one ↑ away.
 */
export function initialServiceRow(listed: readonly ServiceName[], chosen: string | undefined): number {
  const i = chosen ? listed.findIndex((s) => s.serviceName === chosen) : -1;
  return i >= 0 ? i + 1 : listed.length > 0 ? 1 : 0;
}

/** The row after ↑ (-1) or ↓ (+1), wrapping around the `count` rows. */
export function movedRow(row: number, by: 1 | -1, count: number): number {
  return (row + by + count) % count;
}

/**
 * Enter on the list: a listed service, or "create" with the typed filter offered as the new name
 * when it is a valid one. Undefined when the row holds nothing.
 */
export function chooseServiceRow(
  matches: readonly ServiceName[],
  row: number,
  typed: string,
): { create: true; name: string } | { create: false; name: string } | undefined {
  const h = Math.min(row, matches.length);
  if (h === 0) return { create: true, name: typed && !validateServiceName(typed) ? typed : '' };
  const picked = matches[h - 1];
  return picked ? { create: false, name: picked.serviceName } : undefined;
}

/** A name typed for a new service: one already listed is that service, not a new one. */
export function typedService(name: string, listed: readonly ServiceName[]): { name: string; isNew: boolean } {
  return { name, isNew: !listed.some((s) => s.serviceName === name) };
}
