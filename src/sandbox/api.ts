// The FC 2.0 operations the sandbox answers, one handler each, behind a small router. Handlers
// see a parsed request (path segments after /2016-08-15, query, headers, a body reader) and
// return a status, a JSON body and headers; the HTTP details live in server.ts.
import type { CreateFunctionRequest, CreateServiceRequest, UpdateFunctionRequest } from '../fc/types.js';
import { requestContentOf } from './alias-routing.js';
import { checkCreateFunction, checkCreateService, checkUpdateFunction } from './checks.js';
import { decodeZip, zipFileOf, type DecodedZip } from './code.js';
import { codeUrl } from './code-url.js';
import {
  functionAlreadyExists,
  functionNotEmpty,
  functionNotFound,
  invalidArgument,
  notImplemented,
  serviceAlreadyExists,
  serviceNotEmpty,
} from './errors.js';
import { pageOf, parsePageQuery } from './paging.js';
import {
  newFunctionRecord,
  newServiceRecord,
  publicFunction,
  publicService,
  updatedFunctionRecord,
  updatedServiceRecord,
  type StoredCode,
} from './records.js';
import { CorruptRecordError, type FunctionRecord, type StagedCode } from './store.js';
import {
  checkIfMatch,
  header,
  noContent,
  ok,
  refuseQualifiedWrite,
  requireFunction,
  requireService,
  type ApiContext,
  type ApiRequest,
  type ApiResult,
  type FunctionPath,
  type Handler,
  type ServicePath,
  type Route,
} from './routes/common.js';
import { apiNameOf } from './routes/api-names.js';

import { EXTRA_ROUTES } from './routes/index.js';
import { removeFunctionConfigs } from './routes/function-configs.js';
import { resolveFunctionLayers } from './routes/layers.js';
import { serviceHasTags, tagFilterOf } from './routes/tags.js';
import { triggerDir } from './routes/triggers.js';
import { codeZipPathOf, invocationViewOf, viewOf } from './routes/versions.js';
import { runInvocation } from './invoke-api.js';

export type { ApiContext, ApiRequest, ApiResult } from './routes/common.js';

// ---- services ----

