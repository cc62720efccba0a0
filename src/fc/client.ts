// The FC 2.0 HTTP client, on Node 20's global fetch. Every call is signed (sign.ts), bounded by a
// timeout combined with the caller's AbortSignal, retried only when that is safe (retry.ts), and
// fails with a typed error (errors.ts) that holds no secret. Calls that carry a zip stream their
// JSON body in chunks (request-body.ts).
import { base64Size } from '../core/bytes.js';
import { CancelledError, ConfigError, FailedError } from '../core/errors.js';
import { maskKeyId } from '../core/key-id.js';
import { readAnswerBody } from './answer-body.js';
import { ACCOUNT_ID, checkEndpoint } from './endpoint.js';
import { FcApiError, FcNetworkError, FcOutcomeUnknownError, FcTimeoutError } from './errors.js';
import { API_VERSION, TIMEOUT_MAX_S } from './limits.js';
import { contentMd5, zipJsonBody, type ChunkedJsonBody } from './request-body.js';
import { withSmallYoungGeneration } from '../package/young-generation.js';
import { isZipOnDisk, zipByteLength, type ZipBytes } from '../core/zip-on-disk.js';
import {
  MAX_RETRY_AFTER_MS,
  backoffDelayMs,
  retryAfterDelayMs,
  isRetryable,
  parseRetryAfter,
  sleep,
  type FailureKind,
} from './retry.js';
import { authorizationHeader } from './sign.js';
import type {
  CreateServiceRequest,
  Credentials,
  FunctionConfig,
  FunctionInfo,
  ListOptions,
  ServiceInfo,
} from './types.js';

/** The code of a create or update: an inline zip with its CRC-64, or an object already in OSS. */
export type CodeUpload =
  { kind: 'zip'; zip: ZipBytes; checksum: string } | { kind: 'oss'; bucket: string; object: string };

