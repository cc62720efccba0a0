// The phases of one deploy, each a function that takes what the phases before it returned and
// returns its own value: package → read → plan → confirm → write. They note request ids, timings
// and warnings in the DeployLog; none of them builds or touches the result (run.ts does, once).
import { CancelledError, InvalidFieldsError } from '../core/errors.js';
import type { ApiResult, CodeUpload, RequestDescription } from '../fc/client.js';
import { FcApiError } from '../fc/errors.js';
import type { CreateServiceRequest, FunctionInfo } from '../fc/types.js';
import { formatIssues, validateCodeSize, validateUpdateFunction } from '../fc/validate.js';
import type { DeployLog } from './log.js';
import {
  changedSince,
  checkCreatable,
  fieldIssues,
  formatDiff,
  planDeploy,
  updateOnlyRuntimeWarning,
  validateSpec,
  type DeployPlan,
  type DeploySpec,
  type FieldChange,
} from './plan.js';
import type { BuiltPackage, DeployClient, DeployInput, DeployPackager, PackageFacts } from './types.js';

/** What every phase that talks to the service needs. */
export interface PhaseContext {
  spec: DeploySpec;
  client: DeployClient;
  signal: AbortSignal | undefined;
  log: DeployLog;
}

/** The code to send (absent for a container image) and, for a zip, the package it came from. */
export interface Packaged {
  code?: CodeUpload;
  facts?: PackageFacts;
  /** The CRC-64 of the zip we send; FC's codeChecksum of a function holding it is the same value. */
  localChecksum?: string;
  /** "Large, the upload will be slow": said only once the plan shows the code is sent. */
  sizeWarning?: string;
}

/** What the read found. */
export interface ReadState {
  info?: FunctionInfo;
  etag?: string;
  serviceMissing: boolean;
  requestId?: string;
}

/**
 * The update was refused with 412 because the function changed since our read: nothing was
 * overwritten. Carries what moved, so the result can show it.
 */
