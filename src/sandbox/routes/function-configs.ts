// The per-function, per-qualifier settings FC keeps beside a function: async invoke config
// (retries, event age, destinations), provision config (instances kept warm) and on-demand config
// (an instance cap). The sandbox stores and answers them in FC's shapes; it runs nothing, so they
// change no behaviour here. Stored as `services/<svc>/<kind>/<fn>/<qualifier>.json`.
import { rm } from 'node:fs/promises';

import { isRecord } from '../../core/is-record.js';
import { invalidArgument, SandboxError } from '../errors.js';
import { JsonDir, QUALIFIER_CODEC, serviceResourceDir } from '../json-dir.js';
import { compareNames, LIST_LIMIT_MAX, parsePageQuery } from '../paging.js';
import { fcTime } from '../records.js';
import { encodeName } from '../store.js';
import {
  noContent,
  ok,
  requireFunction,
  type ApiContext,
  type ApiRequest,
  type ApiResult,
  type Route,
} from './common.js';
import { versionIdOf } from './versions.js';

type Kind = 'async-invoke-config' | 'provision-config' | 'on-demand-config';
const KINDS: Kind[] = ['async-invoke-config', 'provision-config', 'on-demand-config'];

function configDir<T>(ctx: ApiContext, service: string, kind: Kind, fn: string): JsonDir<T> {
  return new JsonDir<T>(serviceResourceDir(ctx.store.servicesDir, service, kind, encodeName(fn)), QUALIFIER_CODEC);
}

/** Drops every setting of a deleted function, so a function created again under its name starts clean. */
export async function removeFunctionConfigs(ctx: ApiContext, service: string, fn: string): Promise<void> {
  for (const kind of KINDS)
    await rm(serviceResourceDir(ctx.store.servicesDir, service, kind, encodeName(fn)), {
      recursive: true,
      force: true,
    });
}

/** The function exists and the qualifier (default LATEST) names LATEST, a version or an alias. */
async function target(ctx: ApiContext, req: ApiRequest, service: string, fn: string): Promise<string> {
  await requireFunction(ctx, service, fn);
  const qualifier = req.qualifier ?? 'LATEST';
  if (qualifier !== 'LATEST') await versionIdOf(ctx, service, qualifier);
  return qualifier;
}

function intField(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(`${field}: must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}.`);
  }
  return v;
}

// ---- async invoke config ----

const ASYNC_EVENT_AGE_MAX_S = 2_592_000; // 30 days
const ASYNC_RETRIES_MAX = 8;

interface AsyncConfig {
  service: string;
  function: string;
  qualifier: string;
  maxAsyncEventAgeInSeconds?: number;
  maxAsyncRetryAttempts?: number;
  destinationConfig?: Record<string, unknown>;
  statefulInvocation: boolean;
  createdTime: string;
  lastModifiedTime: string;
}

function checkDestinations(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v))
    throw invalidArgument(`destinationConfig: must be an object {onSuccess, onFailure}; got ${JSON.stringify(v)}.`);
  for (const [key, value] of Object.entries(v)) {
    if (key !== 'onSuccess' && key !== 'onFailure')
      throw invalidArgument(`destinationConfig.${key}: is not onSuccess or onFailure.`);
    const destination = isRecord(value) ? value.destination : undefined;
    if (typeof destination !== 'string' || !/^acs:(fc|mns|eventbridge):/.test(destination)) {
      throw invalidArgument(
        `destinationConfig.${key}.destination: must be an acs:fc, acs:mns or acs:eventbridge ARN; got ` +
          `${JSON.stringify(destination ?? null)}.`,
      );
    }
  }
  return v;
}

// Inferred code: FC answers 404 for a function without the setting; the code name is not documented.
const asyncConfigNotFound = (at: Target) =>
  new SandboxError(
    404,
    'AsyncConfigNotExists',
    `function '${at.fn}' in service '${at.service}' (qualifier ${at.qualifier}) has no async invoke config`,
  );

// ---- provision config ----

const PROVISION_TARGET_MAX = 10_000;

interface ProvisionConfig {
  resource: string;
  target: number;
  current: number;
  scheduledActions: unknown[];
  targetTrackingPolicies: unknown[];
  alwaysAllocateCPU: boolean;
  currentError: string;
}

function resourceOf(ctx: ApiContext, { service, qualifier, fn }: Target): string {
  return `${ctx.accountId}#${service}#${qualifier}#${fn}`;
}

function listField(body: Record<string, unknown>, field: string): unknown[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidArgument(`${field}: must be an array; got ${JSON.stringify(v)}.`);
  return v;
}

// ---- on-demand config ----

interface OnDemandConfig {
  resource: string;
  maximumInstanceCount: number;
}

const ON_DEMAND_MAX = 100_000;

const onDemandNotFound = (at: Target) =>
  new SandboxError(
    404,
    'OnDemandConfigNotFound',
    `function '${at.fn}' in service '${at.service}' (qualifier ${at.qualifier}) has no on-demand config`,
  );

// ---- the three settings, one table ----

