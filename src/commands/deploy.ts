// `fcw deploy`: the quick redeploy from a saved profile, or a deploy with every field as a flag.
// Plain text and readline only (no Ink): this is CI's path and it should start fast.
import fs from 'node:fs';

import { CancelledError, EXIT, isUsageError, UsageError } from '../core/errors.js';
import { CODE_FLAGS, withFlagHint } from '../cli/flag-hints.js';
import { globalFlags, parseCommandArgs, type GlobalFlags } from '../cli/global-options.js';
import { isInteractive, type Io } from '../cli/io.js';
import { parseCredentialChoice } from '../deploy/credential-choice.js';
import { buildSpec, type FieldOverrides } from './deploy-spec.js';
import { codeReasonAfterLabel, type DeploySpec, type DeployPlan } from '../deploy/plan.js';
import type { DeployError, DeployPhase, DeployResult, PackageCacheUse, PhaseDetail } from '../deploy/run.js';
import type { ResolvedTarget } from '../deploy/target.js';
import { profileNameProblem, type Profile } from '../profiles/schema.js';
import type { ProfileStore } from '../profiles/store.js';
import type { Connected } from '../deploy/connect.js';
// Everything heavier (conf, the validators, the client, the packager, the sandbox) is imported
// when it is needed, so `fcw deploy --help` and a bad flag answer at once.

