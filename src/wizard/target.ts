// The target step's choices as plain data: where its menu starts, the keys that fit a target, the
// region and account id to start from, and a key typed for this session. No I/O and no Ink here.
import { ACCOUNT_ID } from '../fc/endpoint.js';
import type { Credentials } from '../fc/types.js';
import type { TargetKind } from './state.js';
import { keysWithId } from './served-key.js';

export type TargetChoice = TargetKind | 'profile';

/** The fields of a found key these choices read (the UI's FoundCredentials has them all). */
export interface FoundKey {
  credentials: Credentials;
  region?: string;
  accountId?: string;
  /** The local sandbox's own key (for `fcw serve`), not a cloud key. */
  sandbox?: boolean;
}

/**
 * The menu's highlighted choice: what was picked in this visit (Esc from a sub-screen comes back
 * to it), else the kind chosen before, else an endpoint given as a flag, else the cloud when a
 * cloud key was found, else the sandbox.
 */
export function initialTargetChoice(input: {
  picked?: TargetChoice;
  previous?: TargetKind;
  endpointGiven: boolean;
  hasCloudKey: boolean;
}): TargetChoice {
  return input.picked ?? input.previous ?? (input.endpointGiven ? 'endpoint' : input.hasCloudKey ? 'cloud' : 'sandbox');
}

/** Keys for Alibaba Cloud: every key found but the sandbox's own. */
export function cloudKeys<T extends FoundKey>(keys: T[]): T[] {
  return keys.filter((k) => !k.sandbox);
}

/**
 * The region and account id to start from once the keys are found: those already set stay, else
 * the first a cloud key came with (the first region listed when none did).
 */
export function startingPlace(
  keys: FoundKey[],
  current: { region: string; accountId: string },
  regions: readonly string[],
): { region: string; accountId: string } {
  const cloud = cloudKeys(keys);
  return {
    region: current.region || (cloud.find((k) => k.region)?.region ?? regions[0] ?? 'cn-hangzhou'),
    accountId: current.accountId || (cloud.find((k) => k.accountId)?.accountId ?? ''),
  };
}

/**
 * The keys offered for a target. The cloud: the cloud keys. An endpoint: when the `fcw serve`
 * there named its key, that one first (labelled with its file) in place of any other sandbox key it
 * would refuse, then the cloud keys; and when it named a key id, only keys with that id.
 */
export function offeredKeys<T extends FoundKey>(kind: TargetKind, keys: T[], served: { key?: T; keyId?: string }): T[] {
  if (kind === 'cloud') return cloudKeys(keys);
  const candidates = served.key ? [served.key, ...cloudKeys(keys)] : keys;
  return keysWithId(candidates, kind === 'endpoint' ? served.keyId : undefined);
}

/**
 * The account id once an endpoint is confirmed. `fcw serve` says its account id (and keeps it next
 * to its key): start from it. It answers to that account only, so it replaces one found with a cloud
 * key, but not one given with --account-id. A well-formed id stays when no serve answered.
 */
export function accountForEndpoint(input: {
  accountId: string;
  /** The one given with --account-id, if any. */
  givenAccountId?: string;
  /** The account id the `fcw serve` there said, when it is one. */
  served?: { accountId?: string };
  keys: FoundKey[];
}): string {
  const { accountId, served } = input;
  const sandboxAccount = served?.accountId ?? input.keys.find((k) => k.sandbox)?.accountId;
  const keep = ACCOUNT_ID.test(accountId) && (!served || accountId === input.givenAccountId);
  return !keep && sandboxAccount ? sandboxAccount : accountId;
}

/** A key typed for this session: the id trimmed, the token only when there is one. */
export function typedCredentials(keyId: string, secret: string, token: string): Credentials {
  return { accessKeyId: keyId.trim(), accessKeySecret: secret, ...(token ? { securityToken: token } : {}) };
}

/** A temporary (STS) key id: it needs a security token too. */
export function isStsKeyId(keyId: string): boolean {
  return keyId.trim().startsWith('STS.');
}
