// The FC 2.0 operations the sandbox answers, one handler each, behind a small router. Handlers
// see a parsed request (path segments after /2016-08-15, query, headers, a body reader) and
// return a status, a JSON body and headers; the HTTP details live in server.ts.
import type { IncomingHttpHeaders } from 'node:http';

import type { CreateFunctionRequest, CreateServiceRequest, UpdateFunctionRequest } from '../fc/types.js';
import { checkCreateFunction, checkCreateService, checkUpdateFunction } from './checks.js';
import { decodeZip, zipFileOf, type DecodedZip } from './code.js';
import { codeUrl } from './code-url.js';
import {
  functionAlreadyExists,
  functionNotFound,
  invalidArgument,
  pathNotSupported,
  preconditionFailed,
  serviceAlreadyExists,
  serviceNotEmpty,
  serviceNotFound,
} from './errors.js';
import { qualifierNotFound, runInvocation, splitQualifier } from './invoke-api.js';
import { pageOf, parsePageQuery } from './paging.js';
import {
  ifMatchAllows,
  newFunctionRecord,
  newServiceRecord,
  publicFunction,
  publicService,
  updatedFunctionRecord,
  updatedServiceRecord,
  type StoredCode,
} from './records.js';
import type { FunctionExecutor } from './runtime/executor.js';
import {
  CorruptRecordError,
  type FunctionRecord,
  type SandboxStore,
  type ServiceRecord,
  type StagedCode,
} from './store.js';

