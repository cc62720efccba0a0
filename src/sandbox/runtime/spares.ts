// Host processes (Node.js, Python) started ahead of need, one per runtime kind and memory size: a
// new instance is then bound to one (its working copy, its environment) instead of waiting for the
// interpreter to start, most of a cold start. The memory limit is applied when the process starts
// (Node's --max-old-space-size, Python's RLIMIT_AS), so a spare serves only its own memory size.
import type { HostInstance } from './host-instance.js';

export type HostKind = 'nodejs' | 'python';

interface Spare {
  host: Promise<HostInstance>;
  timer: NodeJS.Timeout;
}

/**
 * Variables a process reads only while it starts: a spare started without them would ignore them,
 * so a function that sets one gets a process of its own. NODE_PATH and PYTHONPATH are applied at
 * bind; NODE_ENV and NODE_TLS_REJECT_UNAUTHORIZED are read by code as it runs, not by Node.js at
 * start; LD_* is read by the dynamic loader at start; Python fixes its text encodings from the
 * locale at start.
 */
const READ_AT_START: Record<HostKind, RegExp> = {
  nodejs: /^(NODE_(?!(PATH|ENV|TLS_REJECT_UNAUTHORIZED)$)|UV_|LD_)/,
  python: /^(PYTHON(?!PATH$)|LD_|LC_ALL$|LC_CTYPE$|LANG$)/,
};

/**
 * Whether a spare can stand in for a fresh process for this function: not when it sets a variable
 * read only at start, nor when its layers hold /opt/lib (LD_LIBRARY_PATH names it, and the loader
 * reads that only at start).
 */
export function spareCanServe(kind: HostKind, variables: Record<string, string>, layersHaveLib: boolean): boolean {
  if (layersHaveLib) return false;
  return !Object.keys(variables).some((name) => READ_AT_START[kind].test(name));
}

export class SpareHosts {
  readonly #spares = new Map<string, Spare>();
  readonly #idleMs: number;
  /** Told of each spare ended unused (the executor stops tracking it). */
  readonly #ended: (host: HostInstance) => void;
  #closed = false;

  constructor(idleMs: number, ended: (host: HostInstance) => void) {
    this.#idleMs = idleMs;
    this.#ended = ended;
  }

  /** The spare for this kind and memory size, if one was started (it may still be starting). */
  async take(kind: HostKind, memory: number): Promise<HostInstance | undefined> {
    const key = `${kind}/${memory}`;
    const spare = this.#spares.get(key);
    if (!spare) return undefined;
    this.#spares.delete(key);
    clearTimeout(spare.timer);
    return spare.host.catch(() => undefined); // a spare that failed to start is simply not used
  }

  /** Starts a spare for this kind and memory size unless one is there; it ends if unused for idleMs. */
  refill(kind: HostKind, memory: number, start: () => Promise<HostInstance>): void {
    const key = `${kind}/${memory}`;
    if (this.#closed || this.#spares.has(key)) return;
    const host = start();
    host.catch(() => undefined);
    const timer = setTimeout(() => {
      if (this.#spares.get(key)?.host !== host) return;
      this.#spares.delete(key);
      void this.#stop(host);
    }, this.#idleMs);
    timer.unref();
    this.#spares.set(key, { host, timer });
  }

  /** Ends every spare; none is started after this. */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = [...this.#spares.values()];
    this.#spares.clear();
    for (const spare of spares) clearTimeout(spare.timer);
    await Promise.all(spares.map((spare) => this.#stop(spare.host)));
  }

  async #stop(host: Promise<HostInstance>): Promise<void> {
    const started = await host.catch(() => undefined);
    if (!started) return;
    await started.stop();
    this.#ended(started);
  }
}
