// When a failed FC call may be sent again, and how long to wait first. Pure, except `sleep`.
//
// The rule: a read (GET) changes nothing, so it is retried on any network error, timeout, 5xx or
// 429. Any other call is retried only when the service certainly did nothing: the connection was
// refused before a byte was sent, or the service answered 429/503 (throttled, nothing done).
// A create or update that timed out or lost its connection is NOT retried here; the client reads
// the function back instead to learn whether it was applied.

export type FailureKind =
  /** Connection refused or DNS temporarily failing: nothing reached the service. */
  | 'not-sent'
  /** Reset, dropped or closed connection after (part of) the request was sent. */
  | 'dropped'
  | 'timeout'
  /** Never sendable: fetch refuses the URL itself (a blocked port). Trying again cannot help. */
  | 'unsendable';

export type Attempt = { kind: 'status'; status: number } | { kind: 'network'; failure: FailureKind };

export function isRetryable(method: string, attempt: Attempt): boolean {
  const read = method === 'GET' || method === 'HEAD';
  if (attempt.kind === 'status') {
    if (attempt.status === 429 || attempt.status === 503) return true;
    return read && attempt.status >= 500;
  }
  if (attempt.failure === 'unsendable') return false;
  return read || attempt.failure === 'not-sent';
}

const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;
/** A Retry-After longer than this is not waited for: the caller gets the error instead. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out. */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The wait before retrying a throttled call that named a `Retry-After`: that long, plus up to as
 * long again at random. Without the random part every client refused at the same moment (a busy
 * sandbox refuses all large uploads beyond its slots at once) comes back at the same moment and is
 * refused again together.
 */
export function retryAfterDelayMs(retryAfterMs: number, random: () => number = Math.random): number {
  return Math.round(retryAfterMs + random() * retryAfterMs);
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