async function listServices(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  let names = await ctx.store.listServiceNames();
  // `tag_<key>=<value>` keeps the services carrying those tags (read only when a filter is given).
  const tagFilter = tagFilterOf(req.query);
  if (Object.keys(tagFilter).length > 0) {
    const kept = [];
    for (const name of names) if (await serviceHasTags(ctx, name, tagFilter)) kept.push(name);
    names = kept;
  }
  const page = pageOf(names, parsePageQuery(req.query));
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

async function getService(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const view = await viewOf(ctx, service, req.qualifier);
  return ok(publicService(view.service), view.service.etag);
}

async function updateService(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  refuseQualifiedWrite(req, 'UpdateService');
  const body = (await req.readJson()) as Partial<CreateServiceRequest>;
  if (body.serviceName !== undefined && body.serviceName !== service) {
    throw invalidArgument(
      `serviceName cannot be changed by UpdateService (path says '${service}', body says '${String(body.serviceName)}')`,
    );
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

async function listFunctions(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const view = await viewOf(ctx, service, req.qualifier);
  const page = pageOf(await view.functionNames(), parsePageQuery(req.query));
  const functions = [];
  for (const name of page.names) {
    const record = await view.listedFunction(name);
    if (record) functions.push(publicFunction(record)); // deleted since the listing, or corrupt: left out
  }
  return ok(page.nextToken === undefined ? { functions } : { functions, nextToken: page.nextToken });
}

/** Decodes and checks the inline zip of a create or update, and writes it to staging. */
async function stageZip(
  ctx: ApiContext,
  req: ApiRequest,
  code: unknown,
  runtime: string,
): Promise<{ decoded: DecodedZip; staged: StagedCode } | undefined> {
  const zipFile = zipFileOf(code, runtime);
  if (zipFile === undefined) return undefined;
  const decoded = await decodeZip(zipFile, header(req.headers, 'x-fc-code-checksum'));
  return { decoded, staged: await ctx.store.stageCode(decoded.zip) };
}

async function createFunction(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  refuseQualifiedWrite(req, 'CreateFunction');
  const body = (await req.readJson({ inlineZip: true })) as unknown as CreateFunctionRequest;
  await requireService(ctx, service);
  checkCreateFunction(body);
  if (body.layers?.length) await resolveFunctionLayers(ctx, body.layers, body.runtime);
  // Its first call is likely soon: an interpreter for it starts now, while the code is stored, rather
  // than at that call. If the create fails after all, the spare idles out as any other does.
  ctx.executor?.prepare(body.runtime, body.memorySize);
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

/** The function as the request's qualifier selects it (LATEST, a version, an alias's version). */
async function qualifiedFunction(
  ctx: ApiContext,
  req: ApiRequest,
  service: string,
  fn: string,
): Promise<FunctionRecord> {
  const view = await viewOf(ctx, service, req.qualifier);
  const record = await view.getFunction(fn);
  if (!record) throw functionNotFound(service, fn);
  return record;
}

async function getFunction(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  const record = await qualifiedFunction(ctx, req, service, fn);
  return ok(publicFunction(record), record.etag);
}

async function updateFunction(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  refuseQualifiedWrite(req, 'UpdateFunction');
  const body = (await req.readJson({ inlineZip: true })) as UpdateFunctionRequest & { functionName?: unknown };
  if (body.functionName !== undefined && body.functionName !== fn) {
    throw invalidArgument(
      `functionName cannot be changed by UpdateFunction (path says '${fn}', body says '${String(body.functionName)}')`,
    );
  }
  const { functionName: _name, ...changes } = body;
  const before = await requireFunction(ctx, service, fn);
  checkUpdateFunction(before.runtime, changes, before);
  // A new runtime must suit the layers kept, as new layers must suit the runtime.
  const layers = changes.layers ?? (changes.runtime ? before.layers : undefined);
  if (layers?.length) await resolveFunctionLayers(ctx, layers, changes.runtime ?? before.runtime);
  // As for a create: the next call needs a new instance, whose interpreter can start now.
  ctx.executor?.prepare(changes.runtime ?? before.runtime, changes.memorySize ?? before.memorySize);
  const upload = await stageZip(ctx, req, changes.code, changes.runtime ?? before.runtime);
  try {
    const record = await ctx.store.withServiceLock(service, async () => {
      const current = await requireFunction(ctx, service, fn);
      checkIfMatch(req, current.etag);
      // The runtime or instance type may have changed since the check above; the rules depend on them.
      if (current.runtime !== before.runtime || current.instanceType !== before.instanceType)
        checkUpdateFunction(current.runtime, changes, current);
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
  refuseQualifiedWrite(req, 'DeleteFunction');
  await ctx.store.withServiceLock(service, async () => {
    // A corrupt record has no etag to match: deleting it is the way out, so If-Match is not checked.
    const current = await requireFunction(ctx, service, fn).catch((error: unknown) => {
      if (error instanceof CorruptRecordError) return undefined;
      throw error;
    });
    if (current) checkIfMatch(req, current.etag);
    const triggers = await triggerDir(ctx, service, fn).list();
    if (triggers.length > 0) throw functionNotEmpty(service, fn, triggers);
    await ctx.store.removeFunction(service, fn); // its zips too
    await removeFunctionConfigs(ctx, service, fn);
  });
  return noContent();
}

async function getFunctionCode(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  const record = await qualifiedFunction(ctx, req, service, fn);
  if (!record.codeFile || record.codeChecksum === undefined) {
    throw invalidArgument(
      `function '${fn}' has no code package (runtime ${record.runtime}${record.runtime === 'custom-container' ? ': its code is the container image' : ''})`,
    );
  }
  return ok({
    url: codeUrl(req.baseUrl, ctx.secret, service, fn, record.codeFile, ctx.now()),
    checksum: record.codeChecksum,
  });
}

async function invokeFunction(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionPath): Promise<ApiResult> {
  // The qualifier picks the code and configuration that run: LATEST, a version, an alias's version.
  const view = await invocationViewOf(ctx, service, req.qualifier, requestContentOf(req.headers, req.query));
  const record = await view.getFunction(fn);
  if (!record) throw functionNotFound(service, fn);
  const codeZipPath = record.codeFile ? codeZipPathOf(ctx, service, view, record.codeFile) : undefined;
  const qualifier = req.qualifier ?? 'LATEST';
  return runInvocation(ctx, req, { service, qualifier, versionId: view.versionId, record, codeZipPath });
}

async function tempCodeBucketToken(ctx: ApiContext, _req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await requireService(ctx, service);
  throw notImplemented(
    'GetTempCodeBucketToken',
    'the fcw sandbox holds no OSS buckets, so it has no temporary code bucket; ' +
      'send the zip inline as code.zipFile (up to 100 MB)',
  );
}

// ---- routing ----

const SERVICE_ROUTES: Route[] = [
  { pattern: ['services'], methods: { GET: listServices, POST: createService } },
  { pattern: ['services', ':'], methods: { GET: getService, PUT: updateService, DELETE: deleteService } },
  { pattern: ['services', ':', 'tempCodeBucketToken'], methods: { GET: tempCodeBucketToken } },
  { pattern: ['services', ':', 'functions'], methods: { GET: listFunctions, POST: createFunction } },
  {
    pattern: ['services', ':', 'functions', ':'],
    methods: { GET: getFunction, PUT: updateFunction, DELETE: deleteFunction },
  },
  { pattern: ['services', ':', 'functions', ':', 'code'], methods: { GET: getFunctionCode } },
  { pattern: ['services', ':', 'functions', ':', 'invocations'], methods: { POST: invokeFunction } },
];

const ROUTES: Route[] = [...SERVICE_ROUTES, ...EXTRA_ROUTES];

/** `*` as the last pattern segment takes the rest of the path (one parameter, joined by '/'). */
function match(pattern: string[], segments: string[]): string[] | undefined {
  const rest = pattern[pattern.length - 1] === '*';
  if (rest ? segments.length < pattern.length - 1 : pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part === '*') {
      params.push(segments.slice(i).join('/'));
      break;
    }
    if (part === ':') {
      if (segment === '') return undefined;
      params.push(segment);
    } else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * A qualifier rides on the service name (`/services/demo.LATEST/functions/f`, what the official SDKs
 * send) or in `?qualifier=`; FC takes both on every service and function API. Service names cannot
 * hold a dot, so the first dot splits them.
 */
function splitQualifier(req: ApiRequest): ApiRequest {
  const segments = [...req.segments];
  let fromPath: string | undefined;
  const named = segments[1];
  if (segments[0] === 'services' && named !== undefined) {
    const dot = named.indexOf('.');
    if (dot >= 0) {
      fromPath = named.slice(dot + 1);
      segments[1] = named.slice(0, dot);
      if (fromPath === '') {
        throw invalidArgument(
          `qualifier: must not be empty; got '${named}' in the path. Use NAME.LATEST, NAME.1 or NAME.ALIAS.`,
        );
      }
    }
  }
  const fromQuery = req.query.get('qualifier') || undefined;
  if (fromPath !== undefined && fromQuery !== undefined && fromPath !== fromQuery) {
    throw invalidArgument(`qualifier: the path says '${fromPath}' and the query says '${fromQuery}'; give one.`);
  }
  return { ...req, segments, qualifier: fromPath ?? fromQuery };
}

/** Runs the operation the request names; an FC API the sandbox does not answer is a 501 naming it. */
export async function handleApi(ctx: ApiContext, received: ApiRequest): Promise<ApiResult> {
  const req = splitQualifier(received);
  for (const route of ROUTES) {
    const params = match(route.pattern, req.segments);
    if (!params) continue;
    const handler = route.methods[req.method];
    if (!handler) continue;
    // match() returned one segment per `:` of this route's pattern: the tuple its handlers take.
    return (handler as Handler)(ctx, req, params);
  }
  throw notImplemented(apiNameOf(req.method, req.segments) ?? `${req.method} ${req.path}`);
}
