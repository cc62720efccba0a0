// The sandbox's HTTP layer: a node:http server that gives every answer an `x-fc-request-id`,
// authenticates everything under /2016-08-15 (auth.ts), hands the request to the API (api.ts) and
// turns what comes back, or what was thrown (server-failures.ts), into FC's JSON. It also guards
// the process: bodies are capped while they stream (request-body.ts), slow or silent clients time
// out, malformed HTTP gets a JSON 400, and no request, however broken, can throw out of a handler.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

import { API_VERSION } from '../fc/limits.js';
import type { Credentials } from '../fc/types.js';
import { handleApi, type ApiContext, type ApiRequest } from './api.js';
import { authenticate } from './auth.js';
import { BodyGate, MAX_BODY_BYTES } from './body.js';
import { serveCodeDownload } from './code-download.js';
import { CODE_URL_PREFIX } from './code-url.js';
import { pathNotSupported } from './errors.js';
import { baseUrlOf, sendJson, sendRaw, splitTarget } from './http-answer.js';
import { type BodyLimits, bodyReaders, LARGE_BODY_LIMITS, type LargeBodyLimits } from './request-body.js';
import { answerFailure, answerMalformedHttp } from './server-failures.js';
import { findCustomDomain, serveCustomDomain } from './routes/custom-domain-requests.js';
import type { RandomSource } from './alias-routing.js';
import type { FunctionExecutor } from './runtime/executor.js';
import type { SandboxStore } from './store.js';

export interface SandboxServerOptions {
  store: SandboxStore;
  accountId: string;
  credentials: Credentials;
  /** Cap on a request body; default: a 100 MB zip in base64 plus JSON. */
  maxBodyBytes?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** One line per answered request (method, path without query, status, time, request id). Never headers or bodies. */
  log?: (line: string) => void;
  /** Overrides of SERVER_TIMEOUTS (tests shorten them). */
  timeouts?: Partial<ServerTimeouts>;
  /** Where the key pair is kept when it came from the data directory; told by /sandbox-info. */
  keyFile?: string;
  /** Overrides of LARGE_BODY_LIMITS (tests lower them). */
  largeBodies?: Partial<LargeBodyLimits>;
  /** Runs functions for InvokeFunction; without one, InvokeFunction answers 501. */
  executor?: FunctionExecutor;
  /** Which version of a weighted alias a call runs is drawn from this (tests fix it). */
  random?: RandomSource;
}

export { LARGE_BODY_LIMITS, type LargeBodyLimits };

/** Unauthenticated: tells a client which key this sandbox expects (never the secret). */
export const SANDBOX_INFO_PATH = '/sandbox-info';

export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
}

/** Time limits that keep slow or stuck clients from holding sockets forever. */
export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  /** All headers must arrive within this. */
  headersMs: 20_000,
  /** The whole request, body included (a 134 MB body over a slow link needs a while). */
  requestMs: 5 * 60_000,
  /** A socket with no traffic at all for this long is closed. */
  idleMs: 60_000,
  keepAliveMs: 5_000,
};

const VERSION_PREFIX = `/${API_VERSION}`;

export interface SandboxServer {
  server: http.Server;
  /** Resolves once no request is being handled (used by close() so writes finish). */
  idle(): Promise<void>;
}

/** What every request to one server shares: its options, clock and body limits. */
interface ServerScope {
  options: SandboxServerOptions;
  now: () => number;
  /** The base URL to answer with when the request's Host does not tell it (see baseUrlOf). */
  fallbackBaseUrl: () => string;
  body: BodyLimits;
}

