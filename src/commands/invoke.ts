// `fcw invoke`: run a deployed function once, in the cloud or in a sandbox, and show what it
// answered: the result on stdout, the log tail and timings on stderr, and whether the code that ran
// is the code the profile last deployed. Exit 0 when the function succeeded, 1 when it failed.
import { CancelledError, EXIT, UsageError } from '../core/errors.js';
import { withFlagHint } from '../cli/flag-hints.js';
import { globalFlags, parseCommandArgs, type GlobalFlags } from '../cli/global-options.js';
import type { Io } from '../cli/io.js';
import type { ResolvedTarget } from '../deploy/target.js';
import type { InvocationOutcome } from '../invoke/outcome.js';
import type { Profile } from '../profiles/schema.js';

export const INVOKE_OPTIONS = {
  profile: { type: 'string', short: 'p' },
  target: { type: 'string' },
  credentials: { type: 'string' },
  service: { type: 'string' },
  function: { type: 'string' },
  event: { type: 'string' },
  qualifier: { type: 'string' },
  async: { type: 'boolean' },
} as const;

export const INVOKE_HELP = `Usage
  fcw invoke --profile NAME [--event JSON|@FILE|-] [flags]
  fcw invoke --service S --function F [--endpoint URL | --target local|cloud] [flags]

Runs the function once (InvokeFunction) and prints its answer on stdout; the log tail (the last
4 KB of this invocation's log), the duration, peak memory and request id go to stderr, with the
code checksum that ran compared with the profile's last deploy.

  -p, --profile NAME        the function and target of a saved profile (flags override them)
  --service S --function F  the function, when not from a profile
  --target local|cloud      local: the built-in sandbox, started in process
  --endpoint URL            any FC 2.0 compatible endpoint (e.g. fcw serve); --region ID --account-id ID
  --credentials SOURCE      env, aliyun[:PROFILE], fcli or sandbox: where the key comes from (as for
                            fcw deploy; a loopback or http:// endpoint gets a cloud key only when named)
  --event JSON|@FILE|-      the event: the text itself, a file's bytes, or stdin (default: empty)
  --qualifier Q             a version or alias (default LATEST)
  --async                   queue the event (202); nothing is waited for or printed but the request id
  --json                    one JSON object on stdout: status (ok/error), result (text, or base64 with
                            resultEncoding "base64"), error, log, durationMs, maxMemoryMB, codeChecksum,
                            deployedChecksum, checksum (match/differs/unknown), requestId

The invocation is sent once, never retried. Ctrl-C stops waiting (exit 130); the function may
still be running.
Exit codes: 0 the function succeeded (or an async call was accepted), 1 the function returned an
error or the service failed, 2 bad usage, 130 cancelled.
`;

type Values = Record<string, unknown>;

