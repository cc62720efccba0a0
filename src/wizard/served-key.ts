// An `fcw serve` at a custom endpoint says (GET /sandbox-info) which key id it takes, and refuses
// every other key. So the wizard offers only keys with that id, and when none here has it, says so
// at the endpoint, before anything is sent, as `fcw deploy --endpoint` does.
import { maskKeyId } from '../core/key-id.js';
import { SERVED_KEY_HINT } from '../sandbox/credentials.js';

/** The keys that `fcw serve` would take: those with the id it names; any key when it names none. */
export function keysWithId<T extends { credentials: { accessKeyId: string } }>(keys: T[], id: string | undefined): T[] {
  return id === undefined ? keys : keys.filter((k) => k.credentials.accessKeyId === id);
}

/** Why a typed key id would be refused by the `fcw serve` that expects `expected`, or undefined. */
export function typedKeyIdProblem(typed: string, expected: string | undefined): string | undefined {
  if (expected === undefined || typed.trim() === expected) return undefined;
  return `that fcw serve takes key id ${maskKeyId(expected)} only`;
}

/**
 * What the endpoint screen says when no key here has the id the `fcw serve` there expects: the id
 * (masked), the files looked in (their ids masked), and what fixes it. `fcw serve --access-key-id`
 * keeps its key in no file, so typing it for this session is the way on.
 */
export function missingServedKey(
  endpoint: string,
  expectedId: string,
  looked: string[],
): { message: string; fix: string } {
  return {
    message:
      `${endpoint} is fcw serve, and it takes key id ${maskKeyId(expectedId)} only; no key found here has ` +
      `that id, so it would refuse every key offered. Looked in:\n${looked.map((l) => `  ${l}`).join('\n')}`,
    fix:
      `${SERVED_KEY_HINT} Then press Enter to check again. If it was started with --access-key-id, ` +
      'Enter again goes on to type that key for this session (or export it as ALIBABA_CLOUD_ACCESS_KEY_ID ' +
      'and ALIBABA_CLOUD_ACCESS_KEY_SECRET and start fcw again).',
  };
}