export const DEPLOY_OPTIONS = {
  profile: { type: 'string', short: 'p' },
  'save-profile': { type: 'string' },
  target: { type: 'string' },
  credentials: { type: 'string' },
  service: { type: 'string' },
  'create-service': { type: 'boolean' },
  function: { type: 'string' },
  runtime: { type: 'string' },
  handler: { type: 'string' },
  code: { type: 'string' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  initializer: { type: 'string' },
  'init-timeout': { type: 'string' },
  description: { type: 'string' },
  env: { type: 'string', multiple: true },
  layer: { type: 'string', multiple: true },
  'ca-port': { type: 'string' },
  'instance-type': { type: 'string' },
  image: { type: 'string' },
  command: { type: 'string' },
  args: { type: 'string' },
  acceleration: { type: 'string' },
  'oss-bucket': { type: 'string' },
  'oss-object': { type: 'string' },
  invoke: { type: 'boolean' },
  event: { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;

export const DEPLOY_HELP = `Usage
  fcw deploy --profile NAME [flags]   redeploy a saved profile; flags override its fields
  fcw deploy [flags]                  deploy with every field given as a flag

Creates the function when it does not exist, updates it (If-Match: never over a change made since
fcw read it) when something differs, and does nothing when nothing changed. The code is sent only
when its CRC-64 differs from the deployed codeChecksum.

Profile
  -p, --profile NAME        start from a saved profile (fcw profiles list)
  --save-profile NAME       save what this deploy used as a profile (no secret is stored)

Target (default: the profile's, else Alibaba Cloud)
  --target local|cloud      local: the built-in sandbox, started in process (data under the config dir)
  --endpoint URL            any FC 2.0 compatible endpoint (e.g. fcw serve)
  --region ID --account-id ID
  --credentials SOURCE      where the key comes from, instead of the search order below:
                            env, aliyun, aliyun:PROFILE, fcli, or sandbox (the key of fcw serve)

Function
  --service NAME            --create-service   create the service when it does not exist
  --function NAME           --runtime ID       --handler H
  --code DIR|FILE.zip       the code folder (packaged here) or an existing .zip/.jar
  --oss-bucket B --oss-object O                code already in OSS (always sent on update)
  --image IMAGE [--command JSON] [--args JSON] [--acceleration Default|None]   custom-container
  --memory MB               --timeout S        --instance-type e1|c1
  --initializer H           --init-timeout S
  --description TEXT        --env K=V (repeat; merges with the profile's by key)
  --layer REF (repeat; replaces the profile's list)          --ca-port N (custom runtimes)

Credentials (cloud): ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN, else the aliyun CLI's
~/.aliyun/config.json (ALIBABA_CLOUD_PROFILE or its current profile), else ~/.fcli/config.yaml.
A loopback or plain-http --endpoint gets only a sandbox key, unless --credentials names another
source: an FC signature does not cover the host, so whoever holds that port could replay the
requests against Function Compute for 15 minutes. fcw asks it which key id it expects
(GET /sandbox-info) and signs with the sandbox key file that has that id (the config dir's, or
the one of its --data directory); none: exit 2 naming the id, the places looked and the flag.

An update changes only the fields given (flags or profile); a field left out keeps its deployed value.
A flag that takes a value is given once (twice is exit 2); only --env and --layer repeat.

Smoke test
  --invoke [--event JSON|@FILE|-]   after the deploy, invoke the function once; if it returns an
                            error, the deploy exits 1 (the function is deployed but broken)

Before a write fcw shows the changes and asks y/N when stdin and stderr are a terminal (not with
CI set); n, Enter or Ctrl-C cancels with nothing written (exit 130). Elsewhere it goes ahead.
Also: -y/--yes (do not ask), --dry-run (no writes; print the plan and the exact requests),
--json (one JSON object on stdout; with --dry-run read "action", as "status" stays "unchanged"),
--no-animation, --no-cache (package the folder from scratch; by default an unchanged tree is
recognised from the package cache by stat alone, and unchanged files are not compressed again).
Exit codes: 0 created/updated/unchanged, 1 failed, 2 bad input, 130 cancelled (also Ctrl-C during
a write: the service may have applied it; the message says so).
`;

type Values = Record<string, unknown>;

function intFlag(values: Values, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, not "${raw}".`);
  return Number(text);
}

function str(values: Values, flag: string): string | undefined {
  return values[flag] as string | undefined;
}

/** The flags that change a profile's fields: with --profile and without --save-profile, not kept. */
const FIELD_FLAGS = [
  'service',
  'create-service',
  'function',
  'runtime',
  'handler',
  'code',
  'memory',
  'timeout',
  'initializer',
  'init-timeout',
  'description',
  'env',
  'layer',
  'ca-port',
  'instance-type',
  'image',
  'command',
  'args',
  'acceleration',
  'oss-bucket',
  'oss-object',
] as const;

function unsavedOverrides(values: Values): string[] {
  return FIELD_FLAGS.filter((flag) => values[flag] !== undefined);
}

/** The field flags as overrides of the profile's fields. */
export function overridesFromFlags(values: Values): FieldOverrides {
  let environmentVariables: Record<string, string> | undefined;
  for (const pair of (values.env as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env takes KEY=VALUE, not "${pair}".`);
    environmentVariables ??= {};
    environmentVariables[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const o: FieldOverrides = {
    service: str(values, 'service'),
    createService: values['create-service'] === true ? true : undefined,
    functionName: str(values, 'function'),
    runtime: str(values, 'runtime'),
    handler: str(values, 'handler'),
    code: str(values, 'code'),
    memorySize: intFlag(values, 'memory'),
    timeout: intFlag(values, 'timeout'),
    initializer: str(values, 'initializer'),
    initializationTimeout: intFlag(values, 'init-timeout'),
    description: str(values, 'description'),
    environmentVariables,
    layers: values.layer as string[] | undefined,
    caPort: intFlag(values, 'ca-port'),
    instanceType: str(values, 'instance-type'),
    image: str(values, 'image'),
    command: str(values, 'command'),
    args: str(values, 'args'),
    accelerationType: str(values, 'acceleration'),
    ossBucket: str(values, 'oss-bucket'),
    ossObject: str(values, 'oss-object'),
  };
  for (const key of Object.keys(o) as (keyof FieldOverrides)[]) if (o[key] === undefined) delete o[key];
  return o;
}

function err(io: Io, text: string): void {
  io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** y/N on the terminal, with plain readline. Ctrl-C at the prompt cancels. */
async function askYesNo(io: Io, question: string): Promise<boolean> {
  const readline = await import('node:readline');
  const rl = readline.createInterface({
    input: io.stdin as NodeJS.ReadableStream,
    output: io.stderr as NodeJS.WritableStream,
    terminal: true,
  });
  let answered = false;
  try {
    return await new Promise<boolean>((resolve) => {
      rl.on('SIGINT', () => resolve(false));
      rl.on('close', () => resolve(false));
      rl.question(question, (answer) => {
        answered = true;
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    });
  } finally {
    rl.close();
    // Ctrl-C or end of input leaves the cursor after the question: end that line (after readline's
    // own last cursor move), so the cancel message that follows starts on a line of its own.
    if (!answered) io.stderr.write('\n');
  }
}

function confirmText(plan: DeployPlan, spec: DeploySpec, formatDiff: (d: DeployPlan['diff']) => string): string {
  const what =
    plan.action === 'create'
      ? `Create function ${spec.service.name}/${spec.function.functionName}`
      : `Update function ${spec.service.name}/${spec.function.functionName}`;
  return `${what}:\n${formatDiff(plan.diff)}\n  code: ${codeReasonAfterLabel(plan.codeReason)}\n`;
}

function cacheNote(cache: PackageCacheUse | undefined): string {
  if (!cache?.used) return '';
  if (cache.unchanged) return ', unchanged since the cached build';
  return `, ${cache.reused} ${cache.reused === 1 ? 'file' : 'files'} from the cache`;
}

function phaseLine(phase: DeployPhase, d: PhaseDetail): string | undefined {
  if (d.state === 'skipped') return `  ${phase}: skipped (${d.message})`;
  if (d.state !== 'done') return undefined;
  const ms = d.ms !== undefined ? ` (${d.ms} ms)` : '';
  switch (phase) {
    case 'package':
      if (!d.package) return undefined;
      return (
        `  package: ${d.package.files} ${d.package.files === 1 ? 'file' : 'files'}, ` +
        `${d.package.zipBytes} bytes zipped, ` +
        `crc64 ${d.package.checksum}${cacheNote(d.package.cache)}${ms}`
      );
    case 'read':
      return `  read: ${d.message ?? ''}${ms}`;
    case 'create-service':
      return `  service created${ms}`;
    case 'create':
    case 'update':
      return `  ${phase}: done${d.requestId ? `, request ${d.requestId}` : ''}${ms}`;
    case 'reread':
      return `  read again${ms}`;
    default:
      return undefined;
  }
}

export async function run(args: string[], io: Io): Promise<number> {
  let json = args.includes('--json');
  try {
    const { values } = parseCommandArgs('deploy', args, DEPLOY_OPTIONS, false);
    const flags: GlobalFlags = globalFlags(values);
    json = flags.json;
    if (flags.help) {
      io.stdout.write(DEPLOY_HELP);
      return EXIT.ok;
    }
    return await runDeploy(values, flags, io);
  } catch (error) {
    // --json promises exactly one object on stdout, also when the deploy never started.
    if (json) {
      const { toJsonOutput } = await import('../deploy/report.js');
      io.stdout.write(`${JSON.stringify(toJsonOutput(undefined, { error }))}\n`);
    }
    throw error;
  }
}

/** What this deploy is asked to do: the flags and the profile, checked as a whole. */
interface DeployRequest {
  spec: DeploySpec;
  /** Where the spec's fields came from, for messages: the profile and its file, or the flags. */
  source: string;
  profileName: string | undefined;
  profile: Profile | undefined;
  /** Open only when a profile is read or saved. */
  store: ProfileStore | undefined;
  saveName: string | undefined;
  /** The event of --invoke; undefined without --invoke. */
  smokeEvent: Buffer | undefined;
  /** The field flags that change the profile's fields for this deploy only. */
  unsaved: string[];
  noCache: boolean;
}

/** What every stage after the checks shares: the flags, the streams and the Ctrl-C signal. */
interface DeployContext {
  flags: GlobalFlags;
  io: Io;
  signal: AbortSignal;
}

async function runDeploy(values: Values, flags: GlobalFlags, io: Io): Promise<number> {
  const request = await readDeployRequest(values, io);
  const { target, ctrlC } = await openTarget(values, flags, request.profile, io);
  try {
    return await deployToTarget(target, request, { flags, io, signal: ctrlC.signal });
  } catch (error) {
    if (ctrlC.signal.aborted && !(error instanceof CancelledError) && !isUsageError(error)) {
      throw new CancelledError('Deploy cancelled.');
    }
    throw withFlagHint(error);
  } finally {
    ctrlC.stop();
    await target.close();
  }
}

/**
 * Everything the user can get wrong, checked before a sandbox starts or a byte is sent: the flags'
 * own rules, the profile, the --invoke event and the spec they make together.
 */
async function readDeployRequest(values: Values, io: Io): Promise<DeployRequest> {
  const profileName = str(values, 'profile');
  const saveName = str(values, 'save-profile');
  checkNamingFlags(values, saveName);
  const { profile, store, source } = await openProfile(profileName, saveName, io);
  checkEventFlag(values);
  const { readEventFlag } = await import('../invoke/event.js');
  const smokeEvent =
    values.invoke === true ? await readEventFlag(str(values, 'event'), io.stdin, io.cwd, io.stderr) : undefined;
  const spec = await checkedSpec(profile, values, source, io.cwd);
  const unsaved = profile && saveName !== profile.name ? unsavedOverrides(values) : [];
  return {
    spec,
    source,
    profileName,
    profile,
    store,
    saveName,
    smokeEvent,
    unsaved,
    noCache: values['no-cache'] === true,
  };
}

/** The flags whose value is a name with rules of its own: a profile name, a credential source. */
function checkNamingFlags(values: Values, saveName: string | undefined): void {
  if (saveName !== undefined) {
    const problem = profileNameProblem(saveName);
    if (problem) throw new UsageError(`--save-profile: ${problem}.`);
  }
  if (values.credentials !== undefined) parseCredentialChoice(String(values.credentials));
}

/** The profile store is opened only when a profile is read or saved: a flags-only deploy never touches it. */
async function openProfile(
  profileName: string | undefined,
  saveName: string | undefined,
  io: Io,
): Promise<{ profile: Profile | undefined; store: ProfileStore | undefined; source: string }> {
  if (profileName === undefined && saveName === undefined) {
    return { profile: undefined, store: undefined, source: 'the flags' };
  }
  const { ProfileStore } = await import('../profiles/store.js');
  const store = new ProfileStore({ env: io.env, stderr: io.stderr });
  const profile = profileName !== undefined ? store.require(profileName) : undefined;
  const source = profile ? `profile "${profile.name}" (${store.path}) with the flags` : 'the flags';
  return { profile, store, source };
}

function checkEventFlag(values: Values): void {
  if (values.event !== undefined && values.invoke !== true) {
    throw new UsageError(
      '--event is the event of --invoke.',
      'Add --invoke to invoke the function after the deploy, or use `fcw invoke --event ...`.',
    );
  }
}

/** The profile with the flags over it, validated; a profile's missing code is named with the profile. */
async function checkedSpec(
  profile: Profile | undefined,
  values: Values,
  source: string,
  cwd: string,
): Promise<DeploySpec> {
  const { validateSpec } = await import('../deploy/plan.js');
  const spec = buildSpec(profile, overridesFromFlags(values), cwd);
  // Its warnings are printed by deploy() as they arise (once, before any write).
  try {
    validateSpec(spec, source);
  } catch (error) {
    throw withFlagHint(error);
  }
  if (profile && values.code === undefined) checkProfileCode(profile.name, spec);
  return spec;
}

/** Ctrl-C during a deploy aborts `signal` instead of ending the process, until stop(). */
interface CtrlC {
  signal: AbortSignal;
  stop(): void;
}

function catchCtrlC(): CtrlC {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, stop: () => process.off('SIGINT', onSigint) };
}

/**
 * Resolves where the deploy goes (endpoint, account, key). Ctrl-C is caught from here on, since
 * resolving a loopback target already asks the sandbox (/sandbox-info); a Ctrl-C by the time the
 * target is known cancels with nothing sent.
 */
async function openTarget(
  values: Values,
  flags: GlobalFlags,
  profile: Profile | undefined,
  io: Io,
): Promise<{ target: ResolvedTarget; ctrlC: CtrlC }> {
  const { resolveTarget } = await import('../deploy/target.js');
  const ctrlC = catchCtrlC();
  const cancelledBeforeSending = () => new CancelledError('Deploy cancelled: nothing was sent.');
  let target: ResolvedTarget;
  try {
    target = await resolveTarget(
      {
        target: str(values, 'target'),
        endpoint: flags.endpoint,
        region: flags.region,
        accountId: flags.accountId,
        credentials: str(values, 'credentials'),
      },
      profile?.target,
      { env: io.env, signal: ctrlC.signal, warn: (line) => err(io, line) },
    );
  } catch (error) {
    ctrlC.stop();
    throw ctrlC.signal.aborted && !isUsageError(error) ? cancelledBeforeSending() : withFlagHint(error);
  }
  if (ctrlC.signal.aborted) {
    ctrlC.stop();
    await target.close();
    throw cancelledBeforeSending();
  }
  return { target, ctrlC };
}

/** The deploy proper, once the target is open: the notes, the profile save, the call, the smoke test, the output. */
async function deployToTarget(target: ResolvedTarget, request: DeployRequest, ctx: DeployContext): Promise<number> {
  const { flags, io } = ctx;
  const { connect } = await import('../deploy/connect.js');
  const { client, packager, describe } = connect(target, { env: io.env, noCache: request.noCache });
  // A dry run deploys nothing: its target line says where it would go.
  err(io, flags.dryRun ? describe.replace(/^Deploying to:/, 'Would deploy to (dry run, nothing is sent):') : describe);
  noteUnsavedOverrides(request, io);
  const recordName = saveProfileIfAsked(request, target, flags.dryRun, io);
  const result = await callDeploy(request, recordName, { client, packager }, ctx);
  if (result.error) result.error.hint = commandHint(result.error, target);
  if (flags.dryRun && request.saveName !== undefined) err(io, `Dry run: profile "${request.saveName}" was not saved.`);

  const { smokeEvent } = request;
  const invokeNow = smokeEvent && result.status !== 'failed' && !flags.dryRun;
  const smoke = invokeNow ? await smokeInvoke(client, request.spec, smokeEvent, ctx.signal) : undefined;
  if (smokeEvent && flags.dryRun) err(io, 'Dry run: the function was not invoked.');

  await printOutcome(result, smoke, { spec: request.spec, profile: recordName, target }, ctx);
  if (result.status === 'failed') return result.error?.exitCode ?? EXIT.failed;
  return smoke && !smoke.ok ? EXIT.failed : EXIT.ok;
}

/** --profile with field flags but no --save-profile: say the profile keeps its fields, and how to change them. */
function noteUnsavedOverrides({ profile, unsaved }: DeployRequest, io: Io): void {
  if (!profile || unsaved.length === 0) return;
  const flagsText = unsaved.map((f) => `--${f}`).join(', ');
  const one = unsaved.length === 1;
  err(
    io,
    `note: ${flagsText} ${one ? 'applies' : 'apply'} to this deploy only; profile "${profile.name}" is not changed. ` +
      `Add --save-profile ${profile.name} to keep ${one ? 'it' : 'them'}.`,
  );
}

/**
 * --save-profile (not in a dry run): saves what this deploy uses, before the deploy, so the deploy
 * records its outcome under that name. Returns the profile name the outcome is recorded under.
 */
function saveProfileIfAsked(
  request: DeployRequest,
  target: ResolvedTarget,
  dryRun: boolean,
  io: Io,
): string | undefined {
  const { saveName, store, spec } = request;
  if (saveName === undefined || dryRun) return request.profileName;
  store!.save({
    name: saveName,
    target: target.profileTarget,
    service: spec.service,
    function: spec.function,
    code: spec.code,
  });
  err(io, `Saved profile "${saveName}" in ${store!.path}.`);
  return saveName;
}

/** deploy() in this command's voice: warnings and phases as stderr lines, y/N at a terminal. */
async function callDeploy(
  request: DeployRequest,
  recordName: string | undefined,
  deps: Pick<Connected, 'client' | 'packager'>,
  { flags, io, signal }: DeployContext,
): Promise<DeployResult> {
  const [{ deploy }, { formatDiff }] = await Promise.all([import('../deploy/run.js'), import('../deploy/plan.js')]);
  const { spec, source, store } = request;
  // The question goes to stderr and the answer comes from stdin: a piped stdout
  // (`fcw deploy --json | jq` at a terminal) must not skip it.
  const interactive = isInteractive({ ...io, stdout: io.stderr });
  return deploy(
    {
      spec,
      source,
      dryRun: flags.dryRun,
      signal,
      onWarning: (message) => err(io, `warning: ${message}`),
      onPhase: (phase, detail) => {
        const line = phaseLine(phase, detail);
        if (line) err(io, line);
      },
      confirm:
        interactive && !flags.yes
          ? async (plan) => {
              err(io, confirmText(plan, spec, formatDiff));
              return askYesNo(io, 'Deploy? [y/N] ');
            }
          : undefined,
      record: recordName !== undefined && store ? { store, name: recordName } : undefined,
    },
    deps,
  );
}

/**
 * The outcome: with --json one object on stdout (the error also on stderr, for a person); else the
 * summary, on stderr when the deploy failed. The smoke test's lines follow on stderr.
 */
async function printOutcome(
  result: DeployResult,
  smoke: SmokeResult | undefined,
  about: { spec: DeploySpec; profile: string | undefined; target: ResolvedTarget },
  { flags, io }: DeployContext,
): Promise<void> {
  const { formatSummary, toJsonOutput } = await import('../deploy/report.js');
  if (flags.json) {
    const output: Record<string, unknown> = toJsonOutput(result, { profile: about.profile, target: about.target });
    if (smoke) output.invoke = smoke.json;
    io.stdout.write(`${JSON.stringify(output)}\n`);
    if (result.error) err(io, `fcw: ${result.error.message}${result.error.hint ? `\n  ${result.error.hint}` : ''}`);
  } else {
    const lines = formatSummary(result, about);
    const out = result.status === 'failed' ? io.stderr : io.stdout;
    await printLines(out, lines, flags.animation && Boolean((out as { isTTY?: boolean }).isTTY));
  }
  if (smoke) for (const line of smoke.lines) err(io, line);
}

/** The --invoke outcome: ok, the lines for stderr, and the `invoke` field of --json. */
interface SmokeResult {
  ok: boolean;
  lines: string[];
  json: Record<string, unknown>;
}

/** `--invoke`: one invocation after the deploy, as lines for stderr and a `--json` field. */
async function smokeInvoke(
  client: import('../fc/client.js').FcClient,
  spec: DeploySpec,
  event: Buffer,
  signal: AbortSignal,
): Promise<SmokeResult> {
  const [{ invokeOnce }, { invocationJson, timingLine }] = await Promise.all([
    import('../invoke/run.js'),
    import('../invoke/outcome.js'),
  ]);
  const name = `${spec.service.name}/${spec.function.functionName}`;
  try {
    const functionName = spec.function.functionName;
    const outcome = await invokeOnce(client, { service: spec.service.name, functionName, event, signal });
    const json = invocationJson(outcome);
    if (outcome.status === 'ok') {
      const text = typeof json.result === 'string' && json.resultEncoding === 'utf8';
      const answer = text ? String(json.result) : `<${outcome.body.length} bytes>`;
      const shown = answer.length > 200 ? `${answer.slice(0, 200)}…` : answer;
      return { ok: true, json, lines: [`Invoked ${name}: ok (${timingLine(outcome)})`, `  answer: ${shown}`] };
    }
    const why = `(${outcome.errorType}): ${outcome.errorMessage}`;
    const lines = [`fcw: ${name} is deployed but broken: its invocation failed ${why}`];
    if (outcome.log) lines.push(outcome.log.replace(/\n$/, ''));
    lines.push(`  ${timingLine(outcome)}. Run \`fcw invoke\` to try again once fixed.`);
    return { ok: false, json, lines };
  } catch (error) {
    if (signal.aborted) throw error;
    const message = (error as Error).message;
    return {
      ok: false,
      json: invocationJson(undefined, { error: message }),
      lines: [`fcw: ${name} is deployed, but invoking it failed: ${message}`],
    };
  }
}

/**
 * The profile's code folder or zip is gone (moved, renamed, a fresh checkout elsewhere): say which
 * profile holds the path and the two ways on, before a sandbox starts or a byte is sent.
 */
function checkProfileCode(name: string, spec: DeploySpec): void {
  if (spec.code.kind !== 'folder' && spec.code.kind !== 'zip') return;
  if (fs.existsSync(spec.code.path)) return;
  const what = spec.code.kind === 'folder' ? 'code folder' : 'code file';
  throw new UsageError(
    `The ${what} of profile "${name}", ${spec.code.path}, does not exist.`,
    `Give the code for this deploy with --code DIR, or update the profile: fcw deploy --profile ${name} --code NEWDIR --save-profile ${name}`,
  );
}

/** A failed deploy's hint, worded for the command line: the key it signed with, the flag to give. */
function commandHint(error: DeployError, target: ResolvedTarget): string | undefined {
  const flagHint = error.code ? CODE_FLAGS[error.code] : undefined;
  const hint = flagHint && error.hint ? `${error.hint} ${flagHint}` : (flagHint ?? error.hint);
  return keyHint(error.code, target) ?? hint;
}

/** A refused key: name the source this deploy actually signed with, not a generic place. */
function keyHint(code: string | undefined, target: ResolvedTarget): string | undefined {
  const used = `This deploy signed with the key from ${target.credentialSource}.`;
  if (code === 'InvalidAccessKeyID')
    return `${used} The service does not know that key id: check it is the key for ${target.endpoint} (and enabled, in the cloud).`;
  if (code === 'SignatureNotMatch')
    return `${used} The service computed a different signature: check that key's secret, and this machine's clock (at most 15 minutes off).`;
  return undefined;
}

/** Prints the summary; in a terminal, line by line with a short pause (the wizard's reveal, without Ink). */
async function printLines(out: Io['stdout'], lines: string[], animate: boolean): Promise<void> {
  for (const line of lines) {
    out.write(`${line}\n`);
    if (animate) await new Promise((resolve) => setTimeout(resolve, 35));
  }
}