/** Where a setting is put: a function of a service, under a qualifier. */
interface Target {
  service: string;
  fn: string;
  qualifier: string;
}

/** What differs between the settings; the handlers below are the same for all of them. */
interface ConfigKind<T> {
  kind: Kind;
  /**
   * Checks a PUT body before any lock is taken; returns how to build the record once the target is known
   * (`stored` reads the record it replaces, for a kind that keeps some of it).
   */
  readBody(
    body: Record<string, unknown>,
  ): (ctx: ApiContext, at: Target, stored: () => Promise<T | undefined>) => T | Promise<T>;
  /** What PUT answers; the stored record when absent. */
  answer?(config: T): unknown;
  /** What GET answers for a qualifier without the setting: FC's 404, or the setting's default. */
  unset(ctx: ApiContext, at: Target): T;
  /** FC's 404 for DELETE of a qualifier without the setting; a setting without it has no DELETE. */
  notFound?(at: Target): SandboxError;
}

const ASYNC_INVOKE: ConfigKind<AsyncConfig> = {
  kind: 'async-invoke-config',
  readBody(body) {
    const age = intField(body, 'maxAsyncEventAgeInSeconds', 1, ASYNC_EVENT_AGE_MAX_S);
    const retries = intField(body, 'maxAsyncRetryAttempts', 0, ASYNC_RETRIES_MAX);
    const destinationConfig = checkDestinations(body.destinationConfig);
    if (body.statefulInvocation !== undefined && typeof body.statefulInvocation !== 'boolean') {
      throw invalidArgument(
        `statefulInvocation: must be true or false; got ${JSON.stringify(body.statefulInvocation)}.`,
      );
    }
    return async (ctx, { service, fn, qualifier }, stored) => {
      const now = fcTime(ctx.now());
      return {
        service,
        function: fn,
        qualifier,
        ...(age === undefined ? {} : { maxAsyncEventAgeInSeconds: age }),
        ...(retries === undefined ? {} : { maxAsyncRetryAttempts: retries }),
        ...(destinationConfig === undefined ? {} : { destinationConfig }),
        statefulInvocation: body.statefulInvocation === true,
        createdTime: (await stored())?.createdTime ?? now,
        lastModifiedTime: now,
      };
    };
  },
  unset(_ctx, at) {
    throw asyncConfigNotFound(at);
  },
  notFound: asyncConfigNotFound,
};

const PROVISION: ConfigKind<ProvisionConfig> = {
  kind: 'provision-config',
  readBody(body) {
    const wanted = intField(body, 'target', 0, PROVISION_TARGET_MAX);
    if (wanted === undefined)
      throw invalidArgument('target: is required (the number of instances to keep ready); got nothing.');
    const scheduledActions = listField(body, 'scheduledActions');
    const targetTrackingPolicies = listField(body, 'targetTrackingPolicies');
    if (body.alwaysAllocateCPU !== undefined && typeof body.alwaysAllocateCPU !== 'boolean') {
      throw invalidArgument(`alwaysAllocateCPU: must be true or false; got ${JSON.stringify(body.alwaysAllocateCPU)}.`);
    }
    return (ctx, at) => {
      if (at.qualifier === 'LATEST') {
        throw invalidArgument(
          'qualifier: provisioned instances are set on a version or an alias, not LATEST; ' +
            'publish a version and name it or its alias.',
        );
      }
      return {
        resource: resourceOf(ctx, at),
        target: wanted,
        // The sandbox has no instances to start: it reports them ready at once.
        current: wanted,
        scheduledActions,
        targetTrackingPolicies,
        alwaysAllocateCPU: body.alwaysAllocateCPU !== false,
        currentError: '',
      };
    };
  },
  answer: ({ current: _c, currentError: _e, ...answer }) => answer,
  // FC answers a function without provisioned instances as target 0, not 404.
  unset: (ctx, at) => ({
    resource: resourceOf(ctx, at),
    target: 0,
    current: 0,
    scheduledActions: [],
    targetTrackingPolicies: [],
    alwaysAllocateCPU: true,
    currentError: '',
  }),
};

const ON_DEMAND: ConfigKind<OnDemandConfig> = {
  kind: 'on-demand-config',
  readBody(body) {
    const max = intField(body, 'maximumInstanceCount', 0, ON_DEMAND_MAX);
    if (max === undefined)
      throw invalidArgument('maximumInstanceCount: is required (the most on-demand instances at once); got nothing.');
    return (_ctx, { service, fn, qualifier }) => ({
      resource: `services/${service}.${qualifier}/functions/${fn}`,
      maximumInstanceCount: max,
    });
  },
  unset(_ctx, at) {
    throw onDemandNotFound(at);
  },
  notFound: onDemandNotFound,
};

type FunctionParams = [service: string, fn: string];

function putConfig<T>(kind: ConfigKind<T>) {
  return async (ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionParams): Promise<ApiResult> => {
    const build = kind.readBody(await req.readJson());
    const record = await ctx.store.withServiceLock(service, async () => {
      const qualifier = await target(ctx, req, service, fn);
      const dir = configDir<T>(ctx, service, kind.kind, fn);
      const config = await build(ctx, { service, fn, qualifier }, () => dir.get(qualifier));
      await dir.put(qualifier, config);
      return config;
    });
    return ok(kind.answer ? kind.answer(record) : record);
  };
}

