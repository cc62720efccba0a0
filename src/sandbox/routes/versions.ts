// Versions and aliases. PublishServiceVersion snapshots the service's configuration and every
// function (configuration and code: each zip is hard-linked under a new name, so later updates of
// LATEST leave the version's code in place). ListVersions pages newest first by default;
// DeleteVersion is refused while an alias points at it. Aliases point at a version, optionally
// with additionalVersionWeight ({"2": 0.1}: a share of calls to another version).
// A qualifier (LATEST, a version id or an alias) picks what GetService, ListFunctions, GetFunction
// and GetFunctionCode serve: `viewOf` resolves it.
//
//   services/<svc>/versions/v<N>.json     one snapshot per version
//   services/<svc>/versions-counter.json  the last id handed out (ids are never reused)
//   services/<svc>/aliases/<alias>.json
import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { isRecord } from '../../core/is-record.js';
import { NAME_PATTERN } from '../../fc/rules.js';
import {
  checkAliasRouting,
  checkResolvePolicy,
  checkRoutePolicy,
  routeAliasCall,
  type RequestContent,
  type ResolvePolicy,
  type RoutePolicy,
} from '../alias-routing.js';
import { writeJsonAtomic } from '../atomic.js';
import { aliasAlreadyExists, aliasNotFound, invalidArgument, versionNotFound } from '../errors.js';
import { JsonDir, NUMBER_CODEC, serviceResourceDir } from '../json-dir.js';
import { compareNames, LIST_LIMIT_DEFAULT, pageOf, parsePageQuery } from '../paging.js';
import { etagOf, fcTime, publicService } from '../records.js';
import { encodeName, isStorableName, type FunctionRecord, type ServiceRecord } from '../store.js';
import {
  checkIfMatch,
  noContent,
  ok,
  requireService,
  stringField,
  type ApiContext,
  type ApiRequest,
  type ApiResult,
  type Route,
  type ServicePath,
} from './common.js';

export interface VersionRecord {
  versionId: string;
  description: string;
  createdTime: string;
  lastModifiedTime: string;
  /** What was published: the service's configuration and its functions, code files of their own. */
  service: ServiceRecord;
  functions: FunctionRecord[];
  /** md5 of the published configuration and code checksums: a publish with no change is refused. */
  contentHash: string;
}

