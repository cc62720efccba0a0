// HTTP triggers' URLs: /2016-08-15/proxy/{service}[.{qualifier}]/{function}/{path}. The route finds
// the function as the qualifier selects it and its HTTP trigger for that qualifier, then applies the
// trigger as FC does: `authType: function` needs the FC signature (with the query signed),
// `anonymous` none; a method outside `methods` is refused. Then the executor runs it with FC's HTTP
// handler interface (Node.js `(request, response, context)`, Python WSGI, a custom runtime's own
// server): its status, headers and body are the answer; a failed function is a 502 with the error.
// A caller without a valid signature learns nothing of what exists (hideMissingTarget).
import { requestContentOf } from '../alias-routing.js';
import { functionNotFound, invalidArgument, notImplemented, SandboxError } from '../errors.js';
import { publicFunction } from '../records.js';
import { SYNC_EVENT_MAX_BYTES } from '../runtime/choices.js';
import { FunctionExecutor, type HttpRequestIn } from '../runtime/executor.js';
import type { ApiContext, ApiRequest, ApiResult, Route } from './common.js';
import { layerZipPathsOf } from './layers.js';
import { triggerDir, type TriggerRecord } from './triggers.js';
import { codeZipPathOf, invocationViewOf } from './versions.js';

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
  return runHttpTrigger(ctx, req, target);
}

/**
 * Runs a request through a function's HTTP trigger, as its proxy URL or a custom domain's route
 * reaches it: the trigger's authType and methods apply, then the function answers.
 */
export async function runHttpTrigger(ctx: ApiContext, req: ApiRequest, target: ProxyTarget): Promise<ApiResult> {
  const { view, record, trigger } = await hideMissingTarget(req, async () => {
    const content = requestContentOf(req.headers, req.query);
    const view = await invocationViewOf(ctx, target.service, target.qualifier, content);
    const record = await view.getFunction(target.fn);
    if (!record) throw functionNotFound(target.service, target.fn);
    return { view, record, trigger: await httpTriggerFor(ctx, target) };
  });
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
  const executor = ctx.executor;
  if (!executor || !record.codeFile) {
    throw notImplemented(
      'HTTP trigger',
      `the request passed trigger '${trigger.triggerName}' (authType ${config.authType}, method ${req.method}), ` +
        `but this sandbox cannot run '${target.service}/${target.fn}'` +
        (record.codeFile ? ' (it has no executor)' : ' (it has no code package)'),
    );
  }
  FunctionExecutor.check(record.runtime); // 501 naming the runtimes it can run, before the body is read
  req.holdOpen();
  const body = await req.readBytes(SYNC_EVENT_MAX_BYTES);
  const result = await executor.invokeHttp(
    {
      serviceName: target.service,
      qualifier: target.qualifier,
      versionId: view.versionId,
      config: publicFunction(record),
      revision: record.etag,
      codeZipPath: codeZipPathOf(ctx, target.service, view, record.codeFile),
      layerZipPaths: await layerZipPathsOf(ctx, record.layers),
    },
    requestIn(req, target),
    body,
    { requestId: req.requestId },
  );
  if (result.errorType) {
    // The function failed: FC's HTTP trigger answers 502 with the error body.
    return {
      status: 502,
      raw: result.body,
      headers: { 'Content-Type': 'application/json', 'X-Fc-Error-Type': result.errorType },
    };
  }
  return { status: result.status, raw: result.body, headers: answerHeaders(result.headers) };
}

/**
 * What a caller without a valid signature (none, or a bad one) learns of a path that reaches no
 * anonymous trigger. FC's answer is not documented. An existing `authType: function` trigger must
 * give such a caller its authentication error (400 MissingRequiredHeader, 403 SignatureNotMatch,
 * ...); were a missing service, alias, function or trigger a 404 for it, an unsigned probe would
 * tell which protected functions exist. So the sandbox's choice: a missing target gives an
 * unverified caller that same authentication error, and only a signed caller the 404 that names
 * what is missing. The cost: a typo in an anonymous trigger's URL, unsigned, is an authentication
 * error rather than a 404.
 */
async function hideMissingTarget<T>(req: ApiRequest, find: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof SandboxError && error.status === 404) req.authenticate();
    throw error;
  }
}

/** The request as the function's handler sees it: the path below the function, its query, the client. */
function requestIn(req: ApiRequest, target: ProxyTarget): HttpRequestIn {
  const queries: Record<string, string | string[]> = {};
  for (const key of new Set(req.query.keys())) {
    const values = req.query.getAll(key);
    queries[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
  const search = req.query.toString();
  return {
    method: req.method,
    path: target.path,
    url: search ? `${target.path}?${search}` : target.path,
    headers,
    queries,
    clientIP: req.clientIP ?? '',
  };
}

/** Headers the server sets itself (length, framing, the request id) are not taken from the function. */
const SERVER_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'x-fc-request-id']);

function answerHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (SERVER_HEADERS.has(name.toLowerCase())) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];

export const PROXY_ROUTES: Route[] = [
  { pattern: ['proxy', '*'], methods: Object.fromEntries(METHODS.map((m) => [m, proxy])) },
];
