// Triggers: CreateTrigger, GetTrigger, ListTriggers (paged like ListFunctions), UpdateTrigger
// (If-Match), DeleteTrigger, for every FC 2.0 trigger type, each triggerConfig checked as FC does
// (trigger-config.ts). Stored under the service: `services/<svc>/triggers/<fn>/<trigger>.json`.
import { randomUUID } from 'node:crypto';

import { isRecord } from '../../core/is-record.js';
import { API_VERSION } from '../../fc/limits.js';
import { NAME_PATTERN } from '../../fc/rules.js';
import { invalidArgument, triggerAlreadyExists, triggerNotFound } from '../errors.js';
import { JsonDir, serviceResourceDir } from '../json-dir.js';
import { pageOf, parsePageQuery } from '../paging.js';
import { etagOf, fcTime } from '../records.js';
import {
  checkIfMatch,
  noContent,
  ok,
  requireFunction,
  stringField,
  type ApiContext,
  type ApiRequest,
  type ApiResult,
  type Route,
} from './common.js';
import { encodeName } from '../store.js';
import { checkTrigger } from './trigger-config.js';
import { versionIdOf } from './versions.js';

export interface TriggerRecord {
  triggerId: string;
  triggerName: string;
  description: string;
  triggerType: string;
  sourceArn: string;
  invocationRole: string;
  qualifier: string;
  triggerConfig: Record<string, unknown>;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

const TRIGGER_NAME_MAX = 128;

export function triggerDir(ctx: ApiContext, service: string, fn: string): JsonDir<TriggerRecord> {
  return new JsonDir<TriggerRecord>(serviceResourceDir(ctx.store.servicesDir, service, 'triggers', encodeName(fn)));
}

/** The answer: the record without bookkeeping, plus the URLs an HTTP trigger is reached at. */
export function publicTrigger(
  record: TriggerRecord,
  req: ApiRequest,
  service: string,
  fn: string,
): Record<string, unknown> {
  const { etag: _etag, ...info } = record;
  if (record.triggerType !== 'http') return info;
  const url = `${req.baseUrl}/${API_VERSION}/proxy/${service}.${record.qualifier || 'LATEST'}/${fn}/`;
  return { ...info, urlInternet: url, urlIntranet: url };
}

function checkTriggerName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw invalidArgument(`triggerName: is required; got ${JSON.stringify(name ?? null)}.`);
  if (name.length > TRIGGER_NAME_MAX || !NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `triggerName: must be 1–${TRIGGER_NAME_MAX} letters, digits, _ and -, starting with a letter or _; got ` +
        `${JSON.stringify(name)}.`,
    );
  }
  return name;
}

