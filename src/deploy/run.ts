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
import { CancelledError, isUsageError, UsageError } from '../core/errors.js';
import type { ZipBytes } from '../core/zip-on-disk.js';
import type { ApiResult, CodeUpload, PlannedCall, RequestDescription } from '../fc/client.js';
import { FcApiError } from '../fc/errors.js';
import type { CreateServiceRequest, FunctionConfig, FunctionInfo, ServiceInfo } from '../fc/types.js';
import { formatIssues, validateCodeSize, validateUpdateFunction } from '../fc/validate.js';
import type { LastDeploy } from '../profiles/schema.js';
import { changedSince, checkCreatable, formatDiff, updateOnlyRuntimeWarning, planDeploy, validateSpec, type ChecksumComparison, type DeployPlan, type DeploySpec, type FieldChange } from './plan.js';

type CallOptions = { signal?: AbortSignal };

/** The calls a deploy makes: FcClient satisfies it; tests may wrap it. */
export interface DeployClient {
  getFunction(service: string, functionName: string, options?: CallOptions): Promise<ApiResult<FunctionInfo>>;
  createService(request: CreateServiceRequest, options?: CallOptions): Promise<ApiResult<ServiceInfo>>;
  getService(service: string, options?: CallOptions): Promise<ApiResult<ServiceInfo>>;
  createFunction(service: string, config: FunctionConfig, code: CodeUpload | undefined, options?: CallOptions): Promise<ApiResult<FunctionInfo>>;
  updateFunction(
    service: string,
    functionName: string,
    config: Partial<FunctionConfig>,
    code: CodeUpload | undefined,
    options?: CallOptions & { ifMatch?: string },
  ): Promise<ApiResult<FunctionInfo>>;
  describeRequest(call: PlannedCall): RequestDescription;
}

/** What the packager gives back that a deploy needs (a subset of PackageResult). */
export interface BuiltPackage {
  /** In memory, or in a file the request body is streamed from. */
  zip: ZipBytes;
  checksum: string;
  files: number;
  bytes: number;
  zipBytes: number;
  cache?: PackageCacheUse;
}

/** How the package cache served the build (when the packager has one). */
export interface PackageCacheUse {
  used: boolean;
  unchanged: boolean;
  reused: number;
}

export interface PackageFacts {
  files: number;
  bytes: number;
  zipBytes: number;
  checksum: string;
  cache?: PackageCacheUse;
}

/**
 * The code to send, reading the package's zip only when the request is built: a tree unchanged
 * since the cached build holds its zip lazily, and a redeploy that sends no code never loads it.
 */
function zipCode(pkg: BuiltPackage): CodeUpload {
  return {
    kind: 'zip',
    checksum: pkg.checksum,
    get zip() {
      return pkg.zip;
    },
  };
}

function packageFacts(p: BuiltPackage): PackageFacts {
  const facts: PackageFacts = { files: p.files, bytes: p.bytes, zipBytes: p.zipBytes, checksum: p.checksum };
  if (p.cache) facts.cache = p.cache;
  return facts;
}

export interface DeployPackager {
  buildPackage(options: { root: string; runtime?: string; signal?: AbortSignal; onProgress?: (p: unknown) => void }): Promise<BuiltPackage>;
  loadZipPackage(file: string): Promise<BuiltPackage>;
  /** Checks the handler (and initializer) against the package; problems become warnings, not failures. */
  checkHandler?(pkg: BuiltPackage, runtime: string, handler: string, field?: 'handler' | 'initializer'): Promise<{ status: 'ok' | 'warning' | 'error'; message: string }>;
}

export interface DeployClock {
  /** Milliseconds, monotonic enough for timings. */
  now(): number;
  date(): Date;
}

export interface DeployDeps {
  client: DeployClient;
  packager: DeployPackager;
  clock?: DeployClock;
}

export type DeployPhase = 'validate' | 'package' | 'read' | 'plan' | 'confirm' | 'create-service' | 'create' | 'update' | 'reread' | 'done';

export interface PhaseDetail {
  state: 'start' | 'done' | 'skipped';
  ms?: number;
  requestId?: string;
  message?: string;
  /** After `package`. */
  package?: PackageFacts;
  /** After `plan`. */
  plan?: DeployPlan;
  /** Packaging progress, as the packager reports it. */
  progress?: unknown;
}

