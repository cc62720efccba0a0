// Tags on services (FC 2.0 tags services only): TagResource, UntagResource, GetResourceTags. The
// resource is named by ARN, `acs:fc:{region}:{accountId}:services/{name}`, or its short form
// `services/{name}`. Stored as `services/<svc>/tags.json`, so they go with the service.
import { readFile } from 'node:fs/promises';

import { isRecord } from '../../core/is-record.js';
import { writeJsonAtomic } from '../atomic.js';
import { invalidArgument } from '../errors.js';
import { serviceResourceDir } from '../json-dir.js';
import { ok, requireService, type ApiContext, type ApiRequest, type ApiResult, type Route } from './common.js';

const TAGS_MAX = 20;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
const RESOURCE_ARN = /^(?:acs:fc:[a-z0-9-]*:[0-9A-Za-z_-]*:)?services\/([A-Za-z_][A-Za-z0-9_-]*)$/;

function serviceOf(arn: unknown): string {
  const service = typeof arn === 'string' ? RESOURCE_ARN.exec(arn)?.[1] : undefined;
  if (service === undefined) {
    throw invalidArgument(
      `resourceArn: must name a service, acs:fc:{region}:{accountId}:services/{name} or services/{name}; got ` +
        `${JSON.stringify(arn ?? null)}.`,
    );
  }
  return service;
}

function tagsFile(ctx: ApiContext, service: string): string {
  return serviceResourceDir(ctx.store.servicesDir, service, 'tags.json');
}

async function readTags(ctx: ApiContext, service: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(tagsFile(ctx, service), 'utf8')) as Record<string, string>;
  } catch {
    return {}; // never tagged
  }
}

function checkTags(tags: unknown): Record<string, string> {
  if (!isRecord(tags) || Object.keys(tags).length === 0) {
    throw invalidArgument(`tags: must be an object of at least one key: value; got ${JSON.stringify(tags ?? null)}.`);
  }
  for (const [key, value] of Object.entries(tags)) {
    if (
      key.length > TAG_KEY_MAX ||
      /^(aliyun|acs:)/i.test(key) ||
      key.includes('http://') ||
      key.includes('https://')
    ) {
      throw invalidArgument(
        `tags: key ${JSON.stringify(key)} must be 1–${TAG_KEY_MAX} characters, not starting with aliyun or acs: ` +
          `and holding no URL.`,
      );
    }
    if (typeof value !== 'string' || value.length > TAG_VALUE_MAX) {
      throw invalidArgument(
        `tags: the value of ${JSON.stringify(key)} must be a string of at most ${TAG_VALUE_MAX} characters.`,
      );
    }
  }
  return tags as Record<string, string>;
}

async function tagResource(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = await req.readJson();
  const service = serviceOf(body.resourceArn);
  const tags = checkTags(body.tags);
  await ctx.store.withServiceLock(service, async () => {
    await requireService(ctx, service);
    const next = { ...(await readTags(ctx, service)), ...tags };
    if (Object.keys(next).length > TAGS_MAX)
      throw invalidArgument(
        `tags: a resource takes at most ${TAGS_MAX} tags; this would make ${Object.keys(next).length}.`,
      );
    await writeJsonAtomic(tagsFile(ctx, service), next);
  });
  return ok({});
}

async function untagResource(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = await req.readJson();
  const service = serviceOf(body.resourceArn);
  const all = body.all === true;
  const keys = body.tagKeys;
  if (!all && (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string'))) {
    throw invalidArgument(
      `tagKeys: must list at least one tag key (or set all: true); got ${JSON.stringify(keys ?? null)}.`,
    );
  }
  await ctx.store.withServiceLock(service, async () => {
    await requireService(ctx, service);
    const current = await readTags(ctx, service);
    const next = all
      ? {}
      : Object.fromEntries(Object.entries(current).filter(([k]) => !(keys as string[]).includes(k)));
    await writeJsonAtomic(tagsFile(ctx, service), next);
  });
  return ok({});
}

async function getResourceTags(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const resourceArn = req.query.get('resourceArn');
  const service = serviceOf(resourceArn);
  await requireService(ctx, service);
  return ok({ resourceArn, tags: await readTags(ctx, service) });
}

export const TAG_ROUTES: Route[] = [
  { pattern: ['tag'], methods: { POST: tagResource, DELETE: untagResource, GET: getResourceTags } },
];

/** ListServices' tag filter: every `tag_<key>=<value>` of the query, as key → value. */
export function tagFilterOf(query: URLSearchParams): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [name, value] of query) if (name.startsWith('tag_') && name.length > 4) filter[name.slice(4)] = value;
  return filter;
}

/** Does the service carry every tag of the filter? */
export async function serviceHasTags(
  ctx: ApiContext,
  service: string,
  filter: Record<string, string>,
): Promise<boolean> {
  const tags = await readTags(ctx, service);
  return Object.entries(filter).every(([key, value]) => tags[key] === value);
}