export interface AliasRecord {
  aliasName: string;
  versionId: string;
  description: string;
  additionalVersionWeight: Record<string, number>;
  /** Absent: FC's default, Random. */
  resolvePolicy?: ResolvePolicy;
  routePolicy?: RoutePolicy;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

const ALIAS_NAME_MAX = 128;

export function versionDir(ctx: ApiContext, service: string): JsonDir<VersionRecord> {
  return new JsonDir<VersionRecord>(serviceResourceDir(ctx.store.servicesDir, service, 'versions'), NUMBER_CODEC);
}

export function aliasDir(ctx: ApiContext, service: string): JsonDir<AliasRecord> {
  return new JsonDir<AliasRecord>(serviceResourceDir(ctx.store.servicesDir, service, 'aliases'));
}

const byNumber = (a: string, b: string) => Number(a) - Number(b);

// ---- what a qualifier selects ----

export interface ServiceView {
  service: ServiceRecord;
  /** The version served; undefined for LATEST. */
  versionId?: string;
  functionNames(): Promise<string[]>;
  getFunction(name: string): Promise<FunctionRecord | undefined>;
  /** As getFunction, but a corrupt record is left out of a listing rather than failing it. */
  listedFunction(name: string): Promise<FunctionRecord | undefined>;
}

/** The version id an alias or version qualifier names (404 VersionNotFound / AliasNotFound). */
export async function versionIdOf(ctx: ApiContext, service: string, qualifier: string): Promise<string> {
  if (/^[0-9]+$/.test(qualifier)) {
    if (!(await versionDir(ctx, service).get(qualifier))) throw versionNotFound(service, qualifier);
    return qualifier;
  }
  const alias = await aliasDir(ctx, service).get(qualifier);
  if (!alias) throw aliasNotFound(service, qualifier);
  return alias.versionId;
}

/**
 * The view one invocation runs (InvokeFunction, an HTTP trigger, a timer): as viewOf, except that
 * an alias routes each call (alias-routing.ts): by its weights at random, or by the call's
 * `request` content under `resolvePolicy: Content` (a timer's call has none: the main version).
 * GetFunction and the other reads of an alias always see its main version, as on FC.
 */
export async function invocationViewOf(
  ctx: ApiContext,
  service: string,
  qualifier: string | undefined,
  request?: RequestContent,
): Promise<ServiceView> {
  if (qualifier === undefined || qualifier === 'LATEST' || /^[0-9]+$/.test(qualifier)) {
    return viewOf(ctx, service, qualifier);
  }
  await requireService(ctx, service);
  const alias = await aliasDir(ctx, service).get(qualifier);
  if (!alias) throw aliasNotFound(service, qualifier);
  return viewOf(ctx, service, routeAliasCall(alias, request, ctx.random ?? Math.random));
}

export async function viewOf(ctx: ApiContext, service: string, qualifier: string | undefined): Promise<ServiceView> {
  const record = await requireService(ctx, service);
  if (qualifier === undefined || qualifier === 'LATEST') {
    return {
      service: record,
      functionNames: () => ctx.store.listFunctionNames(service),
      getFunction: (name) => ctx.store.getFunction(service, name),
      listedFunction: (name) => ctx.store.listedFunction(service, name),
    };
  }
  const versionId = await versionIdOf(ctx, service, qualifier);
  const version = await versionDir(ctx, service).get(versionId);
  if (!version) throw versionNotFound(service, versionId);
  const functions = new Map(version.functions.map((f) => [f.functionName, f]));
  return {
    service: version.service,
    versionId,
    functionNames: async () => [...functions.keys()],
    getFunction: async (name) => functions.get(name),
    listedFunction: async (name) => functions.get(name),
  };
}

// ---- versions ----

function contentHashOf(service: ServiceRecord, functions: FunctionRecord[]): string {
  const config = publicService(service);
  const { serviceId: _i, createdTime: _c, lastModifiedTime: _m, ...serviceFields } = config;
  const fns = functions.map(({ etag: _e, codeFile: _f, createdTime: _fc, lastModifiedTime: _fm, ...rest }) => rest);
  return etagOf({ serviceFields, fns });
}

const VERSION_CODE_FILE = /^[A-Za-z0-9_^-]+\.[0-9a-f-]+\.zip$/;

/**
 * Where a version keeps its zips: beside, not inside, the service's code/ directory, which the
 * store owns (it removes a function's zips with it, and at start-up any zip no function names).
 */
function versionCodePath(ctx: ApiContext, service: string, codeFile: string): string {
  if (!VERSION_CODE_FILE.test(codeFile)) throw new Error(`not a code file name: ${codeFile}`);
  return serviceResourceDir(ctx.store.servicesDir, service, 'version-code', codeFile);
}

/** A version's zip as a stream and its size (for the code download URL), or undefined when gone. */
export async function openVersionCode(
  ctx: Pick<ApiContext, 'store'>,
  service: string,
  codeFile: string,
): Promise<{ stream: ReadStream; size: number } | undefined> {
  if (!isStorableName(service) || !VERSION_CODE_FILE.test(codeFile)) return undefined;
  const file = versionCodePath(ctx as ApiContext, service, codeFile);
  try {
    const { size } = await stat(file);
    return { stream: createReadStream(file), size };
  } catch {
    return undefined;
  }
}

/** The zip a function of this view runs from: a version's own copy, or the working copy's. */
export function codeZipPathOf(ctx: ApiContext, service: string, view: ServiceView, codeFile: string): string {
  return view.versionId === undefined ? ctx.store.codePath(service, codeFile) : versionCodePath(ctx, service, codeFile);
}

/** A second name for a zip, so the version keeps its code when LATEST's is replaced or deleted. */
async function keepCode(ctx: ApiContext, service: string, fn: FunctionRecord): Promise<string | undefined> {
  if (!fn.codeFile) return undefined;
  const codeFile = `${encodeName(fn.functionName)}.${randomUUID()}.zip`;
  const from = ctx.store.codePath(service, fn.codeFile);
  const to = versionCodePath(ctx, service, codeFile);
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to); // file systems without hard links
  }
  return codeFile;
}