function getConfig<T>(kind: ConfigKind<T>) {
  return async (ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionParams): Promise<ApiResult> => {
    const qualifier = await target(ctx, req, service, fn);
    const config = await configDir<T>(ctx, service, kind.kind, fn).get(qualifier);
    return ok(config ?? kind.unset(ctx, { service, fn, qualifier }));
  };
}

function deleteConfig<T>(kind: ConfigKind<T>, notFound: (at: Target) => SandboxError) {
  return async (ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionParams): Promise<ApiResult> => {
    await ctx.store.withServiceLock(service, async () => {
      const qualifier = await target(ctx, req, service, fn);
      const dir = configDir<T>(ctx, service, kind.kind, fn);
      if (!(await dir.get(qualifier))) throw notFound({ service, fn, qualifier });
      await dir.remove(qualifier);
    });
    return noContent();
  };
}

/** PUT and GET of a setting, and DELETE where FC has it. */
function configMethods<T>(kind: ConfigKind<T>): Route['methods'] {
  return {
    PUT: putConfig(kind),
    GET: getConfig(kind),
    ...(kind.notFound ? { DELETE: deleteConfig(kind, kind.notFound) } : {}),
  };
}

// ---- lists ----

/** Paged by qualifier; the token is the qualifier the next page starts at. */
async function listAsyncConfigs(ctx: ApiContext, req: ApiRequest, [service, fn]: FunctionParams): Promise<ApiResult> {
  await requireFunction(ctx, service, fn);
  const query = parsePageQuery(req.query);
  const dir = configDir<AsyncConfig>(ctx, service, 'async-invoke-config', fn);
  const names = (await dir.list())
    .sort(compareNames)
    .filter((q) => query.nextToken === undefined || q >= query.nextToken);
  const configs = [];
  for (const q of names.slice(0, query.limit)) {
    const config = await dir.get(q);
    if (config) configs.push(config);
  }
  const next = names[query.limit];
  return ok(next === undefined ? { configs } : { configs, nextToken: next });
}

/** Every stored setting of one kind in the given services, function by function. */
async function configsIn<T>(ctx: ApiContext, kind: Kind, services: string[]): Promise<T[]> {
  const all: T[] = [];
  for (const service of services) {
    for (const fn of await ctx.store.listFunctionNames(service)) {
      all.push(...(await configDir<T>(ctx, service, kind, fn).all()));
    }
  }
  return all;
}

/** Every provision config of the account, optionally of one service (and qualifier), by resource. */
async function listProvisionConfigs(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const serviceName = req.query.get('serviceName') || undefined;
  const qualifier = req.query.get('qualifier') || undefined;
  if (qualifier && !serviceName) throw invalidArgument('serviceName: is required when qualifier is given.');
  const query = parsePageQuery(req.query);
  const services = serviceName ? [serviceName] : await ctx.store.listServiceNames();
  const all = (await configsIn<ProvisionConfig>(ctx, 'provision-config', services)).filter(
    (config) => !qualifier || config.resource.split('#')[2] === qualifier,
  );
  all.sort((a, b) => compareNames(a.resource, b.resource));
  const from = all.filter((c) => query.nextToken === undefined || c.resource >= query.nextToken);
  const page = from.slice(0, Math.min(query.limit, LIST_LIMIT_MAX));
  const next = from[page.length];
  return ok(next === undefined ? { provisionConfigs: page } : { provisionConfigs: page, nextToken: next.resource });
}

async function listOnDemandConfigs(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const query = parsePageQuery(req.query);
  const all = await configsIn<OnDemandConfig>(ctx, 'on-demand-config', await ctx.store.listServiceNames());
  const matching = all
    .filter(
      (c) =>
        (query.prefix === undefined || c.resource.startsWith(query.prefix)) &&
        (query.nextToken === undefined || c.resource >= query.nextToken),
    )
    .sort((a, b) => compareNames(a.resource, b.resource));
  const page = matching.slice(0, query.limit);
  const next = matching[page.length];
  return ok(next === undefined ? { configs: page } : { configs: page, nextToken: next.resource });
}

const FN = ['services', ':', 'functions', ':'];

export const FUNCTION_CONFIG_ROUTES: Route[] = [
  { pattern: [...FN, 'async-invoke-config'], methods: configMethods(ASYNC_INVOKE) },
  { pattern: [...FN, 'async-invoke-configs'], methods: { GET: listAsyncConfigs } },
  { pattern: [...FN, 'provision-config'], methods: configMethods(PROVISION) },
  { pattern: ['provision-configs'], methods: { GET: listProvisionConfigs } },
  { pattern: [...FN, 'on-demand-config'], methods: configMethods(ON_DEMAND) },
  { pattern: ['on-demand-configs'], methods: { GET: listOnDemandConfigs } },
];
