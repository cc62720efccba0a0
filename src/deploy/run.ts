// One deploy, start to end: package → read (GetFunction) → plan → [confirm] → [CreateService] →
// CreateFunction or UpdateFunction with If-Match, or nothing when nothing changed. The world comes
// in through `deps` (client, packager, clock) so the wizard, the CLI and the tests share this code.
//
// What it throws and what it returns, on purpose:
// - throws UsageError for input the user must fix (invalid field, missing folder, runtime closed
//   for new functions): found before any write, nothing was changed;
// - throws CancelledError when the signal aborts or the confirmation is declined;
// - returns status 'failed' (with `error`) when the service said no or did not answer, or when
//   it took the write but reports another codeChecksum than the package's: the result still
//   carries the request ids, timings and diff (and the function as answered), and the profile
//   records it.
import { CancelledError, isUsageError } from '../core/errors.js';
import { FcApiError } from '../fc/errors.js';
import type { LastDeploy } from '../profiles/schema.js';
import { DeployLog } from './log.js';
import {
  ChangedSinceReadError,
  confirmPhase,
  createServicePhase,
  describeWrites,
  packagePhase,
  planAgainst,
  planPhase,
  readPhase,
  throwIfCancelled,
  validatePhase,
  writePhase,
  type Packaged,
  type PhaseContext,
  type ReadState,
  type Written,
} from './phases.js';
import type { DeployPlan } from './plan.js';
import type { DeployClock, DeployDeps, DeployError, DeployInput, DeployResult } from './types.js';

export type {
  BuiltPackage,
  DeployClient,
  DeployClock,
  DeployDeps,
  DeployError,
  DeployInput,
  DeployPackager,
  DeployPhase,
  DeployRecordTarget,
  DeployResult,
  PackageCacheUse,
  PackageFacts,
  PhaseDetail,
} from './types.js';

const systemClock: DeployClock = { now: () => performance.now(), date: () => new Date() };

/** The outcome as a profile's lastDeploy: no request body, header or secret, just the facts. */
export function lastDeployOf(result: DeployResult, time: Date): LastDeploy {
  const last: LastDeploy = { time: time.toISOString(), status: result.status };
  if (result.function?.functionId) last.functionId = result.function.functionId;
  if (result.function?.codeChecksum) last.codeChecksum = result.function.codeChecksum;
  if (result.etag) last.etag = result.etag;
  if (result.error) last.error = result.error.message;
  if (result.requestIds.length > 0) last.requestIds = [...result.requestIds];
  return last;
}

function errorOf(error: unknown): DeployError {
  const e = error as { message?: string; hint?: string; exitCode?: number };
  const out: DeployError = {
    message: e?.message ?? String(error),
    exitCode: typeof e?.exitCode === 'number' ? e.exitCode : 1,
  };
  if (e?.hint) out.hint = e.hint;
  if (error instanceof FcApiError) {
    out.code = error.code;
    out.status = error.status;
    if (error.field) out.field = error.field;
    if (error.requestId) out.requestId = error.requestId;
  }
  return out;
}

/**
 * The service's codeChecksum after a write differs from the CRC-64 of the package. The message
 * names both values and avoids the bare word for the code step: nothing in the inputs is wrong.
 */
function checksumMismatch(local: string, remote: string, requestId: string): DeployError {
  return {
    message:
      `the service reports codeChecksum ${remote}, but the package sent has CRC-64 ${local}: ` +
      'the function does not hold the package that was sent',
    hint:
      'Deploy again to send the package once more. If the two differ again, something between fcw and the ' +
      'service changes the upload (a proxy?): check it before relying on this function.',
    code: 'CodeChecksumMismatch',
    ...(requestId ? { requestId } : {}),
    exitCode: 1,
  };
}

/** How the deploy ended: the fields of the result that the log and the plan do not give. */
type Outcome = Pick<
  DeployResult,
  'status' | 'function' | 'etag' | 'error' | 'dryRun' | 'requests' | 'changedByOthers'
> & {
  checksum?: DeployResult['checksum'];
  diff?: DeployResult['diff'];
};

/** Deploys `input.spec`. See the file comment for what throws and what returns 'failed'. */
export async function deploy(input: DeployInput, deps: DeployDeps): Promise<DeployResult> {
  const clock = deps.clock ?? systemClock;
  const log = new DeployLog(clock, input.onPhase, input.onWarning);
  const started = clock.now();
  const ctx: PhaseContext = { spec: input.spec, client: deps.client, signal: input.signal, log };
  // Validate: before anything touches the disk or the network.
  validatePhase(input, log);
  let packaged: Packaged = {};
  let plan: DeployPlan | undefined;
  const finish = (outcome: Outcome) => finishDeploy(input, log, started, buildResult(log, packaged, plan, outcome));
  try {
    throwIfCancelled(input.signal);
    packaged = await packagePhase(input, deps.packager, log);
    throwIfCancelled(input.signal);
    let read = await readPhase(ctx);
    if (!read.info && read.serviceMissing && !input.spec.service.create) throw serviceNotFound(input, read);
    plan = planPhase(ctx, read, packaged);
    if (input.dryRun)
      return dryRunResult(log, started, buildResult(log, packaged, plan, dryRunOutcome(ctx, plan, read, packaged)));
    if (plan.action === 'unchanged') return finish(unchangedOutcome(plan, read));
    await confirmPhase(input, plan, read, log);
    throwIfCancelled(input.signal);
    await input.beforeWrite?.();
    if (read.serviceMissing) await createServicePhase(ctx);
    let written: Written = await writePhase(ctx, plan, read, packaged);
    if (written.kind === 'appeared') {
      // Created by someone else between our read and our create: read it, and update it instead.
      log.warn(
        `Function "${input.spec.function.functionName}" appeared between the read and the create; updating it instead.`,
      );
      read = await readPhase(ctx, 'reread');
      if (!read.info) throw written.refusal;
      plan = planAgainst(input.spec, read.info, packaged);
      if (plan.action === 'unchanged') return finish(unchangedOutcome(plan, read));
      written = await writePhase(ctx, plan, read, packaged);
    }
    if (written.kind === 'appeared') throw written.refusal;
    return finish(writtenOutcome(written, packaged.localChecksum));
  } catch (error) {
    if (isUsageError(error)) throw error;
    if (error instanceof CancelledError || input.signal?.aborted) throw cancelled(error, log, input.signal);
    return finish(failedOutcome(error, log));
  }
}

