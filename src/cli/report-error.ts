// Prints an error for a person: the message, then the hint that says how to fix it. Never a stack
// for expected errors; never a secret (errors are built without them, see fc/errors.ts).
import type { Io } from './io.js';

export function reportError(error: unknown, io: Io): void {
  const e = error as { name?: string; message?: string; hint?: string; exitCode?: number };
  const expected = typeof e?.exitCode === 'number';
  const message = e?.message ?? String(error);
  io.stderr.write(`fcw: ${message}\n`);
  if (e?.hint) io.stderr.write(`  ${e.hint}\n`);
  if (!expected && error instanceof Error && error.stack && io.env.FCW_DEBUG) io.stderr.write(`${error.stack}\n`);
}
