// InvokeFunction as the sandbox answers it: the event read within FC's size caps, the function run
// by the executor (synchronously, or in the background for `X-Fc-Invocation-Type: Async`, answered
// 202), and FC's response headers: the request id, the code checksum that ran, the duration, the
// peak memory, the error type of a failed function, and the log tail when asked for.
import type { ApiContext, ApiRequest, ApiResult } from './api.js';
import { invalidArgument, SandboxError } from './errors.js';
import { publicFunction } from './records.js';
import { layerZipPathsOf } from './routes/layers.js';
import { ASYNC_EVENT_MAX_BYTES, LOG_TAIL_BYTES, SYNC_EVENT_MAX_BYTES } from './runtime/choices.js';
import { FunctionExecutor, type InvocationResult } from './runtime/executor.js';
import type { FunctionRecord } from './store.js';

const LATEST = 'LATEST';

/** `demo.prod` -> service `demo`, qualifier `prod` (service names cannot hold a dot); no dot: LATEST. */
export function splitQualifier(segment: string): { service: string; qualifier: string } {
  const dot = segment.indexOf('.');
  if (dot < 0) return { service: segment, qualifier: LATEST };
  return { service: segment.slice(0, dot), qualifier: segment.slice(dot + 1) || LATEST };
}

/** A qualifier the sandbox does not hold: a number names a version, anything else an alias. */
export function qualifierNotFound(service: string, qualifier: string): SandboxError {
  return /^\d+$/.test(qualifier)
    ? new SandboxError(404, 'VersionNotFound', `version '${qualifier}' of service '${service}' does not exist`)
    : new SandboxError(404, 'AliasNotFound', `alias '${qualifier}' of service '${service}' does not exist`);
}

/** The last `bytes` of a log, starting on a whole UTF-8 character. */
export function logTail(log: Buffer, bytes = LOG_TAIL_BYTES): Buffer {
  if (log.length <= bytes) return log;
  let start = log.length - bytes;
  while (start < log.length && ((log[start] ?? 0) & 0xc0) === 0x80) start++;
  return log.subarray(start);
}

export function invocationHeaders(result: InvocationResult, withTail: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': result.errorType ? 'application/json' : 'application/octet-stream',
    'X-Fc-Invocation-Duration': String(result.durationMs),
  };
  if (result.codeChecksum) headers['X-Fc-Code-Checksum'] = result.codeChecksum;
  if (result.maxMemoryMB !== undefined) headers['X-Fc-Max-Memory-Usage'] = result.maxMemoryMB.toFixed(2);
  if (result.errorType) headers['X-Fc-Error-Type'] = result.errorType;
  if (withTail) headers['X-Fc-Log-Result'] = logTail(result.log).toString('base64');
  return headers;
}

function headerValue(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function oneOf(req: ApiRequest, name: string, allowed: readonly string[], fallback: string): string {
  const given = headerValue(req, name);
  if (given === undefined || given === '') return fallback;
  const match = allowed.find((value) => value.toLowerCase() === given.toLowerCase());
  if (!match) throw invalidArgument(`${name} must be ${allowed.join(' or ')}, not '${given}'`);
  return match;
}

function describeFailure(result: InvocationResult): string {
  try {
    const body = JSON.parse(result.body.toString('utf8')) as { errorMessage?: unknown };
    if (typeof body.errorMessage === 'string') return body.errorMessage;
  } catch {
    // not JSON: shown as text below
  }
  return result.body.toString('utf8').slice(0, 200);
}

export interface InvocationTarget {
  service: string;
  qualifier: string;
  versionId?: string;
  record: FunctionRecord;
  /** The stored zip; undefined for a function without one (custom-container). */
  codeZipPath: string | undefined;
}

export async function runInvocation(ctx: ApiContext, req: ApiRequest, target: InvocationTarget): Promise<ApiResult> {
  const { record } = target;
  FunctionExecutor.check(record.runtime);
  const executor = ctx.executor;
  if (!executor || !target.codeZipPath) {
    throw new SandboxError(
      501,
      'NotImplemented',
      `this sandbox does not run functions, so '${target.service}/${record.functionName}' cannot be invoked here`,
    );
  }
  const type = oneOf(req, 'x-fc-invocation-type', ['Sync', 'Async'], 'Sync');
  const withTail = oneOf(req, 'x-fc-log-type', ['None', 'Tail'], 'None') === 'Tail';
  const event = await req.readBytes(type === 'Async' ? ASYNC_EVENT_MAX_BYTES : SYNC_EVENT_MAX_BYTES);
  const layerZipPaths = await layerZipPathsOf(ctx, record.layers);
  const run = () =>
    executor.invoke(
      {
        serviceName: target.service,
        qualifier: target.qualifier,
        versionId: target.versionId,
        config: publicFunction(record),
        revision: record.etag,
        codeZipPath: target.codeZipPath!,
        layerZipPaths,
      },
      event,
      { requestId: req.requestId },
    );
  const name = `${target.service}/${record.functionName}`;
  if (type === 'Async') {
    // Accepted now, run in the background; the outcome goes to the server's log.
    run().then(
      (result) =>
        ctx.log?.(
          result.errorType
            ? `async invocation ${req.requestId} of ${name} failed (${result.errorType}): ${describeFailure(result)}`
            : `async invocation ${req.requestId} of ${name} succeeded in ${result.durationMs}ms`,
        ),
      (error: unknown) =>
        ctx.log?.(`async invocation ${req.requestId} of ${name} could not run: ${(error as Error).message}`),
    );
    return { status: 202, raw: Buffer.alloc(0), headers: {} };
  }
  req.holdOpen();
  const result = await run();
  return { status: 200, raw: result.body, headers: invocationHeaders(result, withTail) };
}
