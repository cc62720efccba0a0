// HTTP triggers' URLs: /2016-08-15/proxy/{service}[.{qualifier}]/{function}/{path}. The route finds
// the function as the qualifier selects it and its HTTP trigger for that qualifier, then applies the
// trigger as FC does: `authType: function` needs the FC signature (with the query signed),
// `anonymous` none; a method outside `methods` is refused. Running the function needs an executor
// this sandbox does not have yet, so a request that passes every check is answered 501 saying so.
import { functionNotFound, invalidArgument, notImplemented, SandboxError } from '../errors.js';
import type { ApiContext, ApiRequest, ApiResult, Route } from './common.js';
import { triggerDir, type TriggerRecord } from './triggers.js';
import { viewOf } from './versions.js';

export interface ProxyTarget {
  service: string;
  qualifier: string;
  fn: string;
  /** The path below the function, always starting with '/'. */
  path: string;
}

/** Splits `svc[.q]/fn/rest...`; undefined when it names no function. */
export function parseProxyPath(rest: string): ProxyTarget | undefined {
  const [head, fn, ...tail] = rest.split('/');
  if (!head || !fn) return undefined;
  const dot = head.indexOf('.');
  const service = dot < 0 ? head : head.slice(0, dot);
  const qualifier = dot < 0 ? 'LATEST' : head.slice(dot + 1);
  if (!service || !qualifier) return undefined;
  return { service, qualifier, fn, path: `/${tail.join('/')}` };
}

/** The function's HTTP trigger serving this qualifier, or 404 TriggerNotFound. */
async function httpTriggerFor(ctx: ApiContext, target: ProxyTarget): Promise<TriggerRecord> {
  const triggers = await triggerDir(ctx, target.service, target.fn).all();
  const found = triggers.find((t) => t.triggerType === 'http' && (t.qualifier || 'LATEST') === target.qualifier);
  if (!found) {
    throw new SandboxError(
      404,
      'TriggerNotFound',
      `function '${target.fn}' in service '${target.service}' has no HTTP trigger for qualifier ${target.qualifier}`,
    );
  }
  return found;
}

async function proxy(ctx: ApiContext, req: ApiRequest, [rest]: [rest: string]): Promise<ApiResult> {
  const target = parseProxyPath(rest);
  if (!target)
    throw invalidArgument(
      `the proxy path must be /proxy/{service}[.{qualifier}]/{function}/{path}; got '${req.path}'.`,
    );
  const view = await viewOf(ctx, target.service, target.qualifier);
  if (!(await view.getFunction(target.fn))) throw functionNotFound(target.service, target.fn);
  const trigger = await httpTriggerFor(ctx, target);
  const config = trigger.triggerConfig as { authType?: string; methods?: string[] };
  if (config.authType !== 'anonymous') req.authenticate();
  if (!(config.methods ?? []).includes(req.method)) {
    // Inferred status and code: FC refuses a method the trigger does not list.
    throw new SandboxError(
      405,
      'MethodNotAllowed',
      `HTTP trigger '${trigger.triggerName}' takes ${(config.methods ?? []).join(', ')}; got ${req.method}`,
      { Allow: (config.methods ?? []).join(', ') },
    );
  }
  throw notImplemented(
    'HTTP trigger',
    `the request passed trigger '${trigger.triggerName}' (authType ${config.authType}, method ${req.method}), ` +
      `but the fcw sandbox does not run functions yet, so '${target.service}/${target.fn}' cannot answer it`,
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];

export const PROXY_ROUTES: Route[] = [
  { pattern: ['proxy', '*'], methods: Object.fromEntries(METHODS.map((m) => [m, proxy])) },
];