async function nextVersionId(ctx: ApiContext, service: string): Promise<string> {
  const file = serviceResourceDir(ctx.store.servicesDir, service, 'versions-counter.json');
  let last = 0;
  try {
    last = Number((JSON.parse(await readFile(file, 'utf8')) as { last: number }).last) || 0;
  } catch {
    // first version
  }
  const next = last + 1;
  await writeJsonAtomic(file, { last: next });
  return String(next);
}

export function publicVersion(v: VersionRecord): Record<string, string> {
  return {
    versionId: v.versionId,
    description: v.description,
    createdTime: v.createdTime,
    lastModifiedTime: v.lastModifiedTime,
  };
}

async function publishVersion(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const body = await req.readJson();
  const description = stringField(body, 'description', false) ?? '';
  const record = await ctx.store.withServiceLock(service, async () => {
    const current = await requireService(ctx, service);
    checkIfMatch(req, current.etag);
    const functions: FunctionRecord[] = [];
    for (const name of (await ctx.store.listFunctionNames(service)).sort(compareNames)) {
      const fn = await ctx.store.getFunction(service, name);
      if (fn) functions.push(fn);
    }
    const contentHash = contentHashOf(current, functions);
    const dir = versionDir(ctx, service);
    const newestId = (await dir.list()).sort(byNumber).pop();
    const latest = newestId === undefined ? undefined : await dir.get(newestId);
    if (latest && latest.contentHash === contentHash) {
      // Inferred code: FC refuses a publish with nothing changed since the last version.
      throw invalidArgument(
        `PublishServiceVersion: nothing changed in service '${service}' since version ${latest.versionId}; change ` +
          `a function or the service first.`,
      );
    }
    const kept: FunctionRecord[] = [];
    for (const fn of functions) kept.push({ ...fn, codeFile: await keepCode(ctx, service, fn) });
    const now = fcTime(ctx.now());
    const version: VersionRecord = {
      versionId: await nextVersionId(ctx, service),
      description,
      createdTime: now,
      lastModifiedTime: now,
      service: current,
      functions: kept,
      contentHash,
    };
    await dir.put(version.versionId, version);
    return version;
  });
  return ok(publicVersion(record));
}

async function listVersions(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await requireService(ctx, service);
  const direction = req.query.get('direction') || 'BACKWARD';
  if (direction !== 'BACKWARD' && direction !== 'FORWARD') {
    throw invalidArgument(`direction: must be BACKWARD (newest first) or FORWARD; got '${direction}'.`);
  }
  const query = parsePageQuery(req.query);
  const dir = versionDir(ctx, service);
  let ids = (await dir.list()).sort(byNumber);
  if (direction === 'BACKWARD') ids.reverse();
  const from = query.nextToken ?? query.startKey;
  if (from !== undefined) {
    const start = Number(from);
    ids = ids.filter((id) => (direction === 'BACKWARD' ? Number(id) <= start : Number(id) >= start));
  }
  const page = ids.slice(0, query.limit ?? LIST_LIMIT_DEFAULT);
  const versions = [];
  for (const id of page) {
    const v = await dir.get(id);
    if (v) versions.push(publicVersion(v));
  }
  const next = ids[page.length];
  return ok({ versions, direction, ...(next === undefined ? {} : { nextToken: next }) });
}

async function deleteVersion(
  ctx: ApiContext,
  _req: ApiRequest,
  [service, versionId]: [service: string, versionId: string],
): Promise<ApiResult> {
  await ctx.store.withServiceLock(service, async () => {
    await requireService(ctx, service);
    const dir = versionDir(ctx, service);
    const version = await dir.get(versionId);
    if (!version) throw versionNotFound(service, versionId);
    const users = (await aliasDir(ctx, service).all()).filter(
      (a) => a.versionId === versionId || versionId in a.additionalVersionWeight,
    );
    if (users.length > 0) {
      // Inferred status and code: FC refuses while an alias routes to the version.
      throw invalidArgument(
        `versionId: version ${versionId} is used by alias ${users.map((a) => `'${a.aliasName}'`).join(', ')}; ` +
          `point the alias elsewhere or delete it first.`,
      );
    }
    await dir.remove(versionId);
    for (const fn of version.functions) {
      if (fn.codeFile) await rm(versionCodePath(ctx, service, fn.codeFile), { force: true });
    }
  });
  return noContent();
}

