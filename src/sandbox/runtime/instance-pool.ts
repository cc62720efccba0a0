// The warm instances of one function revision: one per concurrent request, reused between
// invocations, each ending after it has been idle for a while. When the function changes, the pool
// is retired: idle instances end at once, busy ones when their call completes.

export interface Slot<T> {
  value: T;
  /** The initializer has succeeded on this instance. */
  initialized: boolean;
  /** Set for the first call of a new instance: the log note about the interpreter, if any. */
  note?: string;
  fresh: boolean;
  idleTimer?: NodeJS.Timeout;
}

export interface PoolOptions<T> {
  max: number;
  idleMs: number;
  start(): Promise<Slot<T>>;
  stop(slot: Slot<T>): Promise<void>;
}

export class InstancePool<T> {
  readonly #options: PoolOptions<T>;
  readonly #idle: Slot<T>[] = [];
  readonly #all = new Set<Slot<T>>();
  #starting = 0;
  #waiters: (() => void)[] = [];
  #retired = false;

  constructor(options: PoolOptions<T>) {
    this.#options = options;
  }

  get size(): number {
    return this.#all.size + this.#starting;
  }

  isIdle(slot: Slot<T>): boolean {
    return this.#idle.includes(slot);
  }

  /** An idle instance (most recently used first), a new one if under the cap, or the next one released. */
  async acquire(): Promise<Slot<T>> {
    for (;;) {
      if (this.#retired) throw new Error('the function changed while waiting for an instance; invoke again');
      const slot = this.#idle.pop();
      if (slot) {
        clearTimeout(slot.idleTimer);
        slot.fresh = false;
        return slot;
      }
      if (this.size < this.#options.max) {
        this.#starting++;
        try {
          const started = await this.#options.start();
          if (this.#retired) {
            await this.#options.stop(started);
            continue;
          }
          this.#all.add(started);
          return started;
        } finally {
          this.#starting--;
        }
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Gives an instance back after a call; `lost` (timed out, crashed) ends it instead. */
  release(slot: Slot<T>, lost: boolean): void {
    if (lost || this.#retired) {
      void this.#end(slot);
    } else {
      slot.idleTimer = setTimeout(() => void this.evict(slot), this.#options.idleMs);
      slot.idleTimer.unref();
      this.#idle.push(slot);
    }
    this.#waiters.shift()?.();
  }

  /** Ends one idle instance now (its port is wanted, or it idled out). */
  async evict(slot: Slot<T>): Promise<void> {
    const at = this.#idle.indexOf(slot);
    if (at < 0) return;
    this.#idle.splice(at, 1);
    await this.#end(slot);
  }

  async #end(slot: Slot<T>): Promise<void> {
    clearTimeout(slot.idleTimer);
    this.#all.delete(slot);
    await this.#options.stop(slot);
    this.#waiters.shift()?.();
  }

  /** Idle instances end now, busy ones as soon as their call completes; waiting callers are refused. */
  async retire(): Promise<void> {
    this.#retired = true;
    const idle = this.#idle.splice(0);
    for (const wake of this.#waiters.splice(0)) wake();
    await Promise.all(idle.map((slot) => this.#end(slot)));
  }

  /** Every instance ends now, busy or not (the sandbox is stopping). */
  async stopAll(): Promise<void> {
    await this.retire();
    await Promise.all([...this.#all].map((slot) => this.#end(slot)));
  }
}
