// A custom-runtime instance: the function's own `bootstrap`, started in its working copy, serving
// FC's custom-runtime HTTP protocol on caPort: `POST /initialize` once, `POST /invoke` per event,
// with the `x-fc-*` request headers FC sends. A 200 answer without `x-fc-status: 404` is success.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import nodeHttp from 'node:http';
import net, { type Socket } from 'node:net';
import path from 'node:path';

import { ANSWER_MAX_BYTES } from '../../fc/answer-body.js';
import { LogKeeper } from './log-keeper.js';
import { exitedBody, killTree, peakRssMB, timedOutBody } from './process-tools.js';
import type { CallOutcome, HttpRequestIn, Instance, InvocationContext } from './types.js';

export interface CustomStart {
  codeDir: string;
  env: Record<string, string>;
  port: number;
  /** How long bootstrap may take to accept connections on the port. */
  startTimeoutMs: number;
}

/** A start-up failure FC reports as 412 CAExited / CAFileNotFound / CAFilePermission. */
export class CustomRuntimeStartError extends Error {
  constructor(
    readonly code: 'CAExited' | 'CAFileNotFound' | 'CAFilePermission',
    message: string,
  ) {
    super(message);
  }
}

/**
 * How often the sandbox tries to connect to caPort while bootstrap starts. What the call waits past
 * bootstrap's listen is half of this on average; a refused connection to localhost costs well
 * under a millisecond, so a short interval is cheap (a 10 ms one cost 5 ms per custom cold start).
 */
const POLL_MS = 2;
const MB = 1024 * 1024;

/**
 * How bootstrap is started so that it cannot outlive fcw, even a `kill -9` of fcw (Node.js has no
 * prctl(PR_SET_PDEATHSIG), and a parent-death signal would reach bootstrap but not what it started).
 * /bin/sh starts a watcher in the background, then becomes bootstrap (exec: same pid, so the exit
 * status and peak memory are bootstrap's, with fd 3 closed). The watcher blocks reading fd 3, a
 * socket only fcw holds the other end of: when fcw ends, for any reason, the read returns and the
 * watcher kills the instance's whole process group (bootstrap, its children, itself).
 */