export interface ApiResult<T> {
  data: T;
  /** `x-fc-request-id` of the answer (for lists: of the last page). */
  requestId: string;
  etag?: string;
  /**
   * Set when the call itself timed out or lost its connection and the result is what reading the
   * function back showed: our change is there, so the call counts as done.
   */
  readBack?: true;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export interface InvokeOptions extends CallOptions {
  /** `Async`: FC queues the event and answers 202 with no body. Default: synchronous. */
  async?: boolean;
  /** A version or alias; default: LATEST (sent as no qualifier). */
  qualifier?: string;
  /** Ask for the last 4 KB of the invocation's log (`X-Fc-Log-Type: Tail`); default true for sync calls. */
  logTail?: boolean;
}

export interface InvokeResult {
  /** The function's answer as bytes (empty for an async call). */
  body: Buffer;
  /** 200 for a sync answer (a function error too), 202 for an accepted async call. */
  status: number;
  /** The last 4 KB of the function's log, decoded from `x-fc-log-result`. */
  logTail?: string;
  /** `HandledInvocationError` or `UnhandledInvocationError` when the function failed. */
  errorType?: string;
  /** `x-fc-code-checksum`: the CRC-64 of the code that ran. */
  codeChecksum?: string;
  /** `x-fc-invocation-duration`, in ms. */
  durationMs?: number;
  /** `x-fc-max-memory-usage`, in MB. */
  maxMemoryMB?: number;
}

export interface FcClientOptions {
  /** An origin: `https://{account}.{region}.fc.aliyuncs.com` (see cloudEndpoint) or any URL for a custom endpoint. */
  endpoint: string;
  accountId: string;
  credentials: Credentials;
  /**
   * Per attempt, default 60 s; calls carrying code get extra time for the upload. Also caps a
   * read's attempt (see readTimeoutMs).
   */
  timeoutMs?: number;
  /** Per attempt of a read (GET); default 15 s, never more than timeoutMs. */
  readTimeoutMs?: number;
  /** All attempts of one read and the pauses between them; default 50 s. */
  readTotalMs?: number;
  /** Retries after the first attempt where retrying is safe; default 3. */
  retries?: number;
  fetch?: typeof fetch;
  /** The wait before retry number `retry` (0-based). Default: exponential backoff with jitter. */
  retryDelayMs?: (retry: number) => number;
  /** The clock for the Date header. */
  now?: () => Date;
  /** Where debug lines go. Default: stderr when FCW_DEBUG=1 in `env`. */
  debug?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/** The calls describeRequest can show (for --dry-run), built exactly as they would be sent. */
export type PlannedCall =
  | { action: 'ListServices'; options?: ListOptions }
  | { action: 'CreateService'; request: CreateServiceRequest }
  | { action: 'GetService'; service: string }
  | { action: 'ListFunctions'; service: string; options?: ListOptions }
  | { action: 'GetFunction'; service: string; functionName: string }
  | { action: 'CreateFunction'; service: string; config: FunctionConfig; code?: CodeUpload }
  | {
      action: 'UpdateFunction';
      service: string;
      functionName: string;
      config: Partial<FunctionConfig>;
      code?: CodeUpload;
      ifMatch?: string;
    }
  | { action: 'DeleteFunction'; service: string; functionName: string }
  | {
      action: 'InvokeFunction';
      service: string;
      functionName: string;
      payload?: string | Uint8Array;
      qualifier?: string;
      async?: boolean;
      logTail?: boolean;
    };

export interface RequestDescription {
  action: string;
  method: string;
  url: string;
  /** As sent, with Authorization's signature and x-fc-security-token redacted. */
  headers: Record<string, string>;
  /** The JSON body with zipFile shown as `<zip N bytes, crc64 X>`; raw bodies as `<N bytes>`. */
  body?: unknown;
}

/** Per attempt of a write. Long, because a write that times out is never sent again. */
const WRITE_TIMEOUT_MS = 60_000;
/**
 * Per attempt of a read. FC answers a GET in well under a second; a silent server is better met
 * by asking again soon than by one long wait.
 */
const READ_ATTEMPT_TIMEOUT_MS = 15_000;
/**
 * A read's attempts and pauses together stop here: a server that never answers costs about 45 s
 * (three 15 s attempts), not the 4 minutes of four 60 s attempts.
 */
const READ_TOTAL_TIMEOUT_MS = 50_000;
const DEFAULT_RETRIES = 3;
/** Uploads get their timeout stretched as if the link moved at least this fast. */
const MIN_UPLOAD_BYTES_PER_S = 256 * 1024;
const PAGE_LIMIT_MAX = 100;
/** A listing longer than this many pages is treated as a service fault, not followed forever. */
const MAX_PAGES = 10_000;
const REDACTED = '<redacted>';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

type SpecBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'zip-json'; fields: Record<string, unknown>; zip: ZipBytes; checksum: string }
  | { kind: 'raw'; bytes: Uint8Array; contentType: string };

/** One API call before it is signed: everything but the Date and the signature. */
interface RequestSpec {
  action: string;
  method: Method;
  /** After the version prefix, segments already encoded: `/services/demo/functions`. */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
  body?: SpecBody;
}

/** A body ready to send: its length, its digest and a fresh stream or buffer per attempt. */
interface PreparedBody {
  length: number;
  contentType: string;
  /** Signed: see contentMd5 in request-body.ts. */
  contentMd5: string;
  open(): Uint8Array | ReadableStream<Uint8Array>;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  requestId: string;
}

/** An attempt that got no answer, with the error to throw if it is not retried. */
class AttemptFailure {
  constructor(
    readonly kind: FailureKind,
    readonly error: FcNetworkError | FcTimeoutError,
  ) {}
}

const enc = encodeURIComponent;
const servicePath = (service: string) => `/services/${enc(service)}`;
const functionPath = (service: string, fn: string) => `${servicePath(service)}/functions/${enc(fn)}`;

function userAgent(): string {
  const version = typeof __FCW_VERSION__ === 'string' ? __FCW_VERSION__ : '0.0.0';
  return `fcw/${version}`;
}

/** The system/undici code of a fetch failure: `fetch failed` hides it in `cause`. */
function networkCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } };
  const code = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.code;
  if (typeof code === 'string') return code;
  // Node's fetch refuses the Fetch standard's blocked ports (1, 9, 6000, 6665-6669, 10080, ...)
  // before connecting, with no code: name it, so the hint can say what to change.
  if (e?.cause?.message === 'bad port') return 'BAD_PORT';
  return '';
}

