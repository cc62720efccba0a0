// A Node.js or Python instance: a long-lived host process (hosts/*) that keeps the function's module
// loaded and answers one call at a time over a socket pair. A warm call is one frame each way, so it
// costs well under a millisecond on top of the function itself.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

import { encodeFrame, FrameReader, type Frame } from './frames.js';
import { LogKeeper } from './log-keeper.js';
import { exitedBody, killTree, peakRssMB, timedOutBody } from './process-tools.js';
import type { CallOutcome, HttpAnswer, HttpRequestIn, Instance, InvocationContext } from './types.js';

export interface HostStart {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How long the host may take to load before it counts as failed to start. */
  startTimeoutMs: number;
}

/** While a call runs longer than this, its peak memory is sampled (a crash leaves none to ask). */
const MEMORY_SAMPLE_MS = 50;

interface PendingCall {
  started: number;
  log: LogKeeper;
  timer: NodeJS.Timeout;
  sampler: NodeJS.Timeout;
  timeoutS: number;
  finish(outcome: CallOutcome): void;
}

export class HostInstance implements Instance {
  version?: string;
  #child: ChildProcess;
  #channel: Socket;
  #call?: PendingCall;
  #lastMaxMemoryMB?: number;
  #exited = false;
  /** FC_INSTANCE_ID of the function bound to this host: what it starts carries it (see killTree). */
  #instanceId?: string;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#channel = child.stdio[3] as Socket;
  }

  /** Starts the host and waits until it says it is ready. */
  static start(options: HostStart): Promise<HostInstance> {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      // A process group of its own: a timeout kills what the function started too, and Ctrl-C in
      // the terminal reaches fcw (which stops its instances) rather than each function.
      detached: true,
    });
    const instance = new HostInstance(child);
    instance.#instanceId = options.env.FC_INSTANCE_ID;
    return instance.#waitReady(options.startTimeoutMs);
  }

  #waitReady(timeoutMs: number): Promise<HostInstance> {
    const child = this.#child;
    const early = new LogKeeper();
    return new Promise<HostInstance>((resolve, reject) => {
      const reader = new FrameReader();
      const fail = (why: string) => {
        clearTimeout(timer);
        void killTree(child, this.#instanceId);
        const output = early.text().trim();
        reject(new Error(`${why}${output ? `: ${output.slice(-2000)}` : ''}`));
      };
      const timer = setTimeout(() => fail(`the runtime did not start within ${timeoutMs} ms`), timeoutMs);
      const onEarlyOutput = (chunk: Buffer) => early.push(chunk);
      child.stdout?.on('data', onEarlyOutput);
      child.stderr?.on('data', onEarlyOutput);
      const onError = (error: Error) => fail(`the runtime could not be started (${error.message})`);
      const onExit = (code: number | null, signal: string | null) =>
        fail(`the runtime exited while starting (${signal ?? `exit code ${code}`})`);
      child.once('error', onError);
      child.once('exit', onExit);
      this.#channel.on('data', (chunk: Buffer) => {
        let frames: Frame[];
        try {
          frames = reader.push(chunk);
        } catch {
          // The function wrote to fd 3 itself (it is inherited): that threw in fcw's event loop and
          // ended the whole sandbox. Now only this instance ends, as a crash: the call is answered
          // by the exit handler ("Process exited unexpectedly"), or the start fails.
          this.#channel.removeAllListeners('data');
          this.#channel.destroy();
          void killTree(child, this.#instanceId);
          return;
        }
        for (const frame of frames) {
          if (frame.header.type === 'ready' && this.version === undefined) {
            clearTimeout(timer);
            this.version = String(frame.header.version);
            child.stdout?.off('data', onEarlyOutput);
            child.stderr?.off('data', onEarlyOutput);
            child.off('error', onError);
            child.off('exit', onExit);
            this.#attach();
            resolve(this);
          } else this.#onFrame(frame);
        }
      });
    });
  }

  #attach(): void {
    const rawOutput = (chunk: Buffer) => this.#call?.log.push(chunk);
    this.#child.stdout?.on('data', rawOutput);
    this.#child.stderr?.on('data', rawOutput);
    this.#channel.on('error', () => undefined);
    this.#child.on('exit', () => {
      this.#exited = true;
      const call = this.#call;
      if (!call) return;
      const durationMs = Math.round(performance.now() - call.started);
      call.finish({
        ok: false,
        body: exitedBody(durationMs, this.#lastMaxMemoryMB),
        log: call.log.chunks(),
        durationMs,
        maxMemoryMB: this.#lastMaxMemoryMB,
        lost: true,
      });
    });
  }

  #onFrame(frame: Frame): void {
    const call = this.#call;
    if (!call) return;
    if (frame.header.type === 'log') {
      call.log.push(frame.body);
      return;
    }
    if (frame.header.type !== 'done') return;
    const rssKB = Number(frame.header.maxRssKB);
    if (Number.isFinite(rssKB) && rssKB > 0) this.#lastMaxMemoryMB = rssKB / 1024;
    call.finish({
      ok: frame.header.ok === true,
      handled: frame.header.handled === true,
      body: frame.body,
      log: call.log.chunks(),
      durationMs: Math.round(performance.now() - call.started),
      maxMemoryMB: this.#lastMaxMemoryMB,
      lost: false,
      http: frame.header.http as HttpAnswer | undefined,
    });
  }

  #call_(
    type: 'initialize' | 'invoke' | 'http-invoke',
    context: InvocationContext,
    event: Buffer,
    timeoutMs: number,
    http?: HttpRequestIn,
  ): Promise<CallOutcome> {
    if (this.#call) return Promise.reject(new Error('an instance runs one call at a time'));
    if (this.#exited) {
      return Promise.resolve({
        ok: false,
        body: exitedBody(0, this.#lastMaxMemoryMB),
        log: [],
        durationMs: 0,
        lost: true,
      });
    }
    return new Promise<CallOutcome>((resolve) => {
      const call: PendingCall = {
        started: performance.now(),
        log: new LogKeeper(),
        timeoutS: Math.round(timeoutMs / 1000),
        timer: setTimeout(() => {
          const peak = peakRssMB(this.#child.pid) ?? this.#lastMaxMemoryMB;
          call.finish({
            ok: false,
            body: timedOutBody(call.timeoutS, peak),
            log: call.log.chunks(),
            durationMs: timeoutMs,
            maxMemoryMB: peak,
            lost: true,
          });
          void killTree(this.#child, this.#instanceId);
        }, timeoutMs),
        sampler: setInterval(() => {
          const peak = peakRssMB(this.#child.pid);
          if (peak !== undefined) this.#lastMaxMemoryMB = Math.max(peak, this.#lastMaxMemoryMB ?? 0);
        }, MEMORY_SAMPLE_MS),
        finish: (outcome) => {
          if (this.#call !== call) return;
          clearTimeout(call.timer);
          clearInterval(call.sampler);
          this.#call = undefined;
          resolve(outcome);
        },
      };
      this.#call = call;
      this.#channel.write(encodeFrame(http ? { type, context, http } : { type, context }, event));
    });
  }

  initialize(context: InvocationContext, timeoutMs: number): Promise<CallOutcome> {
    return this.#call_('initialize', context, Buffer.alloc(0), timeoutMs);
  }

  invoke(context: InvocationContext, event: Buffer, timeoutMs: number): Promise<CallOutcome> {
    return this.#call_('invoke', context, event, timeoutMs);
  }

  invokeHttp(
    context: InvocationContext,
    request: HttpRequestIn,
    body: Buffer,
    timeoutMs: number,
  ): Promise<CallOutcome> {
    return this.#call_('http-invoke', context, body, timeoutMs, request);
  }

  /**
   * Makes a spare host this function's instance: its working copy, its environment, its options
   * (promiseAnswers: Node.js only).
   */
  bind(cwd: string, env: Record<string, string>, promiseAnswers?: boolean): void {
    this.#instanceId = env.FC_INSTANCE_ID;
    this.#channel.write(encodeFrame({ type: 'bind', cwd, env, promiseAnswers }));
  }

  stop(): Promise<void> {
    return killTree(this.#child, this.#instanceId);
  }
}
