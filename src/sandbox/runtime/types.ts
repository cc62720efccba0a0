// The shapes the sandbox's function executor works with: what to run, the context handed to the
// function, and what one call (an initialize or an invoke) came to.
import type { Credentials, FunctionInfo } from '../../fc/types.js';

/** The function to run, as stored, with where it was reached. */
export interface FunctionTarget {
  serviceName: string;
  /** `LATEST` unless a version or alias was named. */
  qualifier: string;
  versionId?: string;
  config: FunctionInfo;
  /**
   * Changes whenever the code or the configuration does (the stored record's etag): instances of
   * an older revision are retired.
   */
  revision: string;
  /** The stored code zip (read, never modified). */
  codeZipPath: string;
  /** The zips of the function's layers, in its order (earlier ones win on file clashes). */
  layerZipPaths?: string[];
}

/** The context a function sees, as JSON (the Node.js host adds the logger, Python builds snake_case from it). */
export interface InvocationContext {
  requestId: string;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string };
  function: {
    name: string;
    handler: string;
    memory: number;
    timeout: number;
    initializer: string;
    initializationTimeout: number;
  };
  service: { name: string; logProject: string; logStore: string; qualifier: string; versionId: string };
  region: string;
  accountId: string;
  retryCount: number;
  tracing: Record<string, never>;
}

/** An HTTP trigger's request as a function sees it (the path after the trigger's prefix). */
export interface HttpRequestIn {
  method: string;
  path: string;
  /** The path with its query, as the client sent it. */
  url: string;
  headers: Record<string, string | string[]>;
  queries: Record<string, string | string[]>;
  clientIP: string;
}

/** What an HTTP handler answered. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
}

export interface CallOutcome {
  ok: boolean;
  /** For a failure: an error the function passed to its callback (Node.js only). */
  handled?: boolean;
  /** The answer, or the JSON error body. */
  body: Buffer;
  /** What the function printed during the call, in order. */
  log: Buffer[];
  durationMs: number;
  maxMemoryMB?: number;
  /** The instance is gone (timed out, crashed, killed) and must not be used again. */
  lost: boolean;
  /** An HTTP handler's status and headers (the body is `body`). */
  http?: HttpAnswer;
}

/** One warm instance: a process running the function's code. */
export interface Instance {
  /** Local interpreter version (`v20.11.1`, `3.11.7`), for the log note; undefined for custom runtimes. */
  readonly version?: string;
  /** The port it listens on (custom runtimes). */
  readonly port?: number;
  initialize(context: InvocationContext, timeoutMs: number): Promise<CallOutcome>;
  invoke(context: InvocationContext, event: Buffer, timeoutMs: number): Promise<CallOutcome>;
  /**
   * An HTTP trigger's request: (request, response, context) in Node.js, WSGI in Python, passed
   * through to a custom runtime's server.
   */
  invokeHttp(context: InvocationContext, request: HttpRequestIn, body: Buffer, timeoutMs: number): Promise<CallOutcome>;
  /** Ends the process (and the ones it started); resolves once it has exited. */
  stop(): Promise<void>;
}

export interface ExecutorIdentity {
  accountId: string;
  region: string;
  /** The sandbox's own key: what functions get as context.credentials (never a cloud key). */
  credentials: Credentials;
}