/** Codes that mean no byte of the request reached the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'BAD_PORT']);

/** True for values a service may echo as absent: undefined, null, '', {}, []. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

export class FcClient {
  readonly endpoint: string;
  readonly accountId: string;
  readonly #credentials: Credentials;
  readonly #timeoutMs: number;
  readonly #readTimeoutMs: number;
  readonly #readTotalMs: number;
  readonly #retries: number;
  readonly #fetch: typeof fetch;
  readonly #retryDelayMs: (retry: number) => number;
  readonly #now: () => Date;
  readonly #debug?: (line: string) => void;

  constructor(options: FcClientOptions) {
    this.endpoint = checkEndpoint(options.endpoint);
    if (!ACCOUNT_ID.test(options.accountId)) {
      throw new ConfigError('accountId', `Account id "${options.accountId}" is not valid: it is a number.`);
    }
    this.accountId = options.accountId;
    const { accessKeyId, accessKeySecret, securityToken } = options.credentials;
    if (!accessKeyId || !accessKeySecret) {
      throw new ConfigError('credentials', 'An AccessKey id and secret are needed to sign requests.');
    }
    if (accessKeyId.startsWith('STS.') && !securityToken) {
      throw new ConfigError(
        'credentials',
        'The AccessKey id starts with "STS." but no security token was given.',
        'An STS key is signed together with its security token (ALIBABA_CLOUD_SECURITY_TOKEN).',
      );
    }
    this.#credentials = { ...options.credentials };
    this.#timeoutMs = options.timeoutMs ?? WRITE_TIMEOUT_MS;
    this.#readTimeoutMs = options.readTimeoutMs ?? Math.min(this.#timeoutMs, READ_ATTEMPT_TIMEOUT_MS);
    this.#readTotalMs = options.readTotalMs ?? READ_TOTAL_TIMEOUT_MS;
    this.#retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#retryDelayMs = options.retryDelayMs ?? ((retry) => backoffDelayMs(retry));
    this.#now = options.now ?? (() => new Date());
    const env = options.env ?? process.env;
    this.#debug = options.debug ?? (env.FCW_DEBUG === '1' ? (line) => process.stderr.write(`${line}\n`) : undefined);
  }

  // The credentials live in a private field: they do not show in console.log, JSON or util.inspect.
  toJSON() {
    return { endpoint: this.endpoint, accountId: this.accountId };
  }

  // ---- the API ----

  listServices(options: ListOptions & CallOptions = {}): Promise<ApiResult<ServiceInfo[]>> {
    return this.#listAll<ServiceInfo>(
      'services',
      (opts) => this.#spec({ action: 'ListServices', options: opts }),
      options,
    );
  }

  async createService(request: CreateServiceRequest, options: CallOptions = {}): Promise<ApiResult<ServiceInfo>> {
    return this.#json<ServiceInfo>(this.#spec({ action: 'CreateService', request }), options);
  }

  async getService(service: string, options: CallOptions = {}): Promise<ApiResult<ServiceInfo>> {
    return this.#json<ServiceInfo>(this.#spec({ action: 'GetService', service }), options);
  }

  listFunctions(service: string, options: ListOptions & CallOptions = {}): Promise<ApiResult<FunctionInfo[]>> {
    return this.#listAll<FunctionInfo>(
      'functions',
      (opts) => this.#spec({ action: 'ListFunctions', service, options: opts }),
      options,
    );
  }

  async getFunction(
    service: string,
    functionName: string,
    options: CallOptions = {},
  ): Promise<ApiResult<FunctionInfo>> {
    return this.#json<FunctionInfo>(this.#spec({ action: 'GetFunction', service, functionName }), options);
  }

  async createFunction(
    service: string,
    config: FunctionConfig,
    code: CodeUpload | undefined,
    options: CallOptions = {},
  ): Promise<ApiResult<FunctionInfo>> {
    const spec = this.#spec({ action: 'CreateFunction', service, config, code });
    return this.#withReadBack(spec, service, config.functionName, config, code, undefined, options);
  }

  async updateFunction(
    service: string,
    functionName: string,
    config: Partial<FunctionConfig>,
    code: CodeUpload | undefined,
    options: CallOptions & { ifMatch?: string } = {},
  ): Promise<ApiResult<FunctionInfo>> {
    const spec = this.#spec({
      action: 'UpdateFunction',
      service,
      functionName,
      config,
      code,
      ifMatch: options.ifMatch,
    });
    const { functionName: _name, ...fields } = config;
    return this.#withReadBack(spec, service, functionName, fields, code, options.ifMatch, options);
  }

  async deleteFunction(service: string, functionName: string, options: CallOptions = {}): Promise<ApiResult<void>> {
    const answer = await this.#send(this.#spec({ action: 'DeleteFunction', service, functionName }), options);
    return { data: undefined, requestId: answer.requestId };
  }

  /**
   * InvokeFunction, sync or async. A function error is data (errorType), not a throw. Sent exactly
   * once, never retried: even a refused connection is not tried again, since running a function
   * twice is a side effect the caller did not ask for.
   */
  async invokeFunction(
    service: string,
    functionName: string,
    payload?: string | Uint8Array,
    options: InvokeOptions = {},
  ): Promise<ApiResult<InvokeResult>> {
    const { qualifier, async, logTail } = options;
    const spec = this.#spec({ action: 'InvokeFunction', service, functionName, payload, qualifier, async, logTail });
    // The function itself may run for its whole timeout before the answer comes.
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs + TIMEOUT_MAX_S * 1000;
    this.#throwIfAborted(spec.action, options.signal);
    const answer = await this.#attempt(spec, this.#prepareBodySync(spec.body), timeoutMs, options.signal);
    if (answer instanceof AttemptFailure) throw answer.error;
    if (answer.status < 200 || answer.status >= 300) throw this.#apiError(spec.action, answer);
    const header = (name: string) => answer.headers.get(name) ?? undefined;
    const number = (name: string) => {
      const value = Number.parseFloat(header(name) ?? '');
      return Number.isFinite(value) ? value : undefined;
    };
    const log = header('x-fc-log-result');
    return {
      data: {
        body: answer.body,
        status: answer.status,
        logTail: log ? Buffer.from(log, 'base64').toString('utf8') : undefined,
        errorType: header('x-fc-error-type'),
        codeChecksum: header('x-fc-code-checksum'),
        durationMs: number('x-fc-invocation-duration'),
        maxMemoryMB: number('x-fc-max-memory-usage'),
      },
      requestId: answer.requestId,
    };
  }

  /** What a call would send, for --dry-run: the same request, signed, with secrets redacted. */
  describeRequest(call: PlannedCall): RequestDescription {
    const spec = this.#spec(call);
    const { url, headers } = this.#signed(spec, this.#prepareBodySync(spec.body));
    headers.authorization = `FC ${maskKeyId(this.#credentials.accessKeyId)}:${REDACTED}`;
    if (headers['x-fc-security-token'] !== undefined) headers['x-fc-security-token'] = REDACTED;
    let body: unknown;
    if (spec.body?.kind === 'json') body = spec.body.value;
    else if (spec.body?.kind === 'raw') body = `<${spec.body.bytes.byteLength} bytes>`;
    else if (spec.body?.kind === 'zip-json') {
      const { code: _c, ...fields } = spec.body.fields;
      body = {
        ...fields,
        code: { zipFile: `<zip ${zipByteLength(spec.body.zip)} bytes, crc64 ${spec.body.checksum}>` },
      };
    }
    return { action: spec.action, method: spec.method, url: url.href, headers, body };
  }

  // ---- building requests ----

  #spec(call: PlannedCall): RequestSpec {
    switch (call.action) {
      case 'ListServices':
        return { action: call.action, method: 'GET', path: '/services', query: listQuery(call.options) };
      case 'CreateService':
        return { action: call.action, method: 'POST', path: '/services', body: { kind: 'json', value: call.request } };
      case 'GetService':
        return { action: call.action, method: 'GET', path: servicePath(call.service) };
      case 'ListFunctions':
        return {
          action: call.action,
          method: 'GET',
          path: `${servicePath(call.service)}/functions`,
          query: listQuery(call.options),
        };
      case 'GetFunction':
        return { action: call.action, method: 'GET', path: functionPath(call.service, call.functionName) };
      case 'CreateFunction':
        return {
          action: call.action,
          method: 'POST',
          path: `${servicePath(call.service)}/functions`,
          ...codeBody(call.config as unknown as Record<string, unknown>, call.code),
        };
      case 'UpdateFunction': {
        // UpdateFunction takes any field but functionName.
        const { functionName: _name, ...fields } = call.config;
        const built = codeBody(fields, call.code);
        return {
          action: call.action,
          method: 'PUT',
          path: functionPath(call.service, call.functionName),
          body: built.body,
          headers: { ...built.headers, 'if-match': call.ifMatch },
        };
      }
      case 'DeleteFunction':
        return { action: call.action, method: 'DELETE', path: functionPath(call.service, call.functionName) };
      case 'InvokeFunction': {
        const bytes =
          call.payload === undefined
            ? new Uint8Array(0)
            : typeof call.payload === 'string'
              ? Buffer.from(call.payload, 'utf8')
              : call.payload;
        // A qualifier joins the service name with a dot (names cannot hold one): `svc.prod`.
        const target = call.qualifier ? `${enc(call.service)}.${enc(call.qualifier)}` : enc(call.service);
        const tail = call.logTail ?? !call.async;
        return {
          action: call.action,
          method: 'POST',
          path: `/services/${target}/functions/${enc(call.functionName)}/invocations`,
          headers: { 'x-fc-invocation-type': call.async ? 'Async' : 'Sync', 'x-fc-log-type': tail ? 'Tail' : 'None' },
          body: { kind: 'raw', bytes, contentType: 'application/octet-stream' },
        };
      }
    }
  }

  /** The body to send; a zip's Content-MD5 comes from a first pass that yields between slices. */
  async #prepareBody(body: SpecBody | undefined, signal: AbortSignal | undefined): Promise<PreparedBody | undefined> {
    if (body?.kind !== 'zip-json') return this.#prepareBodySync(body);
    const chunked: ChunkedJsonBody = zipJsonBody(body.fields, body.zip);
    // A first pass over the same chunks the stream will send: the digest must be in the signed
    // headers before the first byte of the body goes out. For a zip in a file it also proves the
    // file still holds the zip whose CRC-64 goes in X-Fc-Code-Checksum (disks fail, files are replaced).
    const { contentMd5: md5, zipChecksum } = await chunked.digest(signal);
    if (isZipOnDisk(body.zip) && zipChecksum !== body.checksum) {
      throw new FailedError(
        `The code zip's CRC-64 is ${zipChecksum}, not the ${body.checksum} it was built with: it changed ` +
          'after it was built; nothing was sent.',
        'Deploy again: the package is built anew.',
      );
    }
    return { length: chunked.length, contentType: 'application/json', contentMd5: md5, open: () => chunked.stream() };
  }

  /** The same, in one synchronous pass (for --dry-run, which sends nothing). */
  #prepareBodySync(body: SpecBody | undefined): PreparedBody | undefined {
    if (!body) return undefined;
    if (body.kind === 'zip-json') {
      const chunked: ChunkedJsonBody = zipJsonBody(body.fields, body.zip);
      return {
        length: chunked.length,
        contentType: 'application/json',
        contentMd5: contentMd5(chunked.chunks()),
        open: () => chunked.stream(),
      };
    }
    const bytes = body.kind === 'json' ? Buffer.from(JSON.stringify(body.value), 'utf8') : body.bytes;
    const contentType = body.kind === 'json' ? 'application/json' : body.contentType;
    return { length: bytes.byteLength, contentType, contentMd5: contentMd5([bytes]), open: () => bytes };
  }

  /** The URL and the signed headers, with a fresh Date (each retry signs anew). */
  #signed(spec: RequestSpec, body: PreparedBody | undefined): { url: URL; headers: Record<string, string> } {
    const url = new URL(`/${API_VERSION}${spec.path}`, this.endpoint);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      date: this.#now().toUTCString(),
      'user-agent': userAgent(),
      'x-fc-account-id': this.accountId,
    };
    if (this.#credentials.securityToken) headers['x-fc-security-token'] = this.#credentials.securityToken;
    for (const [key, value] of Object.entries(spec.headers ?? {})) {
      if (value !== undefined) headers[key.toLowerCase()] = value;
    }
    if (body) {
      headers['content-type'] = body.contentType;
      headers['content-length'] = String(body.length);
      headers['content-md5'] = body.contentMd5;
    }
    // Sign the path exactly as the URL will send it (the URL parser may normalise it).
    headers.authorization = authorizationHeader(this.#credentials, {
      method: spec.method,
      path: url.pathname,
      headers,
    });
    return { url, headers };
  }

  // ---- sending ----

  /** Sends with retries where safe; resolves with a 2xx answer or throws a typed error. */
  #send(spec: RequestSpec, options: CallOptions): Promise<Answer> {
    // A zip's body is encoded to base64 twice (its Content-MD5, then the wire) in short-lived
    // strings, ~2.7x the zip in all: V8 would grow its young generation to 32 MB for them.
    if (spec.body?.kind === 'zip-json') return withSmallYoungGeneration(() => this.#sendNow(spec, options));
    return this.#sendNow(spec, options);
  }

  async #sendNow(spec: RequestSpec, options: CallOptions): Promise<Answer> {
    let body: PreparedBody | undefined;
    try {
      body = await this.#prepareBody(spec.body, options.signal);
    } catch (error) {
      // Stopped during the Content-MD5 pass: not one byte of the request has left.
      if (error instanceof CancelledError)
        throw notSent(new CancelledError(`${spec.action} cancelled: nothing was sent.`));
      throw error;
    }
    const read = spec.method === 'GET';
    let timeoutMs = options.timeoutMs ?? (read ? this.#readTimeoutMs : this.#timeoutMs);
    if (spec.body?.kind === 'zip-json' && options.timeoutMs === undefined) {
      timeoutMs += Math.ceil((base64Size(zipByteLength(spec.body.zip)) / MIN_UPLOAD_BYTES_PER_S) * 1000);
    }
    // What this call has waited: a timed-out attempt counts its limit (it waited at least that
    // long), any other its measured time, plus the pauses. Bounds a read's retries, and is the
    // figure a timeout message gives.
    let waitedMs = 0;
    for (let retry = 0; ; retry++) {
      if (retry === 0 && options.signal?.aborted) {
        try {
          this.#throwIfAborted(spec.action, options.signal);
        } catch (error) {
          throw error instanceof CancelledError
            ? notSent(new CancelledError(`${spec.action} cancelled: nothing was sent.`))
            : error;
        }
      }
      this.#throwIfAborted(spec.action, options.signal);
      const started = performance.now();
      const outcome = await this.#attempt(spec, body, timeoutMs, options.signal);
      const timedOut = outcome instanceof AttemptFailure && outcome.kind === 'timeout';
      waitedMs += timedOut ? timeoutMs : Math.min(timeoutMs, performance.now() - started);
      let waitMs: number;
      if (outcome instanceof AttemptFailure) {
        const error =
          timedOut && retry > 0 ? new FcTimeoutError(spec.action, timeoutMs, retry + 1, waitedMs) : outcome.error;
        const retryable = isRetryable(spec.method, { kind: 'network', failure: outcome.kind });
        if (!retryable || retry >= this.#retries) throw error;
        waitMs = this.#retryDelayMs(retry);
        // A read stops before another whole attempt would take it past its total.
        if (read && waitedMs + waitMs + timeoutMs > this.#readTotalMs) throw error;
      } else {
        if (outcome.status >= 200 && outcome.status < 300) return outcome;
        const error = this.#apiError(spec.action, outcome);
        const retryable = isRetryable(spec.method, { kind: 'status', status: outcome.status });
        if (!retryable || retry >= this.#retries) throw error;
        const retryAfter = parseRetryAfter(outcome.headers.get('retry-after'), this.#now().getTime());
        if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) throw error;
        waitMs = Math.max(this.#retryDelayMs(retry), retryAfter === undefined ? 0 : retryAfterDelayMs(retryAfter));
        if (read && waitedMs + waitMs + timeoutMs > this.#readTotalMs) throw error;
      }
      this.#log(`fcw debug: ${spec.action} retry ${retry + 1}/${this.#retries} in ${waitMs} ms`);
      try {
        await sleep(waitMs, options.signal);
      } catch {
        this.#throwIfAborted(spec.action, options.signal);
      }
      waitedMs += waitMs;
    }
  }

  /** One attempt: an answer (any status), or an AttemptFailure. Throws only when the caller aborted. */
  async #attempt(
    spec: RequestSpec,
    body: PreparedBody | undefined,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<Answer | AttemptFailure> {
    const { url, headers } = this.#signed(spec, body);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const init: RequestInit & { duplex?: 'half' } = {
        method: spec.method,
        headers,
        body: body?.open(),
        signal: controller.signal,
        // FC does not redirect; following one would resend a signed request elsewhere.
        redirect: 'manual',
      };
      if (init.body instanceof ReadableStream) init.duplex = 'half';
      const response = await this.#fetch(url, init);
      // Read the whole body inside the attempt: a connection dropped mid-answer is a failure too.
      const bytes = await readAnswerBody(response);
      const requestId = response.headers.get('x-fc-request-id') ?? '';
      this.#log(
        `fcw debug: ${spec.method} ${url.href} -> ${response.status}${requestId ? ` request id ${requestId}` : ''} ${elapsed()} ms`,
      );
      return { status: response.status, headers: response.headers, body: bytes, requestId };
    } catch (error) {
      this.#throwIfAborted(spec.action, callerSignal);
      if (timedOut) {
        this.#log(`fcw debug: ${spec.method} ${url.href} -> timeout after ${elapsed()} ms`);
        return new AttemptFailure('timeout', new FcTimeoutError(spec.action, timeoutMs));
      }
      const code = networkCode(error);
      const notSent = NOT_SENT_CODES.has(code);
      const detail = this.#scrub(
        (error as { cause?: { message?: string } })?.cause?.message ?? (error as Error)?.message ?? String(error),
      );
      this.#log(`fcw debug: ${spec.method} ${url.href} -> ${code || 'network error'} (${detail}) ${elapsed()} ms`);
      return new AttemptFailure(
        code === 'BAD_PORT' ? 'unsendable' : notSent ? 'not-sent' : 'dropped',
        new FcNetworkError(spec.action, code, detail, notSent),
      );
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async #json<T>(spec: RequestSpec, options: CallOptions): Promise<ApiResult<T>> {
    const answer = await this.#send(spec, options);
    return {
      data: this.#parseJson<T>(spec.action, answer),
      requestId: answer.requestId,
      etag: answer.headers.get('etag') ?? undefined,
    };
  }

  #parseJson<T>(action: string, answer: Answer): T {
    try {
      return JSON.parse(answer.body.toString('utf8')) as T;
    } catch {
      throw new FcApiError(
        action,
        answer.status,
        'InvalidResponse',
        `the answer was not JSON: ${this.#snippet(answer.body)}`,
        answer.requestId,
      );
    }
  }

  async #listAll<T>(
    key: 'services' | 'functions',
    specFor: (options: ListOptions) => RequestSpec,
    options: ListOptions & CallOptions,
  ): Promise<ApiResult<T[]>> {
    const items: T[] = [];
    const seen = new Set<string>();
    let nextToken = options.nextToken;
    let requestId = '';
    let action = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      // startKey places the first page; nextToken carries on from there.
      const spec = specFor({
        limit: options.limit,
        prefix: options.prefix,
        startKey: page === 0 ? options.startKey : undefined,
        nextToken,
      });
      action = spec.action;
      const answer = await this.#send(spec, options);
      requestId = answer.requestId;
      const body = this.#parseJson<Record<string, unknown>>(spec.action, answer);
      const list = body?.[key];
      if (list !== undefined && !Array.isArray(list)) {
        throw new FcApiError(spec.action, answer.status, 'InvalidResponse', `"${key}" is not a list`, requestId);
      }
      items.push(...((list ?? []) as T[]));
      const next = body.nextToken;
      if (typeof next !== 'string' || next === '') return { data: items, requestId };
      if (seen.has(next)) {
        throw new FcApiError(
          spec.action,
          answer.status,
          'InvalidResponse',
          `the service repeated the page token "${next}"; stopped instead of listing forever`,
          requestId,
        );
      }
      seen.add(next);
      nextToken = next;
    }
    throw new FcApiError(action, 200, 'InvalidResponse', `more than ${MAX_PAGES} pages; stopped`, requestId);
  }

  /**
   * Sends a create or update once. If it timed out or lost its connection (the service may have
   * applied it), reads the function back: our change there means success; anything else means the
   * outcome is unknown, and says so. Never re-sends the write.
   */
  async #withReadBack(
    spec: RequestSpec,
    service: string,
    functionName: string,
    fields: Partial<FunctionConfig>,
    code: CodeUpload | undefined,
    ifMatch: string | undefined,
    options: CallOptions,
  ): Promise<ApiResult<FunctionInfo>> {
    try {
      return await this.#json<FunctionInfo>(spec, options);
    } catch (error) {
      const ambiguous = error instanceof FcTimeoutError || (error instanceof FcNetworkError && !error.notSent);
      if (!ambiguous) throw error;
      let found: ApiResult<FunctionInfo>;
      try {
        found = await this.getFunction(service, functionName, { signal: options.signal });
      } catch (readError) {
        this.#throwIfAborted(spec.action, options.signal);
        const what =
          readError instanceof FcApiError && readError.code === 'FunctionNotFound'
            ? 'reading the function back found no such function (the request may still be in progress)'
            : `reading the function back failed too (${(readError as Error).message})`;
        throw new FcOutcomeUnknownError(spec.action, error, what);
      }
      const differences = Object.entries(fields)
        .filter(
          ([key, value]) =>
            value !== undefined && !sameValue(value, (found.data as unknown as Record<string, unknown>)[key]),
        )
        .map(([key]) => key);
      if (code?.kind === 'zip' && found.data.codeChecksum !== code.checksum) differences.push('codeChecksum');
      // OSS code cannot be compared with what was sent; for an update, an etag that moved on from
      // the one we updated against shows a write landed.
      if (code?.kind === 'oss' && spec.action === 'UpdateFunction' && (!ifMatch || found.etag === ifMatch)) {
        differences.push('code (from OSS, which cannot be compared)');
      }
      if (differences.length > 0) {
        throw new FcOutcomeUnknownError(
          spec.action,
          error,
          `reading the function back shows ${differences.join(', ')} not as sent`,
        );
      }
      this.#log(`fcw debug: ${spec.action} failed (${error.message}) but reading back shows it applied`);
      return { ...found, readBack: true };
    }
  }

  // ---- errors and logs ----

  #apiError(action: string, answer: Answer): FcApiError {
    const text = answer.body.toString('utf8');
    let code: unknown;
    let message: unknown;
    let bodyRequestId: unknown;
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      code = json.ErrorCode ?? json.errorCode ?? json.Code ?? json.code;
      message = json.ErrorMessage ?? json.errorMessage ?? json.Message ?? json.message;
      bodyRequestId = json.RequestId ?? json.requestId;
    } catch {
      // Not FC's JSON (a proxy's HTML page, an empty body): described below.
    }
    const requestId = answer.requestId || (typeof bodyRequestId === 'string' ? bodyRequestId : '');
    if (typeof code === 'string' && code) {
      return new FcApiError(action, answer.status, code, this.#scrub(String(message ?? '')), requestId);
    }
    const location = answer.headers.get('location');
    if (answer.status >= 300 && answer.status < 400 && location) {
      // FC never redirects: this is some other server, or http answered by a redirect to https.
      return new FcApiError(
        action,
        answer.status,
        'Redirected',
        `the endpoint redirected to ${this.#scrub(location)}; give that address as the endpoint`,
        requestId,
      );
    }
    const what = text.trim()
      ? `the answer was not an FC error: ${this.#snippet(answer.body)}`
      : 'the answer had no body';
    return new FcApiError(action, answer.status, 'HttpError', what, requestId);
  }

  #snippet(body: Buffer): string {
    const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
    return this.#scrub(text.length > 200 ? `${text.slice(0, 200)}…` : text);
  }

  /** Removes the secret and the token from text that came from outside (a service may echo them). */
  #scrub(text: string): string {
    let out = text;
    for (const secret of [this.#credentials.accessKeySecret, this.#credentials.securityToken]) {
      if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  #log(line: string): void {
    this.#debug?.(this.#scrub(line));
  }

  #throwIfAborted(action: string, signal: AbortSignal | undefined): void {
    if (!signal?.aborted) return;
    const reason: unknown = signal.reason;
    // A reason the caller chose is theirs to handle; the default AbortError means "cancelled".
    if (reason instanceof Error && reason.name !== 'AbortError') throw reason;
    throw new CancelledError(`${action} cancelled.`);
  }
}