export interface DeployRecordTarget {
  /** Anything with recordDeploy: the ProfileStore. */
  store: { recordDeploy(name: string, lastDeploy: LastDeploy): boolean };
  name: string;
}

export interface DeployInput {
  spec: DeploySpec;
  /** Where the spec came from, for error messages: 'the flags', 'profile "web"'. */
  source?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onPhase?: (phase: DeployPhase, detail: PhaseDetail) => void;
  /** Asked before the first write, with the plan; false cancels (nothing written). Absent: go ahead. */
  confirm?: (plan: DeployPlan, deployed: FunctionInfo | undefined) => Promise<boolean>;
  /** Where to record the outcome (also a failure). Not for a dry run. */
  record?: DeployRecordTarget;
  /**
   * A package already built from `spec.code` (the wizard builds it for its review screen): used
   * as is instead of packaging again. Ignored for OSS and image code.
   */
  prebuilt?: BuiltPackage;
  /** Runs after the read and the confirmation, right before the first write (tests use it to race). */
  beforeWrite?: () => Promise<void>;
  /**
   * Each warning as it arises (also kept in result.warnings): the package size and handler
   * warnings come before the confirmation and before any write, so a person sees them in time.
   */
  onWarning?: (message: string) => void;
}

export interface DeployError {
  message: string;
  hint?: string;
  /** FC's ErrorCode, or 'ChangedSinceRead' for the If-Match conflict. */
  code?: string;
  status?: number;
  requestId?: string;
  exitCode: number;
}

export interface DeployResult {
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  /** The function as the service answered (after the write, or as read when unchanged). */
  function?: FunctionInfo;
  checksum: ChecksumComparison;
  requestIds: string[];
  /** Milliseconds per phase, and `total`. */
  timings: Record<string, number>;
  diff: FieldChange[];
  error?: DeployError;
  /** What was planned (absent when the read failed). */
  action?: DeployPlan['action'];
  codeSent?: boolean;
  codeReason?: string;
  etag?: string;
  warnings: string[];
  package?: PackageFacts;
  /** --dry-run: nothing was written; these are the writes that would have been sent. */
  dryRun?: boolean;
  requests?: RequestDescription[];
  /** For the 412 path: what someone else changed between our read and our write. */
  changedByOthers?: FieldChange[];
}

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

function isNotFound(error: unknown): error is FcApiError {
  return error instanceof FcApiError && error.status === 404;
}

