// Runs the functions the sandbox stores, without containers: each instance is a local process in a
// working copy of the code (see support.ts for which runtimes), kept warm and reused, with FC's
// timeout, memory cap, log tail and error shapes. The sandbox's InvokeFunction is one call of
// `invoke`; anything else that needs a function run (an HTTP trigger, a timer) can call it too.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { SandboxError } from '../errors.js';
import {
  CONSOLE_LOG_LEVEL,
  INSTANCE_IDLE_MS,
  MAX_INSTANCES_PER_FUNCTION,
  PROMISE_HANDLER_MIN_NODE,
  THROWN_ERROR_TYPE_PREFIX,
} from './choices.js';
import { CA_EXITED, CustomInstance, CustomRuntimeStartError, portIsFree } from './custom-instance.js';
import { findProgram, instanceEnvironment } from './environment.js';
import { HostInstance } from './host-instance.js';
import { hostScriptPath } from './host-files.js';
import { failedCallLines } from './failed-call-log.js';
import { InstancePool, type Slot } from './instance-pool.js';
import { spareCanServe, SpareHosts, type HostKind } from './spares.js';
import { RUNNABLE_SUMMARY, runtimeSupport, versionNote, type RuntimeSupport } from './support.js';
import type {
  CallOutcome,
  ExecutorIdentity,
  FunctionTarget,
  HttpAnswer,
  HttpRequestIn,
  Instance,
  InvocationContext,
} from './types.js';
import { makeInstancesRoot, unpackCode } from './working-copy.js';

export type { FunctionTarget, HttpRequestIn } from './types.js';

export interface ExecutorOptions extends ExecutorIdentity {
  /** How long an unused instance stays warm. */
  idleMs?: number;
  maxInstancesPerFunction?: number;
  /** Where working copies are made (a directory of their own is created inside). Default: the OS temp dir. */
  tempDir?: string;
}

export type InvocationErrorType = 'HandledInvocationError' | 'UnhandledInvocationError';

export interface InvocationResult {
  /** Absent when the function succeeded. */
  errorType?: InvocationErrorType;
  /** The function's answer, or FC's JSON error body. */
  body: Buffer;
  /** This invocation's whole log (FC's start/end lines included); the API sends its tail. */
  log: Buffer;
  durationMs: number;
  maxMemoryMB?: number;
  codeChecksum?: string;
  /** A new instance was started for this call. */
  coldStart: boolean;
}

/** An HTTP trigger's answer: the handler's status and headers; `body` is the response body. */
export interface HttpInvocationResult extends InvocationResult {
  /** 502 when the function failed (errorType set; body is FC's JSON error). */
  status: number;
  headers: Record<string, string | string[]>;
}

export interface InvokeOptions {
  requestId: string;
}

interface Running {
  instance: Instance;
  dir: string;
}

const DEFAULT_TIMEOUT_S = 60;
const DEFAULT_INIT_TIMEOUT_S = 3;
const PORT_WAIT_MS = 20;
/** Loading Node.js or Python itself, before the function's own code, must take no longer than this. */
const HOST_START_TIMEOUT_MS = 30_000;

/**
 * Unpacks a function's layers into its instance's /opt stand-in. FC merges them in reverse order,
 * so that the layer listed first wins when two hold the same file.
 */
async function unpackLayers(zipPaths: readonly string[], optDir: string): Promise<void> {
  await mkdir(optDir, { recursive: true });
  for (const zipPath of [...zipPaths].reverse()) {
    await unpackCode(zipPath, optDir, { overwrite: true, mountedAt: '/opt' });
  }
}

/** The instances of every open executor, for the exit hook. */
const OPEN_EXECUTORS = new Set<Set<Instance>>();
let exitHookInstalled = false;

export class FunctionExecutor {
  readonly #options: ExecutorOptions;
  readonly #pools = new Map<string, { revision: string; pool: InstancePool<Running> }>();
  /** caPort -> the custom-runtime instance listening there (one at a time per port). */
  readonly #ports = new Map<number, { slot?: Slot<Running>; pool: InstancePool<Running> }>();
  readonly #live = new Set<Instance>();
  /** Pools of an older revision, ended after the call that replaced them (see #poolFor). */
  readonly #retiring = new Set<InstancePool<Running>>();
  /** Node.js and Python hosts started ahead of need, per memory size. */
  readonly #spares: SpareHosts;
  #root?: Promise<string>;
  #closed = false;

