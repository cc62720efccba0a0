// Flags every command accepts (--endpoint, --region, --account-id, --no-animation, --help).
// Commands merge these with their own and parse with node:util parseArgs, so an unknown flag is
// an error (exit 2) everywhere.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';
import { refuseRepeatedFlags } from './repeated-flags.js';

export const GLOBAL_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'no-animation': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface GlobalFlags {
  endpoint?: string;
  region?: string;
  accountId?: string;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  animation: boolean;
  help: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's argv with the global flags added; unknown flags become a UsageError. */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  allowPositionals = true,
) {
  // The wizard is what a bare `fcw` runs: name it the way the user typed it.
  const typed = command === 'wizard' ? 'fcw' : `fcw ${command}`;
  const all = { ...GLOBAL_OPTIONS, ...options };
  let parsed;
  try {
    parsed = parseArgs({ args, options: all, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${message.replace(/\.$/, '')} (in \`${typed}\`).`,
      `Run \`${typed} --help\` to see its flags.`,
    );
  }
  refuseRepeatedFlags(typed, args, all);
  return parsed;
}

export function globalFlags(values: Record<string, unknown>): GlobalFlags {
  return {
    endpoint: values.endpoint as string | undefined,
    region: values.region as string | undefined,
    accountId: values['account-id'] as string | undefined,
    yes: Boolean(values.yes),
    dryRun: Boolean(values['dry-run']),
    json: Boolean(values.json),
    animation: !values['no-animation'],
    help: Boolean(values.help),
  };
}
