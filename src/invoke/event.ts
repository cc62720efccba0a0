// The event of an invocation from `--event`: inline text, `@file`, or `-` for stdin. The bytes are
// sent as they are (FC does not parse events); fcw only refuses what cannot be read, and what no
// invocation takes: reading `@/dev/zero` or `yes | fcw invoke --event -` whole grew fcw to 3 GB
// in 8 seconds, so no more than the largest event is ever read.
import { createReadStream } from 'node:fs';
import path from 'node:path';

import { UsageError } from '../core/errors.js';

/** The largest event FC takes (a synchronous call, by its current pages; older ones say 6 MB). */
export const EVENT_MAX_BYTES = 32 * 1024 * 1024;

/** Reads a stream to its end, or throws once it holds more than `max` bytes (reading stops there). */
async function readAtMost(stream: NodeJS.ReadableStream, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > max) {
      throw new UsageError(
        `--event ${what}: the event is over ${max / 1024 / 1024} MB, more than any invocation takes.`,
        'Send a smaller event, e.g. the name of an OSS object holding the data.',
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, bytes);
}

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
    return readAtMost(stdin, EVENT_MAX_BYTES, '-');
  }
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    try {
      return await readAtMost(createReadStream(file), EVENT_MAX_BYTES, value);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `--event ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
        'Give --event @FILE with a readable file, - for stdin, or the event text itself.',
      );
    }
  }
  return Buffer.from(value, 'utf8');
}