  constructor(options: ExecutorOptions) {
    this.#options = options;
    this.#spares = new SpareHosts(options.idleMs ?? INSTANCE_IDLE_MS, (host) => this.#live.delete(host));
    OPEN_EXECUTORS.add(this.#live);
    // fcw exiting for any reason takes its instances with it (one listener for all executors).
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const live of OPEN_EXECUTORS) for (const instance of live) void instance.stop();
      });
    }
  }

  /** Refuses, before anything runs, a runtime the sandbox cannot run (501, naming what it can). */
  static check(runtime: string): RuntimeSupport & { kind: 'nodejs' | 'python' | 'custom' } {
    const support = runtimeSupport(runtime);
    if (support.kind === 'unsupported') {
      throw new SandboxError(
        501,
        'NotImplemented',
        `the fcw sandbox cannot run runtime '${runtime}': ${support.reason}. It runs ${RUNNABLE_SUMMARY}; ` +
          'deploy to Function Compute to run this function',
      );
    }
    return support;
  }

  /** An event invocation (InvokeFunction): the handler gets the event's bytes. */
  invoke(target: FunctionTarget, event: Buffer, options: InvokeOptions): Promise<InvocationResult> {
    return this.#run(target, options, (instance, context, timeoutMs) => instance.invoke(context, event, timeoutMs));
  }

  /**
   * An HTTP trigger's request: Node.js `(request, response, context)`, Python WSGI, or passed through
   * to a custom runtime's server. The caller maps the answer to the client (header filtering, 502 for
   * a failed function) as FC's HTTP trigger does.
   */
  async invokeHttp(
    target: FunctionTarget,
    request: HttpRequestIn,
    body: Buffer,
    options: InvokeOptions,
  ): Promise<HttpInvocationResult> {
    let answer: HttpAnswer | undefined;
    const result = await this.#run(target, options, async (instance, context, timeoutMs) => {
      const outcome = await instance.invokeHttp(context, request, body, timeoutMs);
      answer = outcome.http;
      return outcome;
    });
    return { ...result, status: answer?.status ?? 502, headers: answer?.headers ?? {} };
  }

  async #run(
    target: FunctionTarget,
    options: InvokeOptions,
    call: (instance: Instance, context: InvocationContext, timeoutMs: number) => Promise<CallOutcome>,
  ): Promise<InvocationResult> {
    const support = FunctionExecutor.check(target.config.runtime);
    if (this.#closed) throw new SandboxError(503, 'ServiceUnavailable', 'the sandbox is stopping');
    const pool = await this.#poolFor(target, support);
    let slot: Slot<Running>;
    try {
      slot = await pool.acquire();
    } catch (error) {
      this.#retireOld();
      if (error instanceof SandboxError) throw error;
      if (error instanceof CustomRuntimeStartError) throw new SandboxError(412, error.code, error.message);
      throw new SandboxError(412, 'CAExited', `${CA_EXITED} ${(error as Error).message}`);
    }
    const coldStart = slot.fresh;
    const context = this.#context(target, options.requestId);
    const parts: Buffer[] = [];
    const markers = support.kind !== 'custom'; // a custom runtime prints FC's start/end lines itself
    const line = (text: string) => parts.push(Buffer.from(`${text}\n`, 'utf8'));
    if (slot.note) line(slot.note);
    slot.note = undefined;
    let outcome: CallOutcome | undefined;
    const initializer = target.config.initializer;
    if (initializer && !slot.initialized) {
      if (markers) line(`FC Initialize Start RequestId: ${options.requestId}`);
      const init = await slot.value.instance.initialize(
        context,
        (target.config.initializationTimeout ?? DEFAULT_INIT_TIMEOUT_S) * 1000,
      );
      parts.push(...init.log);
      if (init.ok) {
        if (markers) line(`FC Initialize End RequestId: ${options.requestId}`);
        slot.initialized = true;
      } else {
        const failure = { requestId: options.requestId, handled: init.handled === true, body: init.body };
        for (const text of failedCallLines({ ...failure, phase: 'Initialize', markers, now: new Date() })) line(text);
        outcome = init; // retried before the next invoke on this instance
      }
    }
    if (!outcome) {
      if (markers) line(`FC Invoke Start RequestId: ${options.requestId}`);
      outcome = await call(slot.value.instance, context, (target.config.timeout ?? DEFAULT_TIMEOUT_S) * 1000);
      parts.push(...outcome.log);
      if (outcome.ok) {
        if (markers) line(`FC Invoke End RequestId: ${options.requestId}`);
      } else {
        const failure = { requestId: options.requestId, handled: outcome.handled === true, body: outcome.body };
        for (const text of failedCallLines({ ...failure, phase: 'Invoke', markers, now: new Date() })) line(text);
      }
    }
    pool.release(slot, outcome.lost);
    this.#retireOld();
    // After a cold start, and not during it (two interpreter start-ups at once would slow both): a
    // spare host for the next new instance of this memory size.
    if (coldStart && support.kind !== 'custom') this.#refillSpare(support.kind, target.config.memorySize ?? 128);
    return {
      errorType: outcome.ok ? undefined : outcome.handled ? 'HandledInvocationError' : 'UnhandledInvocationError',
      body: outcome.body,
      log: Buffer.concat(parts),
      durationMs: outcome.durationMs,
      maxMemoryMB: outcome.maxMemoryMB,
      codeChecksum: target.config.codeChecksum,
      coldStart,
    };
  }

  /** Ends every instance (busy ones too) and removes the working copies. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#retiring, ...[...this.#pools.values()].map(({ pool }) => pool)];
    this.#retiring.clear();
    await Promise.all([this.#spares.close(), ...pools.map((pool) => pool.stopAll())]);
    this.#pools.clear();
    OPEN_EXECUTORS.delete(this.#live);
    if (this.#root) await rm(await this.#root, { recursive: true, force: true }).catch(() => undefined);
  }

  /**
   * A function of this runtime and memory size was created or changed: a spare host is started for
   * it now, so that even its first call skips the interpreter's start. Custom runtimes get none (their
   * bootstrap is the function's own code).
   */
  prepare(runtime: string, memorySize: number | undefined): void {
    const kind = runtimeSupport(runtime).kind;
    if (this.#closed || (kind !== 'nodejs' && kind !== 'python')) return;
    this.#root ??= makeInstancesRoot(this.#options.tempDir ?? os.tmpdir());
    this.#refillSpare(kind, memorySize ?? 128);
  }

  /** Whether prepare can start a spare host for this runtime (Node.js and Python ones). */
  canPrepare(runtime: string): boolean {
    const kind = runtimeSupport(runtime).kind;
    return kind === 'nodejs' || kind === 'python';
  }

  #context(target: FunctionTarget, requestId: string): InvocationContext {
    const { config } = target;
    const { credentials } = this.#options;
    return {
      requestId,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken ?? '',
      },
      function: {
        name: config.functionName,
        handler: config.handler,
        memory: config.memorySize ?? 128,
        timeout: config.timeout ?? DEFAULT_TIMEOUT_S,
        initializer: config.initializer ?? '',
        initializationTimeout: config.initializationTimeout ?? DEFAULT_INIT_TIMEOUT_S,
      },
      service: {
        name: target.serviceName,
        logProject: '',
        logStore: '',
        qualifier: target.qualifier,
        versionId: target.versionId ?? '',
      },
      region: this.#options.region,
      accountId: this.#options.accountId,
      retryCount: 0,
      tracing: {},
    };
  }

  #retireOld(): void {
    for (const old of this.#retiring) void old.retire();
    this.#retiring.clear();
  }

  async #poolFor(
    target: FunctionTarget,
    support: RuntimeSupport & { kind: 'nodejs' | 'python' | 'custom' },
  ): Promise<InstancePool<Running>> {
    // An alias may run one of several versions (additionalVersionWeight): each keeps its own instances.
    const key = `${target.serviceName}/${target.config.functionName}/${target.qualifier}/${target.versionId ?? ''}`;
    const current = this.#pools.get(key);
    if (current && current.revision === target.revision) return current.pool;
    // The code or the configuration changed: the old instances must not serve this call. They end
    // once this call is answered (#run), so ending them does not slow the new instance's start.
    if (current) this.#retiring.add(current.pool);
    const pool: InstancePool<Running> = new InstancePool<Running>({
      // A custom runtime listens on its caPort, which only one process can hold.
      max: support.kind === 'custom' ? 1 : (this.#options.maxInstancesPerFunction ?? MAX_INSTANCES_PER_FUNCTION),
      idleMs: this.#options.idleMs ?? INSTANCE_IDLE_MS,
      start: () => this.#start(target, support, pool),
      stop: (slot) => this.#stop(slot),
    });
    this.#pools.set(key, { revision: target.revision, pool });
    return pool;
  }

  async #start(
    target: FunctionTarget,
    support: RuntimeSupport & { kind: 'nodejs' | 'python' | 'custom' },
    pool: InstancePool<Running>,
  ): Promise<Slot<Running>> {
    this.#root ??= makeInstancesRoot(this.#options.tempDir ?? os.tmpdir());
    const instanceId = randomUUID();
    const dir = path.join(await this.#root, instanceId);
    const codeDir = path.join(dir, 'code');
    const tmpDir = path.join(dir, 'tmp');
    const optDir = path.join(dir, 'opt');
    let port: number | undefined;
    // A custom runtime's caPort is claimed while the code is unpacked, not after: claiming it may
    // mean ending the instance that holds it (the function's previous revision, after an update),
    // which costs several milliseconds (its process tree is found and killed, its copy removed).
    const claiming = support.kind === 'custom' ? this.#claimPort(target.config.caPort ?? 9000, pool) : undefined;
    claiming?.catch(() => undefined); // awaited below
    try {
      await mkdir(codeDir, { recursive: true });
      await mkdir(tmpDir, { recursive: true });
      const unpacked = unpackCode(target.codeZipPath, codeDir);
      unpacked.catch(() => undefined); // awaited below
      // Layers go where FC puts them, a stand-in for /opt, before the process starts: Python lists
      // its search path's directories once, so a layer directory made later would not be seen.
      await unpackLayers(target.layerZipPaths ?? [], optDir);
      // bootstrap must exist before it starts; Node.js and Python hosts load the function's code
      // only at the first call, so their start-up overlaps the unpacking.
      if (claiming) {
        await unpacked;
        port = await claiming;
      }
      const env = instanceEnvironment(target, {
        codeDir,
        tmpDir,
        region: this.#options.region,
        accountId: this.#options.accountId,
        instanceId,
        port,
        optDir,
        kind: support.kind,
        nodeMajor: support.kind === 'nodejs' ? support.version?.[0] : undefined,
      });
      const starting = this.#spawn(target, support, { codeDir, optDir }, env, port);
      const [spawned, unpack] = await Promise.allSettled([starting, unpacked]);
      if (spawned.status === 'rejected') throw spawned.reason;
      const instance = spawned.value;
      if (unpack.status === 'rejected') {
        await instance.stop();
        throw unpack.reason;
      }
      this.#live.add(instance);
      const interpreter = support.kind === 'nodejs' ? 'Node.js' : 'Python';
      const note = instance.version
        ? versionNote(target.config.runtime, support.version, instance.version, interpreter)
        : undefined;
      const slot: Slot<Running> = { value: { instance, dir }, initialized: false, fresh: true, note };
      if (port !== undefined) this.#ports.set(port, { slot, pool });
      return slot;
    } catch (error) {
      port ??= await claiming?.catch(() => undefined);
      if (port !== undefined) this.#ports.delete(port);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async #spawn(
    target: FunctionTarget,
    support: RuntimeSupport,
    place: { codeDir: string; optDir: string },
    env: Record<string, string>,
    port: number | undefined,
  ): Promise<Instance> {
    const { codeDir } = place;
    const memory = target.config.memorySize ?? 128;
    if (support.kind === 'nodejs' || support.kind === 'python') {
      const python = support.kind === 'python' ? findProgram('python3') : undefined;
      if (support.kind === 'python' && !python) {
        throw new SandboxError(
          501,
          'NotImplemented',
          `runtime '${target.config.runtime}' needs python3, which is not on fcw's PATH; ` +
            'install Python 3 to run this function in the sandbox',
        );
      }
      const major = support.version?.[0];
      const promiseAnswers = major === undefined || major >= PROMISE_HANDLER_MIN_NODE;
      const variables = target.config.environmentVariables ?? {};
      if (spareCanServe(support.kind, variables, existsSync(path.join(place.optDir, 'lib')))) {
        const spare = await this.#spares.take(support.kind, memory);
        if (spare) {
          spare.bind(codeDir, env, support.kind === 'nodejs' ? promiseAnswers : undefined);
          return spare;
        }
      }
      return support.kind === 'nodejs'
        ? this.#startNodeHost(memory, codeDir, env, promiseAnswers)
        : this.#startPythonHost(python!, memory, codeDir, env, false);
    }
    return CustomInstance.start({
      codeDir,
      env,
      port: port!,
      startTimeoutMs: Math.max(HOST_START_TIMEOUT_MS, (target.config.timeout ?? DEFAULT_TIMEOUT_S) * 1000),
    });
  }

  #startNodeHost(
    memory: number,
    cwd: string,
    env: Record<string, string>,
    promiseAnswers: boolean,
  ): Promise<HostInstance> {
    const hostOptions = { consoleLevel: CONSOLE_LOG_LEVEL, thrownPrefix: THROWN_ERROR_TYPE_PREFIX, promiseAnswers };
    return HostInstance.start({
      command: process.execPath,
      // The heap is capped at the function's memory; V8 ends the process when it is exceeded.
      args: [`--max-old-space-size=${memory}`, hostScriptPath('node-host.cjs'), JSON.stringify(hostOptions)],
      cwd,
      env,
      startTimeoutMs: HOST_START_TIMEOUT_MS,
    });
  }

  /** A spare waits for its working copy (bind) before it puts one on Python's search path. */
  #startPythonHost(
    python: string,
    memory: number,
    cwd: string,
    env: Record<string, string>,
    spare: boolean,
  ): Promise<HostInstance> {
    return HostInstance.start({
      command: python,
      // The host caps its address space at the function's memory on top of its own (RLIMIT_AS).
      args: ['-B', hostScriptPath('python-host.py'), JSON.stringify({ memoryMB: memory, spare })],
      cwd,
      env,
      startTimeoutMs: HOST_START_TIMEOUT_MS,
    });
  }

  /**
   * Starts a spare host for the next new instance of this kind and memory size. It has an empty
   * environment until it is bound (nothing of fcw's, nothing of another function's).
   */
  #refillSpare(kind: HostKind, memory: number): void {
    const root = this.#root;
    if (this.#closed || !root) return;
    const python = kind === 'python' ? findProgram('python3') : undefined;
    if (kind === 'python' && !python) return;
    this.#spares.refill(kind, memory, async () => {
      const home = await root;
      const env = {
        PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
        HOME: home,
      };
      const started =
        kind === 'nodejs'
          ? await this.#startNodeHost(memory, home, env, true)
          : await this.#startPythonHost(python!, memory, home, { ...env, LANG: 'C.UTF-8' }, true);
      this.#live.add(started);
      return started;
    });
  }

  /**
   * Waits until the function may listen on its caPort: an idle instance of another function that
   * holds it is ended; a busy one is waited for. A port some other program holds is an error.
   */
  async #claimPort(port: number, pool: InstancePool<Running>): Promise<number> {
    for (;;) {
      const owner = this.#ports.get(port);
      if (!owner) break;
      if (owner.slot && owner.pool.isIdle(owner.slot)) await owner.pool.evict(owner.slot);
      else await new Promise((resolve) => setTimeout(resolve, PORT_WAIT_MS));
    }
    this.#ports.set(port, { pool });
    if (!(await portIsFree(port))) {
      this.#ports.delete(port);
      throw new CustomRuntimeStartError(
        'CAExited',
        `${CA_EXITED} its caPort ${port} is already in use by another program on this machine; ` +
          'stop that program or give the function another caPort',
      );
    }
    return port;
  }

  async #stop(slot: Slot<Running>): Promise<void> {
    const { instance, dir } = slot.value;
    await instance.stop();
    this.#live.delete(instance);
    if (instance.port !== undefined && this.#ports.get(instance.port)?.slot === slot) this.#ports.delete(instance.port);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