const ORPHAN_GUARD = '( read _ <&3; kill -9 0 ) </dev/null >/dev/null 2>&1 & exec "$@" 3<&-';
/** FC's text for a custom runtime that cannot be started (412 CAExited); the reason follows it. */
export const CA_EXITED = 'The function either cannot be started or exited.';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when nothing listens on the port yet (another program's server would answer our calls). */
export async function portIsFree(port: number): Promise<boolean> {
  return !(await canConnect(port));
}

function controlHeaders(context: InvocationContext, controlPath: string): Record<string, string> {
  return {
    'content-type': 'application/octet-stream',
    'x-fc-request-id': context.requestId,
    'x-fc-access-key-id': context.credentials.accessKeyId,
    'x-fc-access-key-secret': context.credentials.accessKeySecret,
    'x-fc-security-token': context.credentials.securityToken,
    'x-fc-function-name': context.function.name,
    'x-fc-function-handler': context.function.handler,
    'x-fc-function-memory': String(context.function.memory),
    'x-fc-function-timeout': String(context.function.timeout),
    'x-fc-function-initializer': context.function.initializer,
    'x-fc-initialization-timeout': String(context.function.initializationTimeout),
    'x-fc-region': context.region,
    'x-fc-account-id': context.accountId,
    'x-fc-qualifier': context.service.qualifier,
    'x-fc-version-id': context.service.versionId,
    'x-fc-service-name': context.service.name,
    'x-fc-service-logproject': context.service.logProject,
    'x-fc-service-logstore': context.service.logStore,
    'x-fc-retry-count': String(context.retryCount),
    'x-fc-control-path': controlPath,
  };
}

export class CustomInstance implements Instance {
  readonly port: number;
  #child: ChildProcess;
  #agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 1 });
  #log?: LogKeeper;
  #exited = false;
  #onExit = new Set<() => void>();
  /** FC_INSTANCE_ID in bootstrap's environment: what it starts carries it (see killTree). */
  #instanceId?: string;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    const collect = (chunk: Buffer) => this.#log?.push(chunk);
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', () => {
      // bootstrap ended by itself: closing the watcher's socket ends what it left running.
      (child.stdio[3] as Socket | null)?.destroy();
      this.#exited = true;
      this.#agent.destroy();
      for (const listener of this.#onExit) listener();
    });
  }

  static async start(options: CustomStart): Promise<CustomInstance> {
    const bootstrap = path.join(options.codeDir, 'bootstrap');
    try {
      if (!(await stat(bootstrap)).isFile()) throw new Error('not a file');
    } catch {
      throw new CustomRuntimeStartError(
        'CAFileNotFound',
        'The function cannot be started. the code package has no file named bootstrap at its root',
      );
    }
    try {
      await access(bootstrap, constants.X_OK);
    } catch {
      throw new CustomRuntimeStartError(
        'CAFilePermission',
        'The function cannot be started. bootstrap is not executable (chmod +x bootstrap)',
      );
    }
    const child = spawn('/bin/sh', ['-c', ORPHAN_GUARD, 'bootstrap', bootstrap], {
      cwd: options.codeDir,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    // fcw's end of the watcher's socket: never written, and not a reason for fcw to stay up.
    const guard = child.stdio[3] as Socket;
    guard.on('error', () => undefined);
    guard.unref();
    const instance = new CustomInstance(child, options.port);
    instance.#instanceId = options.env.FC_INSTANCE_ID;
    const early = new LogKeeper();
    instance.#log = early;
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = performance.now() + options.startTimeoutMs;
    for (;;) {
      const failed = await Promise.race([
        spawnError,
        new Promise<undefined>((resolve) => setImmediate(resolve, undefined)),
      ]);
      const output = () => early.text().trim().slice(-2000);
      if (failed || instance.#exited) {
        await killTree(child, instance.#instanceId);
        throw new CustomRuntimeStartError(
          'CAExited',
          `${CA_EXITED} ${failed ? failed.message : 'bootstrap exited before listening'}` +
            (output() ? `: ${output()}` : ''),
        );
      }
      if (await canConnect(options.port)) break;
      if (performance.now() > deadline) {
        await killTree(child, instance.#instanceId);
        throw new CustomRuntimeStartError(
          'CAExited',
          `${CA_EXITED} bootstrap did not listen on port ${options.port} (the function's caPort) ` +
            `within ${options.startTimeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    instance.#log = undefined;
    return instance;
  }

  /**
   * One call. Event calls (`/initialize`, `/invoke`) are POSTs of the event; an HTTP trigger's
   * request goes through with its own method, path, query and headers (`x-fc-*` set by the sandbox).
   */
  #post(
    controlPath: string,
    context: InvocationContext,
    event: Buffer,
    timeoutMs: number,
    http?: HttpRequestIn,
  ): Promise<CallOutcome> {
    const log = new LogKeeper();
    this.#log = log;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<CallOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Omit<CallOutcome, 'log' | 'durationMs' | 'maxMemoryMB'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#onExit.delete(onExit);
        const peak = peakRssMB(this.#child.pid);
        // Output written just before the answer may still be in the pipe: take what came in this turn.
        setImmediate(() => {
          if (this.#log === log) this.#log = undefined;
          resolve({ ...outcome, log: log.chunks(), durationMs: elapsed(), maxMemoryMB: peak });
        });
      };
      const onExit = () => finish({ ok: false, body: exitedBody(elapsed(), peakRssMB(this.#child.pid)), lost: true });
      this.#onExit.add(onExit);
      const timer = setTimeout(() => {
        const peak = peakRssMB(this.#child.pid);
        finish({ ok: false, body: timedOutBody(Math.round(timeoutMs / 1000), peak), lost: true });
        void killTree(this.#child, this.#instanceId);
      }, timeoutMs);
      if (this.#exited) return onExit();
      const control = controlHeaders(context, controlPath);
      const options = http
        ? {
            method: http.method,
            path: http.url,
            headers: {
              ...http.headers,
              ...control,
              'content-type': String(http.headers['content-type'] ?? control['content-type']),
              'content-length': event.length,
            },
          }
        : { method: 'POST', path: controlPath, headers: { ...control, 'content-length': event.length } };
      const request = nodeHttp.request(
        { host: '127.0.0.1', port: this.port, agent: this.#agent, ...options },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes <= ANSWER_MAX_BYTES) return void chunks.push(chunk);
            // Held whole, an endless answer grew the sandbox by gigabytes before the timeout; fcw's
            // client reads no answer longer than this either.
            chunks.length = 0;
            response.destroy();
            finish({
              ok: false,
              body: Buffer.from(
                JSON.stringify({
                  errorMessage: `the custom runtime's answer to ${controlPath} is over ${ANSWER_MAX_BYTES / MB} MB: not read further`,
                }),
              ),
              lost: true,
            });
            void killTree(this.#child, this.#instanceId);
          });
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            if (http) {
              // An HTTP function's answer is the client's answer, whatever its status.
              const headers: Record<string, string | string[]> = {};
              for (const [name, value] of Object.entries(response.headers))
                if (value !== undefined) headers[name] = value;
              finish({ ok: true, body, lost: false, http: { status: response.statusCode ?? 502, headers } });
              return;
            }
            const ok = response.statusCode === 200 && response.headers['x-fc-status'] !== '404';
            finish({
              ok,
              body:
                ok || body.length > 0
                  ? body
                  : Buffer.from(
                      JSON.stringify({
                        errorMessage: `the custom runtime answered ${response.statusCode} to ${controlPath}`,
                      }),
                    ),
              lost: false,
            });
          });
          response.on('error', () => undefined);
        },
      );
      request.on('error', (error) => {
        if (this.#exited) return onExit();
        finish({
          ok: false,
          body: Buffer.from(
            JSON.stringify({ errorMessage: `the custom runtime did not answer ${controlPath}: ${error.message}` }),
          ),
          lost: true,
        });
      });
      request.end(event);
    });
  }

  initialize(context: InvocationContext, timeoutMs: number): Promise<CallOutcome> {
    return this.#post('/initialize', context, Buffer.alloc(0), timeoutMs);
  }

  invoke(context: InvocationContext, event: Buffer, timeoutMs: number): Promise<CallOutcome> {
    return this.#post('/invoke', context, event, timeoutMs);
  }

  invokeHttp(
    context: InvocationContext,
    request: HttpRequestIn,
    body: Buffer,
    timeoutMs: number,
  ): Promise<CallOutcome> {
    return this.#post('/http-invoke', context, body, timeoutMs, request);
  }

  stop(): Promise<void> {
    this.#agent.destroy();
    return killTree(this.#child, this.#instanceId);
  }
}
