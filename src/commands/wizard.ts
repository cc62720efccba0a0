// `fcw` with no command: the wizard. Decides interactive or not BEFORE anything loads Ink
// (Ink does not notice a piped stdout, and loading it is most of start-up: docs/terminal-notes.md,
// 3 and 7): without a TTY it exits 2 naming the non-interactive command; with
// one it imports the Ink UI lazily, so --help and the no-TTY path stay fast.
import type { Io } from '../cli/io.js';
import { isInteractive } from '../cli/io.js';
import { EXIT, UsageError } from '../core/errors.js';
import { globalFlags, parseCommandArgs } from '../cli/global-options.js';
import { deployCommand } from '../wizard/request.js';

export const WIZARD_HELP = `Usage: fcw [--endpoint URL] [--region ID] [--account-id ID] [--no-animation]

The deploy wizard: where to deploy, service, function, runtime, code, handler, memory and
timeouts, review, deploy, summary. Needs a terminal on stdin and stdout.

Keys: Enter confirms · Esc goes back a step (values kept) · Ctrl-C cancels (exit 130).
Without a terminal, use \`fcw deploy\` with flags, or \`fcw deploy --profile NAME\`.
`;

/** The message for a run without a terminal: the exact commands that work without one. */
export function nonInteractiveError(flags: { endpoint?: string; region?: string; accountId?: string }): UsageError {
  const command = deployCommand({}, flags);
  return new UsageError(
    'the wizard needs a terminal (stdin and stdout must be a TTY, and CI unset).',
    `Deploy without it: ${command}\n  or redeploy a saved profile: fcw deploy --profile NAME\n  (\`fcw deploy --help\` lists every flag.)`,
  );
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('wizard', args, {}, false);
  const flags = globalFlags(values);
  if (flags.help) {
    io.stdout.write(WIZARD_HELP);
    return EXIT.ok;
  }
  if (!isInteractive(io)) throw nonInteractiveError(flags);
  const { runWizard } = await import('../ui/run.js');
  return runWizard(io, { animation: flags.animation, endpoint: flags.endpoint, region: flags.region, accountId: flags.accountId });
}