function serviceNotFound(input: DeployInput, read: ReadState): FcApiError {
  const service = input.spec.service.name;
  return new FcApiError(
    'GetFunction',
    404,
    'ServiceNotFound',
    `service "${service}" does not exist`,
    read.requestId ?? '',
  );
}

/** A cancel after a write was sent must not read as "nothing happened": the service may have it. */
function cancelled(error: unknown, log: DeployLog, signal: AbortSignal | undefined): CancelledError {
  // The client marks a cancel before the request's first byte (during its Content-MD5 pass).
  if (log.writing && signal?.aborted && (error as { nothingSent?: unknown }).nothingSent !== true) {
    return new CancelledError(
      `Deploy cancelled during ${log.writing}: the request was already sent, so the service may have applied it.`,
      'Run the same command with --dry-run to see what is deployed now; ' +
        'running it again changes only what still differs.',
    );
  }
  return error instanceof CancelledError ? error : new CancelledError('Deploy cancelled.');
}

/** Nothing to write: the function as read already is what the spec asks for. */
function unchangedOutcome(plan: DeployPlan, read: ReadState): Outcome {
  return { status: 'unchanged', function: read.info, etag: read.etag, checksum: plan.checksum };
}

function dryRunOutcome(ctx: PhaseContext, plan: DeployPlan, read: ReadState, packaged: Packaged): Outcome {
  return { ...unchangedOutcome(plan, read), dryRun: true, requests: describeWrites(ctx, plan, read, packaged) };
}

function writtenOutcome(written: Extract<Written, { kind: 'written' }>, local: string | undefined): Outcome {
  const { answer } = written;
  const remote = answer.data.codeChecksum;
  const checksum = { local, remote, match: local !== undefined && local === remote };
  const outcome: Outcome = { status: written.status, function: answer.data, etag: answer.etag, checksum };
  if (local !== undefined && remote !== undefined && !checksum.match) {
    // The write was accepted but the function does not hold the package we built: whatever it
    // runs now is not what was asked for, so this is a failed deploy, not a success with a note.
    outcome.status = 'failed';
    outcome.error = checksumMismatch(local, remote, answer.requestId);
  }
  return outcome;
}

function failedOutcome(error: unknown, log: DeployLog): Outcome {
  if (error instanceof FcApiError && error.requestId && !log.requestIds.includes(error.requestId)) {
    log.request(error.requestId);
  }
  const outcome: Outcome = { status: 'failed', error: errorOf(error) };
  if (error instanceof ChangedSinceReadError) {
    outcome.changedByOthers = error.changedByOthers;
    if (error.now) outcome.function = error.now;
    if (error.diffNow) outcome.diff = error.diffNow;
  }
  return outcome;
}

/** The one place the result is put together: the log, the package, the plan and the outcome. */
function buildResult(log: DeployLog, packaged: Packaged, plan: DeployPlan | undefined, outcome: Outcome): DeployResult {
  const { checksum, diff, ...rest } = outcome;
  const result: DeployResult = {
    status: outcome.status,
    checksum: checksum ?? { ...(packaged.code ? { local: packaged.localChecksum } : {}), match: false },
    requestIds: log.requestIds,
    timings: log.timings,
    diff: diff ?? plan?.diff ?? [],
    warnings: log.warnings,
  };
  if (packaged.facts) result.package = packaged.facts;
  if (plan) Object.assign(result, { action: plan.action, codeSent: plan.sendCode, codeReason: plan.codeReason });
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) Object.assign(result, { [key]: value });
  return result;
}

function dryRunResult(log: DeployLog, started: number, result: DeployResult): DeployResult {
  result.timings.total = Math.round(log.clock.now() - started);
  log.phase('done', { state: 'done', message: 'dry run: nothing was written' });
  return result;
}

/** Times the whole deploy (less the wait for a person) and records it in the profile. */
function finishDeploy(input: DeployInput, log: DeployLog, started: number, result: DeployResult): DeployResult {
  result.timings.total = Math.round(log.clock.now() - started - log.waitedMs);
  if (input.record) {
    try {
      input.record.store.recordDeploy(input.record.name, lastDeployOf(result, log.clock.date()));
    } catch (error) {
      log.warn(`Could not record the deploy in profile "${input.record.name}": ${(error as Error).message}`);
    }
  }
  log.phase('done', { state: 'done', message: result.status });
  return result;
}
