// `fcw` with no command: the wizard. Decides interactive or not BEFORE anything loads Ink
// (Ink does not notice a piped stdout, and loading it is most of start-up: docs/terminal-notes.md,
// 3 and 7): without a TTY it exits 2 naming the non-interactive command; with
// one it imports the Ink UI lazily, so --help and the no-TTY path stay fast.
import type { Io } from '../cli/io.js';
import { isInteractive } from '../cli/io.js';
import { EXIT, UsageError } from '../core/errors.js';
import { globalFlags, parseCommandArgs } from '../cli/global-options.js';
import { homedir } from 'node:os';
import { deployCommand } from '../wizard/request.js';

export const WIZARD_HELP = `Usage: fcw [--endpoint URL] [--region ID] [--account-id ID] [--no-animation]

The deploy wizard: where to deploy, service, function, runtime, code, handler, memory and
timeouts, review, deploy, summary. Needs a terminal on stdin and stdout.

Keys: Enter confirms · Esc goes back a step (values kept) · Ctrl-C cancels (exit 130).
Without a terminal, use \`fcw deploy\` with flags, or \`fcw deploy --profile NAME\`.
`;

export interface NonInteractiveContext {
  /** Whether cloud credentials were found: without any, the command that runs is the local sandbox's. */
  cloudCredentials: boolean;
  /** The CI variable when it is what stopped a real terminal. */
  ci?: string;
}

/**
 * The message for a run without a terminal: the exact commands that work without one, as they run
 * for this person (no cloud key: the local sandbox, creating the service), and, when a real
 * terminal was stopped by CI, that CI is the reason.
 */
export function nonInteractiveError(
  flags: { endpoint?: string; region?: string; accountId?: string },
  context: NonInteractiveContext,
): UsageError {
  const local = !context.cloudCredentials && !flags.endpoint;
  const command = deployCommand(
    local ? { target: LOCAL_TARGET, service: { name: 'SERVICE', isNew: true } } : {},
    flags,
  );
  const why =
    context.ci !== undefined
      ? `the wizard does not run under CI (CI=${context.ci} is set, though this is a terminal); unset CI to use it.`
      : 'the wizard needs a terminal (stdin and stdout must be a TTY, and CI unset).';
  const note = local ? '\n  (no cloud credentials were found, so this deploys to the local sandbox)' : '';
  return new UsageError(
    why,
    `Deploy without it: ${command}${note}\n  or redeploy a saved profile: fcw deploy --profile NAME\n  (\`fcw deploy --help\` lists every flag.)`,
  );
}

/** Stands for the in-process sandbox in the printed command (`--target local`). */
const LOCAL_TARGET = { kind: 'sandbox' as const, endpoint: '', accountId: '', credentialSource: '' };

async function hasCloudCredentials(io: Io): Promise<boolean> {
  const { findCloudCredentials } = await import('../profiles/credentials.js');
  return (
    (await findCloudCredentials({ env: io.env, home: io.env.HOME || homedir() }).catch(() => undefined)) !== undefined
  );
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('wizard', args, {}, false);
  const flags = globalFlags(values);
  if (flags.help) {
    io.stdout.write(WIZARD_HELP);
    return EXIT.ok;
  }
  if (!isInteractive(io)) {
    const terminal = Boolean((io.stdin as { isTTY?: boolean }).isTTY && (io.stdout as { isTTY?: boolean }).isTTY);
    throw nonInteractiveError(flags, {
      cloudCredentials: await hasCloudCredentials(io),
      ci: terminal ? io.env.CI : undefined,
    });
  }
  const { runWizard } = await import('../ui/run.js');
  return runWizard(io, {
    animation: flags.animation,
    endpoint: flags.endpoint,
    region: flags.region,
    accountId: flags.accountId,
  });
}
