// Turns the profile file's text into its top-level object, for conf (its `deserialize` option), so
// conf stays the one reader of the file. conf's own parse is JSON.parse followed by
// Object.assign({}, value), which silently makes `42` or `null` an empty store and `[1,2]` or "str"
// an object keyed "0", "1", ...: a save then writes over whatever the file held. Here anything that
// is not a JSON object is refused with the reason, and the store sets the file aside.
import { isRecord } from '../core/is-record.js';

/** The file cannot be used as it is; `reason` completes "could not be read: ...". */
export class UnreadableProfileFileError extends Error {
  constructor(readonly reason: string) {
    super(`the profile file could not be read: ${reason}`);
    this.name = 'UnreadableProfileFileError';
  }
}

export function parseProfileFileText(text: string): Record<string, unknown> {
  if (text.trim() === '') throw new UnreadableProfileFileError('it is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UnreadableProfileFileError(`it is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new UnreadableProfileFileError('it does not hold a JSON object');
  return parsed;
}
