// Custom domains: Create/Get/Update/Delete/ListCustomDomains, stored and answered in FC's shape
// (protocol, routeConfig, certConfig, tlsConfig, wafConfig). Each route must name an existing
// service and function, as FC checks. Requests whose Host is a stored domain are served by its
// routes (custom-domain-requests.ts); the domain's CNAME is not checked.
// Stored as `<data>/custom-domains/<domain>.json`.
import path from 'node:path';

import { isRecord } from '../../core/is-record.js';
import { API_VERSION } from '../../fc/limits.js';
import { customDomainAlreadyExists, customDomainNotFound, invalidArgument } from '../errors.js';
import { JsonDir, type NameCodec } from '../json-dir.js';
import { withLock } from '../lock.js';
import { pageOf, parsePageQuery } from '../paging.js';
import { etagOf, fcTime } from '../records.js';
import { checkIfMatch, noContent, ok, type ApiContext, type ApiRequest, type ApiResult, type Route } from './common.js';

export interface DomainRecord {
  domainName: string;
  accountId: string;
  apiVersion: string;
  protocol: string;
  routeConfig: { routes: Record<string, unknown>[] };
  certConfig: Record<string, unknown>;
  tlsConfig: Record<string, unknown>;
  wafConfig: Record<string, unknown>;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

/** A DNS name in lower case: labels of letters, digits and -, at least two, at most 255 characters. */
export const DOMAIN = /^(?=.{1,255}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP,HTTPS'];

const DOMAIN_CODEC: NameCodec = {
  toFile: (name) => {
    if (!DOMAIN.test(name)) throw new Error(`not a domain name: ${name}`);
    return `${name}.json`;
  },
  fromFile: (file) => (file.endsWith('.json') && DOMAIN.test(file.slice(0, -5)) ? file.slice(0, -5) : undefined),
};

export function storedDomains(dataDir: string): JsonDir<DomainRecord> {
  return new JsonDir<DomainRecord>(path.join(dataDir, 'custom-domains'), DOMAIN_CODEC);
}

function domains(ctx: ApiContext): JsonDir<DomainRecord> {
  return storedDomains(ctx.store.dataDir);
}

function lockFor(ctx: ApiContext, domain: string): string {
  return path.join(ctx.store.dataDir, 'locks', `domain-${domain}.lock`);
}

async function checkRoutes(ctx: ApiContext, value: unknown): Promise<{ routes: Record<string, unknown>[] }> {
  if (value === undefined || value === null) return { routes: [] };
  if (!isRecord(value) || !Array.isArray(value.routes)) {
    throw invalidArgument(
      `routeConfig: must be an object {routes: [{path, serviceName, functionName, qualifier, methods}]}; got ` +
        `${JSON.stringify(value)}.`,
    );
  }
  for (const [i, route] of value.routes.entries()) {
    if (!isRecord(route) || typeof route.path !== 'string' || !route.path.startsWith('/')) {
      throw invalidArgument(
        `routeConfig.routes[${i}].path: must be a path starting with /, e.g. /api/*; got ` +
          `${JSON.stringify(isRecord(route) ? route.path : route)}.`,
      );
    }
    for (const field of ['serviceName', 'functionName']) {
      if (typeof route[field] !== 'string' || route[field] === '') {
        throw invalidArgument(
          `routeConfig.routes[${i}].${field}: is required; got ${JSON.stringify(route[field] ?? null)}.`,
        );
      }
    }
    const service = route.serviceName as string;
    const fn = route.functionName as string;
    if (!(await ctx.store.getService(service)))
      throw invalidArgument(`routeConfig.routes[${i}].serviceName: service '${service}' does not exist.`);
    if (!(await ctx.store.getFunction(service, fn))) {
      throw invalidArgument(
        `routeConfig.routes[${i}].functionName: function '${fn}' does not exist in service '${service}'.`,
      );
    }
  }
  return value as { routes: Record<string, unknown>[] };
}

function objectField(
  body: Record<string, unknown>,
  field: string,
  fallback: Record<string, unknown>,
): Record<string, unknown> {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (!isRecord(v)) throw invalidArgument(`${field}: must be an object; got ${JSON.stringify(v)}.`);
  return v;
}

function checkProtocol(v: unknown): string {
  if (typeof v !== 'string' || !PROTOCOLS.includes(v))
    throw invalidArgument(`protocol: must be ${PROTOCOLS.join(' or ')}; got ${JSON.stringify(v ?? null)}.`);
  return v;
}

function publicDomain(record: DomainRecord): Omit<DomainRecord, 'etag'> {
  const { etag: _etag, ...info } = record;
  return info;
}

async function createCustomDomain(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = await req.readJson();
  const name = body.domainName;
  if (typeof name !== 'string' || !DOMAIN.test(name)) {
    throw invalidArgument(
      `domainName: must be a lower-case domain name such as api.example.com; got ${JSON.stringify(name ?? null)}.`,
    );
  }
  const protocol = checkProtocol(body.protocol ?? 'HTTP');
  const certConfig = objectField(body, 'certConfig', {});
  // FC needs a certificate for HTTPS; the sandbox checks that one is given, not that it is valid.
  if (
    protocol !== 'HTTP' &&
    (typeof certConfig.certificate !== 'string' || typeof certConfig.privateKey !== 'string')
  ) {
    throw invalidArgument(
      `certConfig: protocol ${protocol} needs certConfig.certificate and certConfig.privateKey (PEM).`,
    );
  }
  const routeConfig = await checkRoutes(ctx, body.routeConfig);
  const record = await withLock(lockFor(ctx, name), `custom domain '${name}'`, async () => {
    const dir = domains(ctx);
    if (await dir.get(name)) throw customDomainAlreadyExists(name);
    const now = fcTime(ctx.now());
    const next: DomainRecord = {
      domainName: name,
      accountId: ctx.accountId,
      apiVersion: API_VERSION,
      protocol,
      routeConfig,
      certConfig,
      tlsConfig: objectField(body, 'tlsConfig', {}),
      wafConfig: objectField(body, 'wafConfig', { enableWAF: false }),
      createdTime: now,
      lastModifiedTime: now,
      etag: '',
    };
    next.etag = etagOf(next);
    await dir.put(name, next);
    return next;
  });
  return ok(publicDomain(record), record.etag);
}

async function requireDomain(ctx: ApiContext, name: string): Promise<DomainRecord> {
  const record = await domains(ctx).get(name);
  if (!record) throw customDomainNotFound(name);
  return record;
}

async function getCustomDomain(ctx: ApiContext, _req: ApiRequest, [name]: [name: string]): Promise<ApiResult> {
  const record = await requireDomain(ctx, name);
  return ok(publicDomain(record), record.etag);
}

async function updateCustomDomain(ctx: ApiContext, req: ApiRequest, [name]: [name: string]): Promise<ApiResult> {
  const body = await req.readJson();
  const routeConfig = body.routeConfig === undefined ? undefined : await checkRoutes(ctx, body.routeConfig);
  const record = await withLock(lockFor(ctx, name), `custom domain '${name}'`, async () => {
    const current = await requireDomain(ctx, name);
    checkIfMatch(req, current.etag);
    const next: DomainRecord = {
      ...current,
      protocol: body.protocol === undefined ? current.protocol : checkProtocol(body.protocol),
      routeConfig: routeConfig ?? current.routeConfig,
      certConfig: objectField(body, 'certConfig', current.certConfig),
      tlsConfig: objectField(body, 'tlsConfig', current.tlsConfig),
      wafConfig: objectField(body, 'wafConfig', current.wafConfig),
      lastModifiedTime: fcTime(ctx.now()),
    };
    next.etag = etagOf(next);
    await domains(ctx).put(name, next);
    return next;
  });
  return ok(publicDomain(record), record.etag);
}

async function deleteCustomDomain(ctx: ApiContext, req: ApiRequest, [name]: [name: string]): Promise<ApiResult> {
  await withLock(lockFor(ctx, name), `custom domain '${name}'`, async () => {
    const current = await requireDomain(ctx, name);
    checkIfMatch(req, current.etag);
    await domains(ctx).remove(name);
  });
  return noContent();
}

async function listCustomDomains(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const dir = domains(ctx);
  const page = pageOf(await dir.list(), parsePageQuery(req.query));
  const customDomains = [];
  for (const name of page.names) {
    const record = await dir.get(name);
    if (record) customDomains.push(publicDomain(record));
  }
  return ok(page.nextToken === undefined ? { customDomains } : { customDomains, nextToken: page.nextToken });
}

export const CUSTOM_DOMAIN_ROUTES: Route[] = [
  { pattern: ['custom-domains'], methods: { GET: listCustomDomains, POST: createCustomDomain } },
  {
    pattern: ['custom-domains', ':'],
    methods: { GET: getCustomDomain, PUT: updateCustomDomain, DELETE: deleteCustomDomain },
  },
];
