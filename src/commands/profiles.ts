// Placeholder until the issue that owns `fcw profiles` lands: it says so plainly and fails with exit 1.
import type { Io } from '../cli/io.js';
import { FailedError } from '../cli/errors.js';

export async function run(_args: string[], _io: Io): Promise<number> {
  throw new FailedError('`fcw profiles` is not built yet.');
}