export function createSandboxServer(options: SandboxServerOptions, fallbackBaseUrl: () => string): SandboxServer {
  const large = { ...LARGE_BODY_LIMITS, ...options.largeBodies };
  const scope: ServerScope = {
    options,
    now: options.now ?? Date.now,
    fallbackBaseUrl,
    body: { maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES, large, gate: new BodyGate(large.concurrent) },
  };
  const inFlight = new Set<Promise<void>>();
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const server = http.createServer({ connectionsCheckingInterval: deadlineCheckMs(timeouts) }, (req, res) => {
    const work = answerRequest(scope, req, res).finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  applyTimeouts(server, timeouts);
  // Malformed HTTP never reaches the handler; answer it in FC's shape instead of Node's plain text.
  server.on('clientError', answerMalformedHttp);

  return {
    server,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * Node checks the headers and request deadlines on this interval (default 30 s): make it fine
 * enough that a deadline is kept to within a quarter of the shortest one.
 */
function deadlineCheckMs(timeouts: ServerTimeouts): number {
  return Math.max(50, Math.min(5_000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)));
}

function applyTimeouts(server: http.Server, timeouts: ServerTimeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.setTimeout(timeouts.idleMs);
  server.maxHeadersCount = 200;
}

/**
 * One request from end to end: its id on every answer, the pipeline, the answer to whatever it
 * threw, and one log line. Never rejects.
 */
async function answerRequest(scope: ServerScope, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { options } = scope;
  const started = Date.now();
  const requestId = randomUUID();
  res.setHeader('x-fc-request-id', requestId);
  await handle(scope, req, res, requestId)
    .catch((error: unknown) =>
      answerFailure(req, res, error, requestId, { maxBodyBytes: scope.body.maxBodyBytes, log: options.log }),
    )
    .finally(() => {
      const { path } = splitTarget(req.url ?? '/');
      options.log?.(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms ${requestId}`);
    });
}

/** The pipeline: unsigned paths, the custom domain or API path, the signature, then the routes. */
async function handle(scope: ServerScope, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const { options } = scope;
  const method = req.method ?? 'GET';
  const { path, query } = splitTarget(req.url ?? '/');
  if (method === 'GET' && (await serveUnsignedPath(scope, res, path, query))) return;

  // A Host that is a stored custom domain is served by that domain's routes, whatever the path.
  const domain = await findCustomDomain(options.store.dataDir, req.headers.host);
  if (!domain && path !== VERSION_PREFIX && !path.startsWith(`${VERSION_PREFIX}/`)) {
    throw pathNotSupported(method, path);
  }
  const checkSignature = signatureCheck(scope, req, method, path, query);
  // An HTTP trigger's URL is signed only when its authType is `function`: the proxy route decides.
  // So is a custom domain's route (its trigger decides).
  if (!domain && !path.startsWith(`${VERSION_PREFIX}/proxy/`)) checkSignature();

  const segments = domain ? [] : apiSegments(method, path);
  const body = bodyReaders(req, scope.body);
  try {
    const apiRequest: ApiRequest = {
      method,
      path,
      segments,
      query,
      headers: req.headers,
      readJson: body.readJson,
      readBytes: body.readBytes,
      // A function may run for its whole timeout (minutes) before its answer: the idle-socket limit
      // must not cut that connection. Headers and request deadlines still apply.
      holdOpen: () => req.socket.setTimeout(0),
      requestId,
      baseUrl: baseUrlOf(req, scope.fallbackBaseUrl()),
      authenticate: checkSignature,
      clientIP: req.socket.remoteAddress,
    };
    const ctx = apiContext(scope);
    const result = domain ? await serveCustomDomain(ctx, apiRequest, domain) : await handleApi(ctx, apiRequest);
    if (result.raw) sendRaw(res, result.status, result.raw, result.headers);
    else sendJson(res, result.status, result.body, result.headers);
  } finally {
    body.release();
  }
}

/** Checks the request's FC signature when called: at once for the API, by the route for a trigger's URL. */
function signatureCheck(
  { options, now }: ServerScope,
  req: IncomingMessage,
  method: string,
  path: string,
  query: URLSearchParams,
): () => void {
  return () =>
    authenticate({
      method,
      path,
      query: Object.fromEntries(query),
      headers: req.headers,
      now: now(),
      accountId: options.accountId,
      credentials: options.credentials,
    });
}

/** The GETs answered without an FC signature: a signed code URL, and /sandbox-info. False for others. */
async function serveUnsignedPath(
  { options, now }: ServerScope,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<boolean> {
  if (path.startsWith(CODE_URL_PREFIX)) {
    const source = { store: options.store, secret: options.credentials.accessKeySecret, now };
    await serveCodeDownload(source, res, path, query);
    return true;
  }
  // fcw deploy --endpoint asks this first, so it signs with the key this sandbox expects (several
  // sandboxes with different keys can run on one machine). The key id and account id are not
  // secrets; the key file is told only when the key lives in the data directory (loopback only:
  // any other --host needs an explicit key pair).
  if (path === SANDBOX_INFO_PATH) {
    sendJson(res, 200, {
      sandbox: 'fcw',
      accountId: options.accountId,
      accessKeyId: options.credentials.accessKeyId,
      keyFile: options.keyFile ?? null,
    });
    return true;
  }
  return false;
}

/** The API path's segments after the version, decoded; a bad %-escape is a path FC does not have. */
function apiSegments(method: string, path: string): string[] {
  try {
    return path
      .slice(VERSION_PREFIX.length + 1)
      .split('/')
      .map(decodeURIComponent);
  } catch {
    throw pathNotSupported(method, path);
  }
}

function apiContext({ options, now }: ServerScope): ApiContext {
  return {
    store: options.store,
    secret: options.credentials.accessKeySecret,
    accountId: options.accountId,
    now,
    executor: options.executor,
    log: options.log,
    random: options.random,
  };
}