export class ChangedSinceReadError extends FcApiError {
  override readonly hint = 'Look at the change, then run the deploy again to apply yours on top of it.';
  constructor(
    refused: FcApiError,
    message: string,
    /** The fields someone else changed between our read and our write. */
    readonly changedByOthers: FieldChange[],
    /** The function as read after the refusal (absent when that read failed too). */
    readonly now: FunctionInfo | undefined,
    /** What this deploy would change now, against `now`. */
    readonly diffNow: FieldChange[] | undefined,
  ) {
    super(refused.action, refused.status, 'ChangedSinceRead', message, refused.requestId);
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Deploy cancelled.');
}

/** The spec's own problems that are not fatal (the fatal ones throw in buildSpec or planPhase). */
export function validatePhase(input: DeployInput, log: DeployLog): void {
  log.phase('validate', { state: 'start' });
  log.warn(...validateSpec(input.spec, input.source).map((i) => i.message));
  log.phase('validate', { state: 'done' });
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

/** Builds (or loads, or takes the prebuilt) zip; OSS and image code need no packaging. */
export async function packagePhase(input: DeployInput, packager: DeployPackager, log: DeployLog): Promise<Packaged> {
  const { spec, signal } = input;
  const source = spec.code;
  if (source.kind !== 'folder' && source.kind !== 'zip') {
    const message = source.kind === 'oss' ? 'code is in OSS' : 'code is the container image';
    log.phase('package', { state: 'skipped', message });
    return source.kind === 'oss' ? { code: { kind: 'oss', bucket: source.bucket, object: source.object } } : {};
  }
  const build = async (): Promise<BuiltPackage> => {
    if (input.prebuilt) return input.prebuilt;
    if (source.kind === 'zip') return packager.loadZipPackage(source.path);
    const onProgress = (progress: unknown) => log.phase('package', { state: 'start', progress });
    return packager.buildPackage({ root: source.path, runtime: spec.function.runtime, signal, onProgress });
  };
  const pkg = await log.timed('package', build, (p) => ({ package: packageFacts(p) }));
  const size = validateCodeSize(pkg.zipBytes, 'inline');
  if (size?.severity === 'error') {
    throw new InvalidFieldsError(
      `The code package is too large to send inline:\n${formatIssues([size])}`,
      [{ field: 'code', message: size.message }],
      'Upload the zip to OSS and deploy it from there.',
    );
  }
  await checkHandlers(spec, pkg, packager, log);
  const packaged: Packaged = { code: zipCode(pkg), facts: packageFacts(pkg), localChecksum: pkg.checksum };
  if (size) packaged.sizeWarning = size.message;
  return packaged;
}

/**
 * A handler the package does not hold fails at the first invocation, not at deploy: say so now,
 * but do not refuse (it may come from a layer).
 */
async function checkHandlers(spec: DeploySpec, pkg: BuiltPackage, packager: DeployPackager, log: DeployLog) {
  if (!packager.checkHandler) return;
  const { runtime, handler, initializer } = spec.function;
  const checks = [packager.checkHandler(pkg, runtime, handler, 'handler')];
  if (initializer) checks.push(packager.checkHandler(pkg, runtime, initializer, 'initializer'));
  for (const check of await Promise.all(checks)) if (check.status !== 'ok') log.warn(check.message);
}

function isNotFound(error: unknown): error is FcApiError {
  return error instanceof FcApiError && error.status === 404;
}

/** GetFunction; a 404 tells whether the function or the whole service is missing. */
export function readPhase(ctx: PhaseContext, phaseName: 'read' | 'reread' = 'read'): Promise<ReadState> {
  const { client, spec, signal, log } = ctx;
  const service = spec.service.name;
  const read = async (): Promise<ReadState> => {
    try {
      const r = await client.getFunction(service, spec.function.functionName, { signal });
      log.request(r.requestId);
      return { info: r.data, etag: r.etag, serviceMissing: false, requestId: r.requestId };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      log.request(error.requestId);
      if (error.code === 'ServiceNotFound') return { serviceMissing: true, requestId: error.requestId };
      if (error.code === 'FunctionNotFound') return { serviceMissing: false, requestId: error.requestId };
      // Another 404 code (a compatible endpoint may word it differently): ask about the service.
      return { serviceMissing: await serviceIsMissing(ctx), requestId: error.requestId };
    }
  };
  return log.timed(phaseName, read, (r) => ({ requestId: r.requestId, message: readMessage(r) }));
}

async function serviceIsMissing({ client, spec, signal, log }: PhaseContext): Promise<boolean> {
  try {
    log.request((await client.getService(spec.service.name, { signal })).requestId);
    return false;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return true;
  }
}

function readMessage(r: ReadState): string {
  if (r.info) return `found (etag ${r.etag ?? 'none'})`;
  return r.serviceMissing ? 'service not found' : 'function not found';
}

/** The plan against the function as read, checked: throws UsageError for a write FC would refuse. */
export function planPhase(ctx: PhaseContext, read: ReadState, packaged: Packaged): DeployPlan {
  const { spec, log } = ctx;
  const plan = planAgainst(spec, read.info, packaged);
  if (!read.info) checkCreatable(spec);
  else {
    const runtimeNote = updateOnlyRuntimeWarning(spec);
    if (runtimeNote) log.warn(runtimeNote.message);
  }
  log.phase('plan', { state: 'done', plan });
  if (packaged.sizeWarning && plan.sendCode) log.warn(packaged.sizeWarning);
  return plan;
}

/** planDeploy, plus the update request checked against the deployed runtime. */
export function planAgainst(spec: DeploySpec, info: FunctionInfo | undefined, packaged: Packaged): DeployPlan {
  const plan = planDeploy(spec, info, packaged.localChecksum);
  if (info) checkUpdate(spec, info, plan, packaged.code);
  return plan;
}

/** The update request checked against the deployed runtime (moving runtimes, container rules). */
function checkUpdate(spec: DeploySpec, info: FunctionInfo, plan: DeployPlan, code: CodeUpload | undefined): void {
  if (plan.action !== 'update') return;
  const request: Record<string, unknown> = { ...plan.config };
  // Only the code's kind matters to the rules: an empty zip stands for any zip.
  if (plan.sendCode && code) {
    request.code =
      code.kind === 'zip'
        ? { zipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' }
        : { ossBucketName: code.bucket, ossObjectName: code.object };
  }
  const { instanceType } = info;
  const errors = validateUpdateFunction(info.runtime, request, { instanceType }).filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new InvalidFieldsError(
      `Cannot update function "${spec.function.functionName}" as asked:\n${formatIssues(errors)}`,
      fieldIssues(errors),
      'Nothing was sent. Fix the value and run the deploy again.',
    );
  }
}

/** Asks the caller's question; a "no" cancels before anything is written. */
export async function confirmPhase(input: DeployInput, plan: DeployPlan, read: ReadState, log: DeployLog) {
  if (!input.confirm) return;
  log.phase('confirm', { state: 'start', plan });
  const askedAt = log.clock.now();
  const yes = await input.confirm(plan, read.info);
  log.waitedMs += log.clock.now() - askedAt;
  log.phase('confirm', { state: 'done' });
  if (!yes) throw new CancelledError('Deploy cancelled: nothing was sent.');
}

export function createServiceRequest(spec: DeploySpec): CreateServiceRequest {
  const { name, description } = spec.service;
  return { serviceName: name, ...(description ? { description } : {}) };
}

export async function createServicePhase({ client, spec, signal, log }: PhaseContext): Promise<void> {
  log.writing = 'CreateService';
  await log.timed('create-service', async () => {
    try {
      log.request((await client.createService(createServiceRequest(spec), { signal })).requestId);
    } catch (error) {
      // Someone made it meanwhile: that is what we wanted.
      if (error instanceof FcApiError && error.code === 'ServiceAlreadyExists') return;
      throw error;
    }
  });
}

/** The write: the function as answered, or the 409 of a function that appeared since the read. */
export type Written =
  | { kind: 'written'; status: 'created' | 'updated'; answer: ApiResult<FunctionInfo> }
  | { kind: 'appeared'; refusal: FcApiError };

export async function writePhase(ctx: PhaseContext, plan: DeployPlan, read: ReadState, packaged: Packaged) {
  if (plan.action !== 'create') {
    return { kind: 'written', status: 'updated', answer: await updatePhase(ctx, plan, read, packaged) } as Written;
  }
  const { client, spec, signal, log } = ctx;
  log.writing = 'CreateFunction';
  const code = plan.sendCode ? packaged.code : undefined;
  try {
    const create = () => client.createFunction(spec.service.name, spec.function, code, { signal });
    const answer = await log.timed('create', create, (r) => ({ requestId: r.requestId }));
    log.request(answer.requestId);
    return { kind: 'written', status: 'created', answer } as Written;
  } catch (error) {
    if (!(error instanceof FcApiError && error.status === 409 && error.code === 'FunctionAlreadyExists')) throw error;
    log.writing = undefined; // refused: our create did not happen
    log.request(error.requestId);
    return { kind: 'appeared', refusal: error } as Written;
  }
}

/** UpdateFunction with If-Match: a 412 means someone changed the function since our read. */
export async function updatePhase(
  ctx: PhaseContext,
  plan: DeployPlan,
  read: ReadState,
  packaged: Packaged,
): Promise<ApiResult<FunctionInfo>> {
  const { client, spec, signal, log } = ctx;
  log.writing = 'UpdateFunction';
  if (!read.etag) {
    log.warn('The endpoint gave no etag for the function: this update cannot detect a change made since the read.');
  }
  const code = plan.sendCode ? packaged.code : undefined;
  const { name: service } = spec.service;
  const { functionName } = spec.function;
  try {
    const update = () =>
      client.updateFunction(service, functionName, plan.config, code, { signal, ifMatch: read.etag });
    const answer = await log.timed('update', update, (r) => ({ requestId: r.requestId }));
    log.request(answer.requestId);
    return answer;
  } catch (error) {
    if (!(error instanceof FcApiError && error.status === 412)) throw error;
    log.request(error.requestId);
    throw await changedSinceRead(ctx, error, plan, read, packaged);
  }
}

/** Never overwrite a change we did not see: read again to show what moved, and stop. */
async function changedSinceRead(
  ctx: PhaseContext,
  refused: FcApiError,
  plan: DeployPlan,
  read: ReadState,
  packaged: Packaged,
) {
  let now: FunctionInfo | undefined;
  try {
    now = (await readPhase(ctx, 'reread')).info;
  } catch {
    now = undefined;
  }
  const others = read.info && now ? changedSince(read.info, now) : [];
  const diffNow = now ? planDeploy(ctx.spec, now, packaged.localChecksum).diff : undefined;
  const lines = [
    `Function "${ctx.spec.function.functionName}" was changed by someone else since you read it ` +
      `(If-Match ${read.etag} no longer matches): nothing was overwritten.`,
    others.length > 0 ? `What changed meanwhile:\n${formatDiff(others)}` : '',
    // Without a fresh read, the diff is the one planned against the first read.
    `What this deploy would change now:\n${formatDiff(diffNow ?? plan.diff)}`,
  ].filter(Boolean);
  return new ChangedSinceReadError(refused, lines.join('\n'), others, now, diffNow);
}

/** --dry-run: the writes that would be sent, described (signed headers and secrets left out). */
export function describeWrites(ctx: PhaseContext, plan: DeployPlan, read: ReadState, packaged: Packaged) {
  const { client, spec } = ctx;
  const requests: RequestDescription[] = [];
  if (plan.action === 'unchanged') return requests;
  const service = spec.service.name;
  const code = plan.sendCode ? packaged.code : undefined;
  if (read.serviceMissing) {
    requests.push(client.describeRequest({ action: 'CreateService', request: createServiceRequest(spec) }));
  }
  if (plan.action === 'create') {
    requests.push(client.describeRequest({ action: 'CreateFunction', service, config: spec.function, code }));
  } else {
    const { functionName } = spec.function;
    const ifMatch = read.etag;
    requests.push(
      client.describeRequest({ action: 'UpdateFunction', service, functionName, config: plan.config, code, ifMatch }),
    );
  }
  return requests;
}