// ---- aliases ----

function checkAliasName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw invalidArgument(`aliasName: is required; got ${JSON.stringify(name ?? null)}.`);
  if (name.length > ALIAS_NAME_MAX || !NAME_PATTERN.test(name) || name === 'LATEST') {
    throw invalidArgument(
      `aliasName: must be 1–${ALIAS_NAME_MAX} letters, digits, _ and -, starting with a letter or _, and not ` +
        `LATEST; got ${JSON.stringify(name)}.`,
    );
  }
  return name;
}

async function checkVersionExists(
  ctx: ApiContext,
  service: string,
  versionId: unknown,
  field = 'versionId',
): Promise<string> {
  if (typeof versionId !== 'string' || !/^[1-9][0-9]*$/.test(versionId)) {
    throw invalidArgument(
      `${field}: must be a published version number as a string, e.g. "1"; got ${JSON.stringify(versionId ?? null)}.`,
    );
  }
  if (!(await versionDir(ctx, service).get(versionId))) throw versionNotFound(service, versionId);
  return versionId;
}

/** Weights: version id → share in [0, 1], together at most 1, never the alias's own version. */
async function checkWeights(
  ctx: ApiContext,
  service: string,
  weights: unknown,
  mainVersion: string,
): Promise<Record<string, number>> {
  if (weights === undefined || weights === null) return {};
  if (!isRecord(weights))
    throw invalidArgument(
      `additionalVersionWeight: must be an object {"versionId": weight}; got ${JSON.stringify(weights)}.`,
    );
  let total = 0;
  for (const [id, weight] of Object.entries(weights)) {
    await checkVersionExists(ctx, service, id, 'additionalVersionWeight');
    if (id === mainVersion)
      throw invalidArgument(`additionalVersionWeight: must not name the alias's own version ${id}.`);
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw invalidArgument(
        `additionalVersionWeight: the weight of version ${id} must be a number from 0 to 1; got ` +
          `${JSON.stringify(weight)}.`,
      );
    }
    total += weight;
  }
  if (total > 1 + 1e-9)
    throw invalidArgument(`additionalVersionWeight: the weights add up to ${total}; they may add up to 1 at most.`);
  return weights as Record<string, number>;
}

/** resolvePolicy and routePolicy checked, present only when set (an answer omits unset ones). */
function routingFields(
  resolvePolicy: unknown,
  routePolicy: unknown,
): { resolvePolicy?: ResolvePolicy; routePolicy?: RoutePolicy } {
  const resolve = checkResolvePolicy(resolvePolicy);
  const route = checkRoutePolicy(routePolicy);
  return { ...(resolve ? { resolvePolicy: resolve } : {}), ...(route ? { routePolicy: route } : {}) };
}

export function publicAlias(a: AliasRecord): Omit<AliasRecord, 'etag'> {
  const { etag: _etag, ...info } = a;
  return info;
}

async function createAlias(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  const body = await req.readJson();
  await requireService(ctx, service);
  const name = checkAliasName(body.aliasName);
  const description = stringField(body, 'description', false) ?? '';
  const record = await ctx.store.withServiceLock(service, async () => {
    await requireService(ctx, service);
    const versionId = await checkVersionExists(ctx, service, body.versionId);
    const weights = await checkWeights(ctx, service, body.additionalVersionWeight, versionId);
    const routing = routingFields(body.resolvePolicy, body.routePolicy);
    checkAliasRouting({ versionId, additionalVersionWeight: weights, ...routing });
    const dir = aliasDir(ctx, service);
    if (await dir.get(name)) throw aliasAlreadyExists(service, name);
    const now = fcTime(ctx.now());
    const alias: AliasRecord = {
      aliasName: name,
      versionId,
      description,
      additionalVersionWeight: weights,
      ...routing,
      createdTime: now,
      lastModifiedTime: now,
      etag: '',
    };
    alias.etag = etagOf(alias);
    await dir.put(name, alias);
    return alias;
  });
  return ok(publicAlias(record), record.etag);
}

