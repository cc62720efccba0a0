// When `fcw serve` starts with functions already stored, their first calls would each start an
// interpreter (Node.js or Python), the slowest part of a cold start. Spare hosts for the runtimes
// and memory sizes the stored functions use most are started in the background instead, so those
// calls are bound to a ready process. Reading records stops early: a large store must not delay or
// slow the server's first requests.
import type { FunctionExecutor } from './runtime/executor.js';
import type { SandboxStore } from './store.js';

/** Spare hosts started at start-up at most (each is a live interpreter until it idles out). */
export const STARTUP_SPARES_MAX = 2;
/** Function records read at most to choose them. */
export const STARTUP_RECORDS_READ_MAX = 200;

/** The most used `runtime + memory size` pairs among the records, most used first (ties: first seen). */
export function commonShapes(
  records: readonly { runtime: string; memorySize?: number }[],
  max: number,
): { runtime: string; memorySize: number }[] {
  const counts = new Map<string, { runtime: string; memorySize: number; count: number }>();
  for (const { runtime, memorySize = 128 } of records) {
    const key = `${runtime}/${memorySize}`;
    const seen = counts.get(key) ?? { runtime, memorySize, count: 0 };
    seen.count++;
    counts.set(key, seen);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, max)
    .map(({ runtime, memorySize }) => ({ runtime, memorySize }));
}

/** Starts the spares in the background; a record that cannot be read is skipped. */
export async function startSparesForStored(store: SandboxStore, executor: FunctionExecutor): Promise<void> {
  const records: { runtime: string; memorySize?: number }[] = [];
  read: for (const service of await store.listServiceNames()) {
    for (const fn of await store.listFunctionNames(service)) {
      const record = await store.getFunction(service, fn).catch(() => undefined);
      // Custom runtimes get no spare: their bootstrap is the function's own code.
      if (record && executor.canPrepare(record.runtime)) records.push(record);
      if (records.length >= STARTUP_RECORDS_READ_MAX) break read;
    }
  }
  for (const { runtime, memorySize } of commonShapes(records, STARTUP_SPARES_MAX))
    executor.prepare(runtime, memorySize);
}