function errorOf(error: unknown): DeployError {
  const e = error as { message?: string; hint?: string; exitCode?: number };
  const out: DeployError = { message: e?.message ?? String(error), exitCode: typeof e?.exitCode === 'number' ? e.exitCode : 1 };
  if (e?.hint) out.hint = e.hint;
  if (error instanceof FcApiError) {
    out.code = error.code;
    out.status = error.status;
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

/** Deploys `input.spec`. See the file comment for what throws and what returns 'failed'. */
export async function deploy(input: DeployInput, deps: DeployDeps): Promise<DeployResult> {
  const clock = deps.clock ?? systemClock;
  const { spec, signal } = input;
  const client = deps.client;
  const phase = input.onPhase ?? (() => {});
  const started = clock.now();
  const result: DeployResult = { status: 'failed', checksum: { match: false }, requestIds: [], timings: {}, diff: [], warnings: [] };
  const service = spec.service.name;
  const functionName = spec.function.functionName;
  // Sent (or, for --dry-run, described) when the service is missing and the spec may create it.
  const createServiceRequest: CreateServiceRequest = { serviceName: service, ...(spec.service.description ? { description: spec.service.description } : {}) };
  const opts = { signal };
  const warn = (...messages: string[]) => {
    for (const message of messages) {
      result.warnings.push(message);
      input.onWarning?.(message);
    }
  };
  // Time spent waiting for the person at the y/N question: not part of the deploy's own time.
  let waitedMs = 0;

  const timed = async <T>(name: DeployPhase, work: () => Promise<T>, detail: (value: T) => Partial<PhaseDetail> = () => ({})): Promise<T> => {
    phase(name, { state: 'start' });
    const t0 = clock.now();
    const value = await work();
    const ms = Math.round(clock.now() - t0);
    result.timings[name] = (result.timings[name] ?? 0) + ms;
    phase(name, { state: 'done', ms, ...detail(value) });
    return value;
  };
  const noteRequest = (r: { requestId: string }) => {
    if (r.requestId) result.requestIds.push(r.requestId);
  };
  const cancelledCheck = () => {
    if (signal?.aborted) throw new CancelledError('Deploy cancelled.');
  };
  // The write in flight when a cancel came: aborting our side does not take back a request the
  // service already has, so a cancel from here on must not read as "nothing happened".
  let writing: string | undefined;

  // 1. Validate: before anything touches the disk or the network.
  phase('validate', { state: 'start' });
  warn(...validateSpec(spec, input.source).map((i) => i.message));
  phase('validate', { state: 'done' });

  try {
    // 2. Package.
    cancelledCheck();
    let code: CodeUpload | undefined;
    let sizeWarning: string | undefined;
    if (spec.code.kind === 'folder' || spec.code.kind === 'zip') {
      const source = spec.code;
      const pkg = await timed(
        'package',
        async () =>
          input.prebuilt
            ? input.prebuilt
            : source.kind === 'folder'
            ? deps.packager.buildPackage({ root: source.path, runtime: spec.function.runtime, signal, onProgress: (progress) => phase('package', { state: 'start', progress }) })
            : deps.packager.loadZipPackage(source.path),
        (p) => ({ package: packageFacts(p) }),
      );
      result.package = packageFacts(pkg);
      const size = validateCodeSize(pkg.zipBytes, 'inline');
      if (size?.severity === 'error') throw new UsageError(`The code package is too large to send inline:\n${formatIssues([size])}`, 'Upload the zip to OSS and deploy with --oss-bucket and --oss-object.');
      // The "slow upload" warning matters only when the code is sent: said once the plan is known.
      if (size) sizeWarning = size.message;
      // A handler the package does not hold fails at the first invocation, not at deploy: say so now,
      // but do not refuse (it may come from a layer).
      if (deps.packager.checkHandler) {
        const checks = [deps.packager.checkHandler(pkg, spec.function.runtime, spec.function.handler, 'handler')];
        if (spec.function.initializer) checks.push(deps.packager.checkHandler(pkg, spec.function.runtime, spec.function.initializer, 'initializer'));
        for (const check of await Promise.all(checks)) if (check.status !== 'ok') warn(check.message);
      }
      code = zipCode(pkg);
    } else {
      phase('package', { state: 'skipped', message: spec.code.kind === 'oss' ? 'code is in OSS' : 'code is the container image' });
      if (spec.code.kind === 'oss') code = { kind: 'oss', bucket: spec.code.bucket, object: spec.code.object };
    }
    const localChecksum = code?.kind === 'zip' ? code.checksum : undefined;
    result.checksum = { local: localChecksum, match: false };

    // 3. Read what is deployed.
    cancelledCheck();
    let read = await readFunction(service, functionName);
    let serviceMissing = read.serviceMissing;
    if (!read.info && serviceMissing && !spec.service.create) {
      throw new FcApiError('GetFunction', 404, 'ServiceNotFound', `service "${service}" does not exist`, read.requestId ?? '');
    }

    // 4. Plan.
    let plan = planFor(read.info, localChecksum);
    if (!read.info) checkCreatable(spec);
    else {
      checkUpdate(read.info, plan, code);
      const runtimeNote = updateOnlyRuntimeWarning(spec);
      if (runtimeNote) warn(runtimeNote.message);
    }
    phase('plan', { state: 'done', plan });
    result.diff = plan.diff;
    if (sizeWarning && plan.sendCode) warn(sizeWarning);

    if (input.dryRun) return dryRunResult(plan, read, code, serviceMissing);

    if (plan.action === 'unchanged') return finishUnchanged(plan, read);

    // 5. Confirm.
    if (input.confirm) {
      phase('confirm', { state: 'start', plan });
      const askedAt = clock.now();
      const yes = await input.confirm(plan, read.info);
      waitedMs = clock.now() - askedAt;
      phase('confirm', { state: 'done' });
      if (!yes) throw new CancelledError('Deploy cancelled: nothing was sent.');
    }
    cancelledCheck();
    await input.beforeWrite?.();

    // 6. Write.
    if (serviceMissing) {
      writing = 'CreateService';
      await timed('create-service', async () => {
        try {
          const r = await client.createService(createServiceRequest, opts);
          noteRequest(r);
          return r;
        } catch (error) {
          // Someone made it meanwhile: that is what we wanted.
          if (error instanceof FcApiError && error.code === 'ServiceAlreadyExists') return undefined;
          throw error;
        }
      });
      serviceMissing = false;
    }

    let answer: ApiResult<FunctionInfo>;
    if (plan.action === 'create') {
      writing = 'CreateFunction';
      try {
        answer = await timed('create', () => client.createFunction(service, spec.function, plan.sendCode ? code : undefined, opts), (r) => ({ requestId: r.requestId }));
        noteRequest(answer);
        result.status = 'created';
      } catch (error) {
        if (!(error instanceof FcApiError && error.status === 409 && error.code === 'FunctionAlreadyExists')) throw error;
        writing = undefined; // refused: our create did not happen
        // Created by someone else between our read and our create: read it, and update it instead.
        if (error.requestId) result.requestIds.push(error.requestId);
        warn(`Function "${functionName}" appeared between the read and the create; updating it instead.`);
        read = await readFunction(service, functionName, 'reread');
        if (!read.info) throw error;
        plan = planFor(read.info, localChecksum);
        checkUpdate(read.info, plan, code);
        result.diff = plan.diff;
        if (plan.action === 'unchanged') return finishUnchanged(plan, read);
        writing = 'UpdateFunction';
        answer = await update(plan, read, code);
      }
    } else {
      writing = 'UpdateFunction';
      answer = await update(plan, read, code);
    }

    result.function = answer.data;
    result.etag = answer.etag;
    result.action = plan.action;
    const remote = answer.data.codeChecksum;
    result.checksum = { local: localChecksum, remote, match: localChecksum !== undefined && localChecksum === remote };
    if (localChecksum !== undefined && remote !== undefined && !result.checksum.match) {
      // The write was accepted but the function does not hold the package we built: whatever it
      // runs now is not what was asked for, so this is a failed deploy, not a success with a note.
      result.status = 'failed';
      result.error = checksumMismatch(localChecksum, remote, answer.requestId);
    }
    return finish();
  } catch (error) {
    if (isUsageError(error)) throw error;
    if (error instanceof CancelledError || signal?.aborted) {
      // The client marks a cancel before the request's first byte (during its Content-MD5 pass).
      if (writing && signal?.aborted && (error as { nothingSent?: unknown }).nothingSent !== true) {
        throw Object.assign(new CancelledError(`Deploy cancelled during ${writing}: the request was already sent, so the service may have applied it.`), {
          hint: 'Run the same command with --dry-run to see what is deployed now; running it again changes only what still differs.',
        });
      }
      throw error instanceof CancelledError ? error : new CancelledError('Deploy cancelled.');
    }
    result.status = 'failed';
    result.error = errorOf(error);
    if (error instanceof FcApiError && error.requestId && !result.requestIds.includes(error.requestId)) result.requestIds.push(error.requestId);
    return finish();
  }

  // ---- helpers over the closure ---------------------------------------------------------------

  async function readFunction(
    svc: string,
    fn: string,
    phaseName: 'read' | 'reread' = 'read',
  ): Promise<{ info?: FunctionInfo; etag?: string; serviceMissing: boolean; requestId?: string }> {
    return timed(phaseName, async () => {
      try {
        const r = await client.getFunction(svc, fn, opts);
        noteRequest(r);
        return { info: r.data, etag: r.etag, serviceMissing: false, requestId: r.requestId };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (error.requestId) result.requestIds.push(error.requestId);
        if (error.code === 'ServiceNotFound') return { serviceMissing: true, requestId: error.requestId };
        if (error.code === 'FunctionNotFound') return { serviceMissing: false, requestId: error.requestId };
        // Another 404 code (a compatible endpoint may word it differently): ask about the service.
        try {
          noteRequest(await client.getService(svc, opts));
          return { serviceMissing: false, requestId: error.requestId };
        } catch (serviceError) {
          if (!isNotFound(serviceError)) throw serviceError;
          return { serviceMissing: true, requestId: error.requestId };
        }
      }
    }, (r) => ({ requestId: r.requestId, message: r.info ? `found (etag ${r.etag ?? 'none'})` : r.serviceMissing ? 'service not found' : 'function not found' }));
  }

  function planFor(info: FunctionInfo | undefined, localChecksum: string | undefined): DeployPlan {
    const plan = planDeploy(spec, info, localChecksum);
    result.action = plan.action;
    result.codeSent = plan.sendCode;
    result.codeReason = plan.codeReason;
    return plan;
  }

  /** The update request checked against the deployed runtime (moving runtimes, container rules). */
  function checkUpdate(info: FunctionInfo, plan: DeployPlan, code: CodeUpload | undefined): void {
    if (plan.action !== 'update') return;
    const request: Record<string, unknown> = { ...plan.config };
    if (plan.sendCode && code) request.code = code.kind === 'zip' ? { zipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' } : { ossBucketName: code.bucket, ossObjectName: code.object };
    const errors = validateUpdateFunction(info.runtime, request, { instanceType: info.instanceType }).filter((i) => i.severity === 'error');
    if (errors.length > 0) {
      throw new UsageError(`Cannot update function "${functionName}" as asked:\n${formatIssues(errors)}`, 'Nothing was sent. Fix the value and run the deploy again.');
    }
  }

  async function update(plan: DeployPlan, read: { info?: FunctionInfo; etag?: string }, code: CodeUpload | undefined): Promise<ApiResult<FunctionInfo>> {
    if (!read.etag) {
      warn('The endpoint gave no etag for the function: this update cannot detect a change made since the read.');
    }
    try {
      const answer = await timed(
        'update',
        () => client.updateFunction(service, functionName, plan.config, plan.sendCode ? code : undefined, { signal, ifMatch: read.etag }),
        (r) => ({ requestId: r.requestId }),
      );
      noteRequest(answer);
      result.status = 'updated';
      return answer;
    } catch (error) {
      if (!(error instanceof FcApiError && error.status === 412)) throw error;
      if (error.requestId) result.requestIds.push(error.requestId);
      // Never overwrite a change we did not see: read again to show what moved, and stop.
      let now: FunctionInfo | undefined;
      try {
        now = (await readFunction(service, functionName, 'reread')).info;
      } catch {
        now = undefined;
      }
      const others = read.info && now ? changedSince(read.info, now) : [];
      result.changedByOthers = others;
      if (now) {
        result.function = now;
        result.diff = planDeploy(spec, now, code?.kind === 'zip' ? code.checksum : undefined).diff;
      }
      const lines = [
        `Function "${functionName}" was changed by someone else since you read it (If-Match ${read.etag} no longer matches): nothing was overwritten.`,
        others.length > 0 ? `What changed meanwhile:\n${formatDiff(others)}` : '',
        `What this deploy would change now:\n${formatDiff(result.diff)}`,
      ].filter(Boolean);
      throw Object.assign(new FcApiError(error.action, error.status, 'ChangedSinceRead', lines.join('\n'), error.requestId), {
        hint: 'Look at the change, then run the deploy again to apply yours on top of it.',
      });
    }
  }

  function dryRunResult(plan: DeployPlan, read: { info?: FunctionInfo; etag?: string }, code: CodeUpload | undefined, svcMissing: boolean): DeployResult {
    const requests: RequestDescription[] = [];
    if (plan.action !== 'unchanged') {
      if (svcMissing) requests.push(client.describeRequest({ action: 'CreateService', request: createServiceRequest }));
      if (plan.action === 'create') requests.push(client.describeRequest({ action: 'CreateFunction', service, config: spec.function, code: plan.sendCode ? code : undefined }));
      else requests.push(client.describeRequest({ action: 'UpdateFunction', service, functionName, config: plan.config, code: plan.sendCode ? code : undefined, ifMatch: read.etag }));
    }
    result.status = 'unchanged';
    result.dryRun = true;
    result.requests = requests;
    result.function = read.info;
    result.etag = read.etag;
    result.checksum = plan.checksum;
    result.timings.total = Math.round(clock.now() - started);
    phase('done', { state: 'done', message: 'dry run: nothing was written' });
    return result;
  }

  /** Nothing to write: the function as read already is what the spec asks for. */
  function finishUnchanged(plan: DeployPlan, read: { info?: FunctionInfo; etag?: string }): DeployResult {
    result.status = 'unchanged';
    result.function = read.info;
    result.etag = read.etag;
    result.checksum = plan.checksum;
    return finish();
  }

  function finish(): DeployResult {
    result.timings.total = Math.round(clock.now() - started - waitedMs);
    if (input.record) {
      try {
        input.record.store.recordDeploy(input.record.name, lastDeployOf(result, clock.date()));
      } catch (error) {
        warn(`Could not record the deploy in profile "${input.record.name}": ${(error as Error).message}`);
      }
    }
    phase('done', { state: 'done', message: result.status });
    return result;
  }
}
