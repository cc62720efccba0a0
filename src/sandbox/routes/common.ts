// What every route module shares: the parsed request the router hands over, the result it returns,
// the context (store, secret, clock), and the small helpers each handler needs (etag checks, the
// 200/204 answers, finding a service or function or answering FC's 404).
import type { IncomingHttpHeaders } from 'node:http';

import { functionNotFound, invalidArgument, preconditionFailed, serviceNotFound } from '../errors.js';
import { ifMatchAllows } from '../records.js';
import type { RandomSource } from '../alias-routing.js';
import type { FunctionExecutor } from '../runtime/executor.js';
import type { FunctionRecord, SandboxStore, ServiceRecord } from '../store.js';

export interface ApiRequest {
  method: string;
  /** The path as received, for error messages. */
  path: string;
  /** Decoded path segments after the version prefix: ['services', 'demo', 'functions']. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /**
   * The body as a JSON object. With `inlineZip`, a `code.zipFile` may come back decoded already,
   * as an InlineZip (for the handlers that take code: the base64 is never made a string).
   */
  readJson(options?: { inlineZip?: boolean }): Promise<Record<string, unknown>>;
  /** The raw body, refused with 400 EntityTooLarge past `maxBytes`. */
  readBytes(maxBytes: number): Promise<Buffer>;
  /** Lifts the idle-socket limit for this request (an invocation may run for minutes). */
  holdOpen(): void;
  /** The `x-fc-request-id` this request is answered with. */
  requestId: string;
  /** The client's address (an HTTP trigger's `request.clientIP`). */
  clientIP?: string;
  /** Where this client reached the sandbox (for URLs in answers). */
  baseUrl: string;
  /** Checks the FC signature (server.ts runs it for every path but an HTTP trigger's). */
  authenticate(): void;
  /** The qualifier given as `/services/NAME.QUALIFIER/...` or `?qualifier=` (set by the router). */
  qualifier?: string;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  /** Sent as is instead of `body` as JSON (an invocation's answer). */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface ApiContext {
  store: SandboxStore;
  /** Keys the code download URLs. */
  secret: string;
  /** The sandbox's one account (ARNs name it). */
  accountId: string;
  now(): number;
  /** Runs functions; absent: InvokeFunction and HTTP triggers answer 501. */
  executor?: FunctionExecutor;
  /** The server's log (async invocations report their outcome there). */
  log?: (line: string) => void;
  /** Draws which version of a weighted alias a call runs (tests pass a fixed sequence). Default Math.random. */
  random?: RandomSource;
}

/** The parameter segments of the most common paths. */
export type ServicePath = [service: string];
export type FunctionPath = [service: string, fn: string];

/** `params` holds the path's parameter segments in order: one per `:` of its route's pattern. */
export type Handler<P extends string[] = string[]> = (
  ctx: ApiContext,
  req: ApiRequest,
  params: P,
) => Promise<ApiResult>;

export interface Route {
  /** Path segments after the version prefix; `:` marks a parameter, a last `*` the rest of the path. */
  pattern: string[];
  // Each handler takes the tuple its pattern yields ([service: string] for one `:`, and so on).
  methods: Record<string, Handler<never>>;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export const ok = (body: unknown, etag?: string): ApiResult => ({
  status: 200,
  body,
  headers: etag ? { ETag: etag } : {},
});
export const noContent = (): ApiResult => ({ status: 204 });

export function checkIfMatch(req: ApiRequest, current: string): void {
  const given = header(req.headers, 'if-match');
  if (!ifMatchAllows(given, current)) throw preconditionFailed(given ?? '', current);
}

export async function requireService(ctx: ApiContext, name: string): Promise<ServiceRecord> {
  const record = await ctx.store.getService(name);
  if (!record) throw serviceNotFound(name);
  return record;
}

export async function requireFunction(ctx: ApiContext, service: string, fn: string): Promise<FunctionRecord> {
  await requireService(ctx, service);
  const record = await ctx.store.getFunction(service, fn);
  if (!record) throw functionNotFound(service, fn);
  return record;
}

/** Writes change the working copy only: a qualifier other than LATEST names a read-only snapshot. */
export function refuseQualifiedWrite(req: ApiRequest, api: string): void {
  if (req.qualifier !== undefined && req.qualifier !== 'LATEST') {
    throw invalidArgument(
      `qualifier: ${api} changes the LATEST configuration only; got qualifier '${req.qualifier}'. Drop the qualifier.`,
    );
  }
}

/** The JSON body's `field` as a string, or a 400 naming it. */
export function stringField(body: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw invalidArgument(`${field}: is required; got nothing.`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidArgument(`${field}: must be a string; got ${JSON.stringify(value)}.`);
  return value;
}
