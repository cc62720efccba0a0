// fcw serve refuses a port Node's fetch will not connect to (fcw deploy could never reach it).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/commands/serve.js';
import { FETCH_BLOCKED_PORTS } from '../../src/fc/blocked-ports.js';

describe('fetch-blocked ports', () => {
  it('every listed port is one this Node fetch refuses before connecting', async () => {
    const results = await Promise.all(
      [...FETCH_BLOCKED_PORTS].map((port) =>
        fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(
          () => `${port}: answered`,
          (error: { cause?: { message?: string } }) =>
            error?.cause?.message === 'bad port' ? 'bad port' : `${port}: ${error?.cause?.message}`,
        ),
      ),
    );
    expect(results.filter((r) => r !== 'bad port')).toEqual([]);
  });

  it('fcw serve --port 6000 is exit 2 with the reason, before anything starts', async () => {
    const io = {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      cwd: '/',
    } as unknown as Io;
    // --host 0.0.0.0 without a key would be refused too, later: the port must be the reason given.
    const attempt = run(['--port', '6000', '--host', '0.0.0.0', '--data', '/nonexistent-fcw-test'], io);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(/--port 6000 is one of the ports web clients refuse/);
  });
});
