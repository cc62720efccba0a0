// A single-value flag given twice is exit 2 naming it, in every command, before anything runs.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import type { Io } from '../../src/cli/io.js';
import { parseCommandArgs } from '../../src/cli/global-options.js';

function io(): Io {
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: { FCW_CONFIG_DIR: '/nonexistent-fcw-test' },
    cwd: '/',
  } as unknown as Io;
}

describe('parseCommandArgs refuses a repeated single-value flag', () => {
  it('names the flag and both values; repeatable and boolean flags pass', () => {
    const options = { code: { type: 'string' }, env: { type: 'string', multiple: true } } as const;
    expect(() => parseCommandArgs('deploy', ['--code', 'A', '--code=B'], options)).toThrow(
      /--code was given twice \("A" and "B"\) in `fcw deploy`/,
    );
    expect(() => parseCommandArgs('deploy', ['--endpoint', 'x', '--endpoint', 'y'], options)).toThrow(
      /--endpoint was given twice/,
    );
    expect(() =>
      parseCommandArgs('deploy', ['--env', 'A=1', '--env', 'B=2', '-y', '-y', '--code', 'A'], options),
    ).not.toThrow();
    // After `--` nothing is a flag.
    expect(() => parseCommandArgs('deploy', ['--code', 'A', '--', '--code', 'B'], options)).not.toThrow();
  });

  const cases: [string, string[], RegExp][] = [
    ['deploy', ['--code', 'A', '--code', 'B', '--memory', '128'], /--code was given twice/],
    ['deploy', ['--memory', '128', '--memory', '256'], /--memory was given twice/],
    ['package', ['/nonexistent-dir', '--runtime', 'nodejs18', '--runtime', 'python3.10'], /--runtime was given twice/],
    ['profiles', ['list', '--region', 'a', '--region', 'b'], /--region was given twice/],
    ['serve', ['--host', '127.0.0.1', '--host', '0.0.0.0'], /--host was given twice/],
  ];
  it('the bare wizard too, named as typed', () => {
    expect(() => parseCommandArgs('wizard', ['--region', 'a', '--region', 'b'], {})).toThrow(
      /--region was given twice \("a" and "b"\) in `fcw`;/,
    );
  });

  for (const [command, args, message] of cases) {
    it(`fcw ${command} ${args.join(' ')}: exit 2`, async () => {
      const { run } = (await import(`../../src/commands/${command}.ts`)) as {
        run: (a: string[], i: Io) => Promise<number>;
      };
      const attempt = run(args, io());
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(message);
    });
  }
});
