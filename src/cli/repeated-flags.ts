// A single-value flag given twice (`--code A --code B`, `--memory 128 --memory 256`): node's
// parseArgs keeps the last one silently, which deploys something other than what half the command
// line says. parseCommandArgs refuses it (exit 2) for every command, naming the flag; flags declared
// `multiple` (--env, --layer) stay repeatable. Booleans repeated (-y -y) mean the same thing: allowed.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { UsageError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Throws a UsageError when a string flag that takes one value appears more than once in `args`. */
export function refuseRepeatedFlags(typed: string, args: string[], all: Options): void {
  const { tokens } = parseArgs({ args, options: all, allowPositionals: true, strict: false, tokens: true });
  const seen = new Map<string, string | undefined>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const def = all[token.name];
    if (!def || def.type !== 'string' || def.multiple) continue;
    if (seen.has(token.name)) {
      const first = seen.get(token.name);
      throw new UsageError(
        `--${token.name} was given twice (${JSON.stringify(first ?? '')} and ${JSON.stringify(token.value ?? '')}) in \`${typed}\`; it takes one value.`,
        `Give --${token.name} once.${typed === 'fcw deploy' ? ' (--env and --layer are the flags that repeat.)' : ''}`,
      );
    }
    seen.set(token.name, token.value);
  }
}
