// The event of an invocation from `--event`: inline text, `@file`, or `-` for stdin. The bytes are
// sent as they are (FC does not parse events); fcw only refuses what cannot be read.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { UsageError } from '../core/errors.js';

export async function readEventFlag(
  value: string | undefined,
  stdin: NodeJS.ReadableStream,
  cwd: string,
  stderr?: NodeJS.WritableStream,
): Promise<Buffer> {
  if (value === undefined || value === '') return Buffer.alloc(0);
  if (value === '-') {
    // From a terminal, nothing would show that fcw waits for the event until Ctrl-D.
    if ((stdin as { isTTY?: boolean }).isTTY) {
      stderr?.write('Reading the event from the terminal: type it, then Ctrl-D on a line of its own.\n');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      return await readFile(file);
    } catch (error) {
      throw new UsageError(
        `--event ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
        'Give --event @FILE with a readable file, - for stdin, or the event text itself.',
      );
    }
  }
  return Buffer.from(value, 'utf8');
}