function err(io: Io, text: string): void {
  io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Dim on a colour terminal (the log and timings are secondary to the result on stdout). */
function dimmer(io: Io): (text: string) => string {
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return tty && !noColor ? (text) => `\x1b[2m${text}\x1b[22m` : (text) => text;
}

export async function run(args: string[], io: Io): Promise<number> {
  let json = args.includes('--json');
  try {
    const { values, positionals } = parseCommandArgs('invoke', args, INVOKE_OPTIONS);
    const flags = globalFlags(values);
    json = flags.json;
    if (flags.help) {
      io.stdout.write(INVOKE_HELP);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw positionalError(positionals[0]!);
    return await runInvoke(values, flags, io);
  } catch (error) {
    if (json) {
      const { invocationJson } = await import('../invoke/outcome.js');
      io.stdout.write(`${JSON.stringify(invocationJson(undefined, { error: (error as Error).message }))}\n`);
    }
    throw error;
  }
}

/**
 * `fcw invoke demo/hello` or `fcw invoke hello` is what a newcomer types first: the error says which
 * flags name that function, rather than only that no argument is taken.
 */
export function positionalError(arg: string): UsageError {
  const slash = arg.indexOf('/');
  const fix =
    slash > 0 && slash < arg.length - 1 && !arg.slice(slash + 1).includes('/')
      ? `Use --service ${arg.slice(0, slash)} --function ${arg.slice(slash + 1)}.`
      : `Use --profile ${arg} for a saved profile, or --service S --function ${arg}.`;
  return new UsageError(`fcw invoke takes the function as flags, not as the argument '${arg}'.`, fix);
}

async function runInvoke(values: Values, flags: GlobalFlags, io: Io): Promise<number> {
  if (flags.dryRun)
    throw new UsageError('fcw invoke has no --dry-run: an invocation runs the function.', 'Leave out --dry-run.');
  const profileName = values.profile as string | undefined;
  let profile: Profile | undefined;
  if (profileName !== undefined) {
    const { ProfileStore } = await import('../profiles/store.js');
    profile = new ProfileStore({ env: io.env, stderr: io.stderr }).require(profileName);
  }
  const service = (values.service as string | undefined) ?? profile?.service.name;
  const functionName = (values.function as string | undefined) ?? profile?.function.functionName;
  // Half of the pair given: name the half that is missing.
  if (service && !functionName && profileName === undefined)
    throw new UsageError(`fcw invoke needs --function F with --service ${service}.`, 'Or use --profile NAME.');
  if (functionName && !service && profileName === undefined)
    throw new UsageError(`fcw invoke needs --service S with --function ${functionName}.`, 'Or use --profile NAME.');
  if (!service || !functionName) {
    throw new UsageError(
      'fcw invoke needs the function: --profile NAME, or --service S --function F.',
      'Run `fcw profiles list` for saved profiles, or `fcw invoke --help`.',
    );
  }
  const { readEventFlag } = await import('../invoke/event.js');
  const event = await readEventFlag(values.event as string | undefined, io.stdin, io.cwd, io.stderr);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  let target: ResolvedTarget | undefined;
  let sending = false;
  try {
    const { resolveTarget } = await import('../deploy/target.js');
    target = await resolveTarget(
      {
        target: values.target as string | undefined,
        endpoint: flags.endpoint,
        region: flags.region,
        accountId: flags.accountId,
        credentials: values.credentials as string | undefined,
      },
      profile?.target,
      { env: io.env, signal: controller.signal },
    );
    if (controller.signal.aborted) throw new CancelledError('Invoke cancelled: nothing was sent.');
    // The target's line is worded for a deploy; the facts in it (account, endpoint, key source) are the same.
    err(io, dimmer(io)(target.description.replace(/^Deploying to:/, 'Invoking on:')));
    const { connect } = await import('../deploy/connect.js');
    const { client } = connect(target, { env: io.env });
    const { invokeOnce } = await import('../invoke/run.js');
    sending = true;
    const outcome = await invokeOnce(client, {
      service,
      functionName,
      event,
      qualifier: values.qualifier as string | undefined,
      async: values.async === true,
      signal: controller.signal,
    });
    return report(outcome, { io, json: flags.json, profile });
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof UsageError)) {
      throw new CancelledError(
        sending
          ? 'Invoke cancelled: fcw stopped waiting; the function may still be running.'
          : 'Invoke cancelled: nothing was sent.',
      );
    }
    throw withFlagHint(error);
  } finally {
    process.off('SIGINT', onSigint);
    await target?.close();
  }
}

async function report(
  outcome: InvocationOutcome,
  options: { io: Io; json: boolean; profile?: Profile },
): Promise<number> {
  const { io, profile } = options;
  const { checksumLine, invocationJson, timingLine } = await import('../invoke/outcome.js');
  const deployed = profile?.lastDeploy?.codeChecksum;
  const code = outcome.status === 'ok' ? EXIT.ok : EXIT.failed;
  if (options.json) {
    io.stdout.write(`${JSON.stringify(invocationJson(outcome, { deployedChecksum: deployed }))}\n`);
    return code;
  }
  const dim = dimmer(io);
  if (outcome.async) {
    err(io, `Accepted (async): the function runs in the background. Request ${outcome.requestId}.`);
    return code;
  }
  if (outcome.log) err(io, dim(outcome.log.replace(/\n?$/, '\n')));
  io.stdout.write(outcome.body);
  if (
    outcome.body.length > 0 &&
    outcome.body[outcome.body.length - 1] !== 0x0a &&
    (io.stdout as { isTTY?: boolean }).isTTY
  )
    io.stdout.write('\n');
  err(io, dim(timingLine(outcome)));
  const checksum = checksumLine(outcome.codeChecksum, deployed, profile?.name);
  if (checksum) err(io, dim(checksum));
  if (outcome.status === 'error') err(io, `fcw: the function failed (${outcome.errorType}): ${outcome.errorMessage}`);
  return code;
}
