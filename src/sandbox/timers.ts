// Timer triggers fire while the sandbox runs: the triggers are read from the store now and then
// (a trigger created or changed is picked up within a rescan), each enabled one is due at the
// time its schedule gives (timer-schedule.ts), and a due one invokes its function (at the
// trigger's qualifier) with FC's timer event: {"triggerTime", "triggerName", "payload"}. Outcomes
// go to the log. A clock jump fires a trigger once, not once per missed time.
import { randomUUID } from 'node:crypto';

import { publicFunction } from './records.js';
import type { ApiContext } from './routes/common.js';
import { triggerDir, type TriggerRecord } from './routes/triggers.js';
import { layerZipPathsOf } from './routes/layers.js';
import type { RandomSource } from './alias-routing.js';
import { codeZipPathOf, invocationViewOf } from './routes/versions.js';
import type { FunctionExecutor } from './runtime/executor.js';
import type { SandboxStore } from './store.js';
import { nextFire, parseSchedule, type Schedule } from './timer-schedule.js';

export interface TimerRunnerOptions {
  store: SandboxStore;
  executor: FunctionExecutor;
  accountId: string;
  now(): number;
  log?: (line: string) => void;
  /** How often due triggers are looked for. */
  tickMs?: number;
  /** How often the triggers are read again from the store. */
  rescanMs?: number;
  /** Which version of a weighted alias a firing runs. */
  random?: RandomSource;
}

interface Entry {
  service: string;
  fn: string;
  trigger: TriggerRecord;
  schedule: Schedule;
  next?: number;
}

export const TIMER_TICK_MS = 1_000;
export const TIMER_RESCAN_MS = 10_000;

export class TimerRunner {
  readonly #options: TimerRunnerOptions;
  readonly #ctx: ApiContext;
  #entries = new Map<string, Entry>();
  /** Triggers already reported as not followable (reported once per version of the trigger). */
  readonly #reported = new Set<string>();
  #timer?: NodeJS.Timeout;
  #busy = false;
  #lastScan = -Infinity;

  constructor(options: TimerRunnerOptions) {
    this.#options = options;
    this.#ctx = {
      store: options.store,
      secret: '',
      accountId: options.accountId,
      now: options.now,
      random: options.random,
    };
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#options.tickMs ?? TIMER_TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One look for due triggers (and, when it is time, for new or changed ones). */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const now = this.#options.now();
      if (now - this.#lastScan >= (this.#options.rescanMs ?? TIMER_RESCAN_MS)) {
        await this.#scan(now);
        this.#lastScan = now;
      }
      for (const entry of this.#entries.values()) {
        const anchor = Date.parse(entry.trigger.lastModifiedTime);
        if (entry.next === undefined) entry.next = nextFire(entry.schedule, now, anchor);
        if (entry.next === undefined || entry.next > now) continue;
        this.#fire(entry, entry.next);
        entry.next = nextFire(entry.schedule, now, anchor);
      }
    } catch (error) {
      this.#options.log?.(`timer triggers: ${(error as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  async #scan(now: number): Promise<void> {
    const found = new Map<string, Entry>();
    const store = this.#options.store;
    for (const service of await store.listServiceNames()) {
      for (const fn of await store.listFunctionNames(service)) {
        for (const trigger of await triggerDir(this.#ctx, service, fn).all()) {
          if (trigger.triggerType !== 'timer' || trigger.triggerConfig.enable !== true) continue;
          const key = `${service}/${fn}/${trigger.triggerName}`;
          const known = this.#entries.get(key);
          if (known && known.trigger.etag === trigger.etag) {
            found.set(key, known);
            continue;
          }
          const expression = String(trigger.triggerConfig.cronExpression);
          const schedule = parseSchedule(expression);
          if (!schedule) {
            if (!this.#reported.has(`${key}@${trigger.etag}`)) {
              this.#reported.add(`${key}@${trigger.etag}`);
              this.#options.log?.(
                `timer trigger ${key}: the sandbox cannot follow '${expression}'; it will not fire here`,
              );
            }
            continue;
          }
          found.set(key, {
            service,
            fn,
            trigger,
            schedule,
            next: nextFire(schedule, now, Date.parse(trigger.lastModifiedTime)),
          });
        }
      }
    }
    this.#entries = found;
  }

  #fire(entry: Entry, at: number): void {
    const key = `${entry.service}/${entry.fn}/${entry.trigger.triggerName}`;
    const event = Buffer.from(
      JSON.stringify({
        triggerTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        triggerName: entry.trigger.triggerName,
        payload: String(entry.trigger.triggerConfig.payload ?? ''),
      }),
    );
    const requestId = randomUUID();
    void (async () => {
      const view = await invocationViewOf(this.#ctx, entry.service, entry.trigger.qualifier || 'LATEST');
      const record = await view.getFunction(entry.fn);
      if (!record?.codeFile) throw new Error('the function or its code is gone');
      return this.#options.executor.invoke(
        {
          serviceName: entry.service,
          qualifier: entry.trigger.qualifier || 'LATEST',
          versionId: view.versionId,
          config: publicFunction(record),
          revision: record.etag,
          codeZipPath: codeZipPathOf(this.#ctx, entry.service, view, record.codeFile),
          layerZipPaths: await layerZipPathsOf(this.#ctx, record.layers),
        },
        event,
        { requestId },
      );
    })().then(
      (result) =>
        this.#options.log?.(
          result.errorType
            ? `timer trigger ${key} fired (${requestId}): the function failed (${result.errorType})`
            : `timer trigger ${key} fired (${requestId}): succeeded in ${result.durationMs}ms`,
        ),
      (error: unknown) =>
        this.#options.log?.(`timer trigger ${key} fired (${requestId}): could not run: ${(error as Error).message}`),
    );
  }
}