function checkQualifier(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'LATEST';
  if (typeof value !== 'string' || !/^(LATEST|[1-9][0-9]*|[A-Za-z_][A-Za-z0-9_-]{0,127})$/.test(value)) {
    throw invalidArgument(
      `qualifier: must be LATEST, a version number or an alias name; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

async function createTrigger(
  ctx: ApiContext,
  req: ApiRequest,
  [service, fn]: [service: string, fn: string],
): Promise<ApiResult> {
  const body = await req.readJson();
  await requireFunction(ctx, service, fn);
  const name = checkTriggerName(body.triggerName);
  const problem = checkTrigger(body as { triggerType: unknown; triggerConfig: unknown });
  if (problem) throw invalidArgument(problem);
  const description = stringField(body, 'description', false) ?? '';
  const qualifier = checkQualifier(body.qualifier);
  const record = await ctx.store.withServiceLock(service, async () => {
    await requireFunction(ctx, service, fn);
    // A trigger for a version or alias needs it to exist (404 VersionNotFound / AliasNotFound).
    if (qualifier !== 'LATEST') await versionIdOf(ctx, service, qualifier);
    const dir = triggerDir(ctx, service, fn);
    if (await dir.get(name)) throw triggerAlreadyExists(service, fn, name);
    if (body.triggerType === 'http') {
      // FC allows one HTTP trigger per function: the proxy URL names the function, not the trigger.
      const other = (await dir.all()).find((t) => t.triggerType === 'http');
      if (other)
        throw invalidArgument(
          `triggerType: function '${fn}' already has the HTTP trigger '${other.triggerName}'; a function takes one ` +
            `HTTP trigger.`,
        );
    }
    const now = fcTime(ctx.now());
    const next: TriggerRecord = {
      triggerId: randomUUID(),
      triggerName: name,
      description,
      triggerType: body.triggerType as string,
      sourceArn: (body.sourceArn as string | undefined) ?? '',
      invocationRole: (body.invocationRole as string | undefined) ?? '',
      qualifier,
      triggerConfig: body.triggerConfig as Record<string, unknown>,
      createdTime: now,
      lastModifiedTime: now,
      etag: '',
    };
    next.etag = etagOf(next);
    await dir.put(name, next);
    return next;
  });
  return ok(publicTrigger(record, req, service, fn), record.etag);
}

async function requireTrigger(ctx: ApiContext, service: string, fn: string, name: string): Promise<TriggerRecord> {
  await requireFunction(ctx, service, fn);
  const record = await triggerDir(ctx, service, fn).get(name);
  if (!record) throw triggerNotFound(service, fn, name);
  return record;
}

async function getTrigger(
  ctx: ApiContext,
  req: ApiRequest,
  [service, fn, name]: [service: string, fn: string, name: string],
): Promise<ApiResult> {
  const record = await requireTrigger(ctx, service, fn, name);
  return ok(publicTrigger(record, req, service, fn), record.etag);
}

async function listTriggers(
  ctx: ApiContext,
  req: ApiRequest,
  [service, fn]: [service: string, fn: string],
): Promise<ApiResult> {
  await requireFunction(ctx, service, fn);
  const dir = triggerDir(ctx, service, fn);
  const page = pageOf(await dir.list(), parsePageQuery(req.query));
  const triggers = [];
  for (const name of page.names) {
    const record = await dir.get(name);
    if (record) triggers.push(publicTrigger(record, req, service, fn));
  }
  return ok(page.nextToken === undefined ? { triggers } : { triggers, nextToken: page.nextToken });
}

const UPDATABLE = new Set(['description', 'invocationRole', 'qualifier', 'triggerConfig']);

async function updateTrigger(
  ctx: ApiContext,
  req: ApiRequest,
  [service, fn, name]: [service: string, fn: string, name: string],
): Promise<ApiResult> {
  const body = await req.readJson();
  for (const key of ['triggerName', 'triggerType', 'sourceArn']) {
    if (body[key] !== undefined && body[key] !== null) {
      const current = await requireTrigger(ctx, service, fn, name);
      if (body[key] !== (current as unknown as Record<string, unknown>)[key]) {
        throw invalidArgument(
          `${key}: cannot be changed by UpdateTrigger; got ${JSON.stringify(body[key])}. Delete the trigger and ` +
            `create a new one.`,
        );
      }
    }
  }
  const record = await ctx.store.withServiceLock(service, async () => {
    const current = await requireTrigger(ctx, service, fn, name);
    checkIfMatch(req, current.etag);
    const next: TriggerRecord = { ...current };
    for (const [key, value] of Object.entries(body)) {
      if (!UPDATABLE.has(key) || value === undefined || value === null) continue;
      if (key === 'triggerConfig') {
        if (!isRecord(value)) throw invalidArgument(`triggerConfig: must be an object; got ${JSON.stringify(value)}.`);
        next.triggerConfig = { ...current.triggerConfig, ...value };
      } else if (key === 'qualifier') next.qualifier = checkQualifier(value);
      else next[key as 'description' | 'invocationRole'] = stringField(body, key, true) as string;
    }
    const problem = checkTrigger(next);
    if (problem) throw invalidArgument(problem);
    if (next.qualifier !== 'LATEST' && next.qualifier !== current.qualifier)
      await versionIdOf(ctx, service, next.qualifier);
    next.lastModifiedTime = fcTime(ctx.now());
    next.etag = etagOf(next);
    await triggerDir(ctx, service, fn).put(name, next);
    return next;
  });
  return ok(publicTrigger(record, req, service, fn), record.etag);
}

async function deleteTrigger(
  ctx: ApiContext,
  req: ApiRequest,
  [service, fn, name]: [service: string, fn: string, name: string],
): Promise<ApiResult> {
  await ctx.store.withServiceLock(service, async () => {
    const current = await requireTrigger(ctx, service, fn, name);
    checkIfMatch(req, current.etag);
    await triggerDir(ctx, service, fn).remove(name);
  });
  return noContent();
}

export const TRIGGER_ROUTES: Route[] = [
  { pattern: ['services', ':', 'functions', ':', 'triggers'], methods: { GET: listTriggers, POST: createTrigger } },
  {
    pattern: ['services', ':', 'functions', ':', 'triggers', ':'],
    methods: { GET: getTrigger, PUT: updateTrigger, DELETE: deleteTrigger },
  },
];