async function requireAlias(ctx: ApiContext, service: string, name: string): Promise<AliasRecord> {
  await requireService(ctx, service);
  const alias = await aliasDir(ctx, service).get(name);
  if (!alias) throw aliasNotFound(service, name);
  return alias;
}

async function getAlias(
  ctx: ApiContext,
  _req: ApiRequest,
  [service, name]: [service: string, name: string],
): Promise<ApiResult> {
  const alias = await requireAlias(ctx, service, name);
  return ok(publicAlias(alias), alias.etag);
}

async function listAliases(ctx: ApiContext, req: ApiRequest, [service]: ServicePath): Promise<ApiResult> {
  await requireService(ctx, service);
  const dir = aliasDir(ctx, service);
  const page = pageOf(await dir.list(), parsePageQuery(req.query));
  const aliases = [];
  for (const name of page.names) {
    const alias = await dir.get(name);
    if (alias) aliases.push(publicAlias(alias));
  }
  return ok(page.nextToken === undefined ? { aliases } : { aliases, nextToken: page.nextToken });
}

async function updateAlias(
  ctx: ApiContext,
  req: ApiRequest,
  [service, name]: [service: string, name: string],
): Promise<ApiResult> {
  const body = await req.readJson();
  if (body.aliasName !== undefined && body.aliasName !== name) {
    throw invalidArgument(
      `aliasName: cannot be changed by UpdateAlias (path says '${name}', body says ${JSON.stringify(body.aliasName)}).`,
    );
  }
  const record = await ctx.store.withServiceLock(service, async () => {
    const current = await requireAlias(ctx, service, name);
    checkIfMatch(req, current.etag);
    const versionId =
      body.versionId === undefined || body.versionId === null
        ? current.versionId
        : await checkVersionExists(ctx, service, body.versionId);
    const weights =
      body.additionalVersionWeight === undefined
        ? versionId in current.additionalVersionWeight
          ? await checkWeights(ctx, service, current.additionalVersionWeight, versionId)
          : current.additionalVersionWeight
        : await checkWeights(ctx, service, body.additionalVersionWeight, versionId);
    // Each routing field sent replaces the stored one (null clears it); one not sent is kept.
    const { resolvePolicy: _r, routePolicy: _p, ...unrouted } = current;
    const routing = routingFields(
      body.resolvePolicy === undefined ? current.resolvePolicy : body.resolvePolicy,
      body.routePolicy === undefined ? current.routePolicy : body.routePolicy,
    );
    const next: AliasRecord = {
      ...unrouted,
      versionId,
      additionalVersionWeight: weights,
      ...routing,
      description: stringField(body, 'description', false) ?? current.description,
      lastModifiedTime: fcTime(ctx.now()),
    };
    checkAliasRouting(next);
    next.etag = etagOf(next);
    await aliasDir(ctx, service).put(name, next);
    return next;
  });
  return ok(publicAlias(record), record.etag);
}

async function deleteAlias(
  ctx: ApiContext,
  req: ApiRequest,
  [service, name]: [service: string, name: string],
): Promise<ApiResult> {
  await ctx.store.withServiceLock(service, async () => {
    const current = await requireAlias(ctx, service, name);
    checkIfMatch(req, current.etag);
    await aliasDir(ctx, service).remove(name);
  });
  return noContent();
}

export const VERSION_ROUTES: Route[] = [
  { pattern: ['services', ':', 'versions'], methods: { GET: listVersions, POST: publishVersion } },
  { pattern: ['services', ':', 'versions', ':'], methods: { DELETE: deleteVersion } },
  { pattern: ['services', ':', 'aliases'], methods: { GET: listAliases, POST: createAlias } },
  { pattern: ['services', ':', 'aliases', ':'], methods: { GET: getAlias, PUT: updateAlias, DELETE: deleteAlias } },
];