function listQuery(options: ListOptions = {}): Record<string, string | undefined> {
  const limit = Math.min(PAGE_LIMIT_MAX, Math.max(1, Math.floor(options.limit ?? PAGE_LIMIT_MAX)));
  return {
    limit: String(limit),
    prefix: options.prefix || undefined,
    startKey: options.startKey || undefined,
    nextToken: options.nextToken || undefined,
  };
}

/**
 * Marks a cancellation that happened before the request's first byte was sent, so a caller does
 * not say the service may have applied it.
 */
function notSent(error: CancelledError): CancelledError & { nothingSent: true } {
  return Object.assign(error, { nothingSent: true as const });
}

/** The body and headers of a create or update: a streamed zip, OSS names, or config only. */
function codeBody(
  fields: Record<string, unknown>,
  code: CodeUpload | undefined,
): { body: SpecBody; headers?: Record<string, string> } {
  const { code: _ignored, ...rest } = fields;
  if (code?.kind === 'zip') {
    return {
      body: { kind: 'zip-json', fields: rest, zip: code.zip, checksum: code.checksum },
      headers: { 'x-fc-code-checksum': code.checksum },
    };
  }
  if (code?.kind === 'oss') {
    return {
      body: { kind: 'json', value: { ...rest, code: { ossBucketName: code.bucket, ossObjectName: code.object } } },
    };
  }
  return { body: { kind: 'json', value: rest } };
}

/** Human-readable lines of a described request (for --dry-run). */
export function formatRequestDescription(d: RequestDescription): string {
  const lines = [`${d.method} ${d.url}`, ...Object.entries(d.headers).map(([k, v]) => `${k}: ${v}`)];
  if (d.body !== undefined) lines.push('', typeof d.body === 'string' ? d.body : JSON.stringify(d.body, null, 2));
  return lines.join('\n');
}
