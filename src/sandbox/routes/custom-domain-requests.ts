// Requests to a custom domain: a request whose Host is a stored domain runs the function its
// matching route names, through that function's HTTP trigger, as FC does once the domain's CNAME
// points at it. The function sees the whole path (no prefix is taken off). A route's path is
// either exact (`/login`) or a prefix ending in `/*` (`/api/*`, `/*`); an exact route wins, then
// the longest prefix.
import { SandboxError } from '../errors.js';
import type { ApiContext, ApiRequest, ApiResult } from './common.js';
import { DOMAIN, storedDomains, type DomainRecord } from './custom-domains.js';
import { runHttpTrigger } from './http-proxy.js';

export interface DomainRoute {
  path: string;
  serviceName: string;
  functionName: string;
  qualifier?: string;
  methods?: string[];
}

/** FC's own API host names, which are never a user's custom domain: no lookup for them. */
const FC_API_HOST = /\.fc\.aliyuncs\.com$/;

/** The stored domain a Host header names (its port ignored), or undefined: most requests name none. */
export async function findCustomDomain(dataDir: string, host: string | undefined): Promise<DomainRecord | undefined> {
  if (!host) return undefined;
  const name = host.replace(/:\d{1,5}$/, '').toLowerCase();
  if (!DOMAIN.test(name) || FC_API_HOST.test(name)) return undefined;
  return storedDomains(dataDir).get(name);
}

/** The route serving a path: an exact one, else the one with the longest `/*` prefix. */
export function matchDomainRoute(routes: readonly DomainRoute[], path: string): DomainRoute | undefined {
  const exact = routes.find((route) => !route.path.endsWith('/*') && route.path === path);
  if (exact) return exact;
  let best: DomainRoute | undefined;
  for (const route of routes) {
    if (!route.path.endsWith('/*')) continue;
    const prefix = route.path.slice(0, -1); // keeps the '/'
    const matches = path.startsWith(prefix) || path === prefix.slice(0, -1);
    if (matches && (!best || route.path.length > best.path.length)) best = route;
  }
  return best;
}

export async function serveCustomDomain(ctx: ApiContext, req: ApiRequest, domain: DomainRecord): Promise<ApiResult> {
  const routes = domain.routeConfig.routes as unknown as DomainRoute[];
  const route = matchDomainRoute(routes, req.path);
  if (!route) {
    // Inferred code: FC's text for a path no route serves is not documented.
    throw new SandboxError(
      404,
      'RouteNotFound',
      `custom domain '${domain.domainName}' has no route for path '${req.path}'; its routes: ` +
        (routes.map((r) => r.path).join(', ') || 'none'),
    );
  }
  if (route.methods?.length && !route.methods.includes(req.method)) {
    throw new SandboxError(
      405,
      'MethodNotAllowed',
      `route '${route.path}' of custom domain '${domain.domainName}' takes ${route.methods.join(', ')}; ` +
        `got ${req.method}`,
      { Allow: route.methods.join(', ') },
    );
  }
  return runHttpTrigger(ctx, req, {
    service: route.serviceName,
    qualifier: route.qualifier || 'LATEST',
    fn: route.functionName,
    path: req.path,
  });
}