export interface ApiRequest {
  method: string;
  /** The path as received, for error messages. */
  path: string;
  /** Decoded path segments after the version prefix: ['services', 'demo', 'functions']. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  readJson(): Promise<Record<string, unknown>>;
  /** The raw body, refused with 400 EntityTooLarge past `maxBytes`. */
  readBytes(maxBytes: number): Promise<Buffer>;
  /** Lifts the idle-socket limit for this request (an invocation may run for minutes). */
  holdOpen(): void;
  /** The `x-fc-request-id` this request is answered with. */
  requestId: string;
  /** Where this client reached the sandbox (for URLs in answers). */
  baseUrl: string;
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
  now(): number;
  /** Runs functions; absent: InvokeFunction answers 501. */
  executor?: FunctionExecutor;
  /** The server's log (async invocations report their outcome there). */
  log?: (line: string) => void;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

const ok = (body: unknown, etag?: string): ApiResult => ({ status: 200, body, headers: etag ? { ETag: etag } : {} });
const noContent = (): ApiResult => ({ status: 204 });

function checkIfMatch(req: ApiRequest, current: string): void {
  const given = header(req.headers, 'if-match');
  if (!ifMatchAllows(given, current)) throw preconditionFailed(given ?? '', current);
}

/** The parameter segments of a path, in order: one per `:` of its route's pattern. */
type ServicePath = [service: string];
type FunctionPath = [service: string, fn: string];
type Handler<P extends string[] = string[]> = (ctx: ApiContext, req: ApiRequest, params: P) => Promise<ApiResult>;

// ---- services ----

async function listServices(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const page = pageOf(await ctx.store.listServiceNames(), parsePageQuery(req.query));
  const services = [];
  for (const name of page.names) {
    const record = await ctx.store.listedService(name);
    if (record) services.push(publicService(record)); // deleted since the listing, or corrupt: left out
  }
  return ok(page.nextToken === undefined ? { services } : { services, nextToken: page.nextToken });
}

async function createService(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = (await req.readJson()) as unknown as CreateServiceRequest;
  checkCreateService(body);
  const record = newServiceRecord(body, ctx.now());
  const created = await ctx.store.withServiceLock(body.serviceName, () => ctx.store.createService(record));
  if (!created) throw serviceAlreadyExists(body.serviceName);
  return ok(publicService(record), record.etag);
}

async function requireService(ctx: ApiContext, name: string): Promise<ServiceRecord> {
  const record = await ctx.store.getService(name);
  if (!record) throw serviceNotFound(name);
  return record;
}

async function getService(ctx: ApiContext, _req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const record = await requireService(ctx, service);
  return ok(publicService(record), record.etag);
}

async function updateService(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const body = (await req.readJson()) as Partial<CreateServiceRequest>;
  if (body.serviceName !== undefined && body.serviceName !== service) {
    throw invalidArgument(`serviceName cannot be changed by UpdateService (path says '${service}', body says '${String(body.serviceName)}')`);
  }
  const record = await ctx.store.withServiceLock(service, async () => {
    const current = await requireService(ctx, service);
    checkIfMatch(req, current.etag);
    const next = updatedServiceRecord(current, body, ctx.now());
    const { serviceId: _id, createdTime: _c, lastModifiedTime: _m, ...fields } = publicService(next);
    checkCreateService(fields);
    await ctx.store.writeService(next);
    return next;
  });
  return ok(publicService(record), record.etag);
}

async function deleteService(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await ctx.store.withServiceLock(service, async () => {
    const current = await requireService(ctx, service);
    checkIfMatch(req, current.etag);
    const functions = await ctx.store.listFunctionNames(service);
    if (functions.length > 0) throw serviceNotEmpty(service, functions.length);
    await ctx.store.removeService(service);
  });
  return noContent();
}

// ---- functions ----

async function requireFunction(ctx: ApiContext, service: string, fn: string): Promise<FunctionRecord> {
  await requireService(ctx, service);
  const record = await ctx.store.getFunction(service, fn);
  if (!record) throw functionNotFound(service, fn);
  return record;
}

async function listFunctions(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await requireService(ctx, service);
  const page = pageOf(await ctx.store.listFunctionNames(service), parsePageQuery(req.query));
  const functions = [];
  for (const name of page.names) {
    const record = await ctx.store.listedFunction(service, name);
    if (record) functions.push(publicFunction(record));
  }
  return ok(page.nextToken === undefined ? { functions } : { functions, nextToken: page.nextToken });
}

/** Decodes and checks the inline zip of a create or update, and writes it to staging. */
async function stageZip(ctx: ApiContext, req: ApiRequest, code: unknown, runtime: string): Promise<{ decoded: DecodedZip; staged: StagedCode } | undefined> {
  const zipFile = zipFileOf(code, runtime);
  if (zipFile === undefined) return undefined;
  const decoded = await decodeZip(zipFile, header(req.headers, 'x-fc-code-checksum'));
  return { decoded, staged: await ctx.store.stageCode(decoded.zip) };
}

async function createFunction(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const body = (await req.readJson()) as unknown as CreateFunctionRequest;
  await requireService(ctx, service);
  checkCreateFunction(body);
  const fn = body.functionName;
  // Early answer for the common case; the check that counts is repeated under the lock.
  if (await ctx.store.getFunction(service, fn)) throw functionAlreadyExists(service, fn);
  const upload = await stageZip(ctx, req, body.code, body.runtime);
  try {
    const record = await ctx.store.withServiceLock(service, async () => {
      await requireService(ctx, service);
      if (await ctx.store.getFunction(service, fn)) throw functionAlreadyExists(service, fn);
      const code: StoredCode = { codeSize: 0 };
      if (upload) {
        code.codeFile = await ctx.store.commitCode(service, fn, upload.staged);
        code.codeChecksum = upload.decoded.checksum;
        code.codeSize = upload.decoded.zip.length;
      }
      const next = newFunctionRecord(body, code, ctx.now());
      try {
        await ctx.store.writeFunction(service, next);
      } catch (error) {
        if (code.codeFile) await ctx.store.removeCode(service, code.codeFile);
        throw error;
      }
      return next;
    });
    return ok(publicFunction(record), record.etag);
  } finally {
    await upload?.staged.discard();
  }
}

async function getFunction(ctx: ApiContext, _req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  const record = await requireFunction(ctx, service, fn);
  return ok(publicFunction(record), record.etag);
}

async function updateFunction(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  const body = (await req.readJson()) as UpdateFunctionRequest & { functionName?: unknown };
  if (body.functionName !== undefined && body.functionName !== fn) {
    throw invalidArgument(`functionName cannot be changed by UpdateFunction (path says '${fn}', body says '${String(body.functionName)}')`);
  }
  const { functionName: _name, ...changes } = body;
  const before = await requireFunction(ctx, service, fn);
  checkUpdateFunction(before.runtime, changes, before);
  const upload = await stageZip(ctx, req, changes.code, changes.runtime ?? before.runtime);
  try {
    const record = await ctx.store.withServiceLock(service, async () => {
      const current = await requireFunction(ctx, service, fn);
      checkIfMatch(req, current.etag);
      // The runtime or instance type may have changed since the check above; the rules depend on them.
      if (current.runtime !== before.runtime || current.instanceType !== before.instanceType) checkUpdateFunction(current.runtime, changes, current);
      let code: StoredCode | undefined;
      if (upload) {
        code = {
          codeFile: await ctx.store.commitCode(service, fn, upload.staged),
          codeChecksum: upload.decoded.checksum,
          codeSize: upload.decoded.zip.length,
        };
      }
      const next = updatedFunctionRecord(current, changes, code, ctx.now());
      try {
        await ctx.store.writeFunction(service, next);
      } catch (error) {
        if (code?.codeFile) await ctx.store.removeCode(service, code.codeFile);
        throw error;
      }
      // Only now that the new record is durable is the old zip unreferenced.
      if (current.codeFile && current.codeFile !== next.codeFile) await ctx.store.removeCode(service, current.codeFile);
      return next;
    });
    return ok(publicFunction(record), record.etag);
  } finally {
    await upload?.staged.discard();
  }
}

async function deleteFunction(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  await ctx.store.withServiceLock(service, async () => {
    // A corrupt record has no etag to match: deleting it is the way out, so If-Match is not checked.
    const current = await requireFunction(ctx, service, fn).catch((error: unknown) => {
      if (error instanceof CorruptRecordError) return undefined;
      throw error;
    });
    if (current) checkIfMatch(req, current.etag);
    await ctx.store.removeFunction(service, fn); // its zips too
  });
  return noContent();
}

async function getFunctionCode(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  const record = await requireFunction(ctx, service, fn);
  if (!record.codeFile || record.codeChecksum === undefined) {
    throw invalidArgument(`function '${fn}' has no code package (runtime ${record.runtime}${record.runtime === 'custom-container' ? ': its code is the container image' : ''})`);
  }
  return ok({ url: codeUrl(req.baseUrl, ctx.secret, service, fn, record.codeFile, ctx.now()), checksum: record.codeChecksum });
}

async function invokeFunction(
  ctx: ApiContext,
  req: ApiRequest,
  [serviceAndQualifier, fn]: FunctionPath,
): Promise<ApiResult> {
  const { service, qualifier } = splitQualifier(serviceAndQualifier);
  const record = await requireFunction(ctx, service, fn);
  if (qualifier !== 'LATEST') throw qualifierNotFound(service, qualifier);
  const codeZipPath = record.codeFile ? ctx.store.codePath(service, record.codeFile) : undefined;
  return runInvocation(ctx, req, { service, qualifier, record, codeZipPath });
}

async function tempCodeBucketToken(ctx: ApiContext, _req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await requireService(ctx, service);
  throw invalidArgument('the fcw sandbox holds no OSS buckets, so it has no temporary code bucket; send the zip inline as code.zipFile (up to 100 MB)');
}

// ---- routing ----

interface Route {
  pattern: string[];
  // Each handler takes the tuple its pattern yields (ServicePath for one `:`, FunctionPath for two).
  methods: Record<string, Handler<never>>;
}

// `:` marks a parameter segment.
const ROUTES: Route[] = [
  { pattern: ['services'], methods: { GET: listServices, POST: createService } },
  { pattern: ['services', ':'], methods: { GET: getService, PUT: updateService, DELETE: deleteService } },
  { pattern: ['services', ':', 'tempCodeBucketToken'], methods: { GET: tempCodeBucketToken } },
  { pattern: ['services', ':', 'functions'], methods: { GET: listFunctions, POST: createFunction } },
  { pattern: ['services', ':', 'functions', ':'], methods: { GET: getFunction, PUT: updateFunction, DELETE: deleteFunction } },
  { pattern: ['services', ':', 'functions', ':', 'code'], methods: { GET: getFunctionCode } },
  { pattern: ['services', ':', 'functions', ':', 'invocations'], methods: { POST: invokeFunction } },
];

function match(pattern: string[], segments: string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (pattern[i] === ':') {
      if (segment === '') return undefined;
      params.push(segment);
    } else if (pattern[i] !== segment) return undefined;
  }
  return params;
}

/** Runs the operation the request names; unknown paths and methods are FC's 400 PathNotSupported. */
export async function handleApi(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  for (const route of ROUTES) {
    const params = match(route.pattern, req.segments);
    if (!params) continue;
    const handler = route.methods[req.method];
    if (!handler) throw pathNotSupported(req.method, req.path);
    // match() returned one segment per `:` of this route's pattern: the tuple its handlers take.
    return (handler as Handler)(ctx, req, params);
  }
  throw pathNotSupported(req.method, req.path);
}
