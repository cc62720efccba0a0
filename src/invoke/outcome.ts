// What one invocation came to, in the form fcw shows it: from the client's answer to a status
// (ok / error), the result as text or base64, the function's error message, the log tail, the
// timings, and how the code checksum that ran compares with the last deploy. Pure: the command,
// `fcw deploy --invoke` and the wizard all print from this.
import type { InvokeResult } from '../fc/client.js';

export interface InvocationOutcome {
  status: 'ok' | 'error';
  /** An async call that was accepted: nothing ran yet as far as fcw can see. */
  async: boolean;
  body: Buffer;
  /** `HandledInvocationError` / `UnhandledInvocationError`. */
  errorType?: string;
  /** The function's errorMessage (or its whole body when that is not FC's JSON). */
  errorMessage?: string;
  log?: string;
  durationMs?: number;
  maxMemoryMB?: number;
  codeChecksum?: string;
  requestId: string;
}

export function outcomeOf(data: InvokeResult, requestId: string, async: boolean): InvocationOutcome {
  const outcome: InvocationOutcome = {
    status: data.errorType ? 'error' : 'ok',
    async,
    body: data.body,
    errorType: data.errorType,
    log: data.logTail,
    durationMs: data.durationMs,
    maxMemoryMB: data.maxMemoryMB,
    codeChecksum: data.codeChecksum,
    requestId,
  };
  if (data.errorType) outcome.errorMessage = errorMessageOf(data.body);
  return outcome;
}

export function errorMessageOf(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not FC's JSON error body: the text itself
  }
  return text.trim() || '(no message)';
}

/** The body as text when it is valid UTF-8, else base64 (binary answers stay intact in JSON). */
export function resultText(body: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body)
    ? { text, encoding: 'utf8' }
    : { text: body.toString('base64'), encoding: 'base64' };
}

export type ChecksumVerdict = 'match' | 'differs' | 'unknown';

/** The checksum that ran against the one the last deploy recorded. */
export function checksumVerdict(ran: string | undefined, deployed: string | undefined): ChecksumVerdict {
  if (!ran || !deployed) return 'unknown';
  return ran === deployed ? 'match' : 'differs';
}

export function checksumLine(
  ran: string | undefined,
  deployed: string | undefined,
  profile: string | undefined,
): string | undefined {
  if (!ran) return undefined;
  switch (checksumVerdict(ran, deployed)) {
    case 'match':
      return `code ${ran} ✓ the one profile "${profile}" last deployed`;
    case 'differs':
      return (
        `code ${ran} ✗ not the one profile "${profile}" last deployed (${deployed}): ` +
        'someone deployed since, or the deploy failed'
      );
    default:
      return `code ${ran}`;
  }
}

/** One line of timings for a person: duration, peak memory, request id. */
export function timingLine(outcome: InvocationOutcome): string {
  const parts: string[] = [];
  if (outcome.durationMs !== undefined) parts.push(`${outcome.durationMs} ms`);
  if (outcome.maxMemoryMB !== undefined) parts.push(`max memory ${outcome.maxMemoryMB.toFixed(1)} MB`);
  parts.push(`request ${outcome.requestId || 'unknown'}`);
  return parts.join(' · ');
}

/** `--json`: exactly one object. */
export function invocationJson(
  outcome: InvocationOutcome | undefined,
  extra: { error?: string; deployedChecksum?: string } = {},
): Record<string, unknown> {
  if (!outcome) {
    return {
      status: 'error',
      result: null,
      error: extra.error ?? 'the invocation did not complete',
      log: null,
      durationMs: null,
      maxMemoryMB: null,
      codeChecksum: null,
      requestId: null,
    };
  }
  const result = resultText(outcome.body);
  return {
    status: outcome.status,
    async: outcome.async,
    result: result.text,
    resultEncoding: result.encoding,
    error: outcome.status === 'error' ? { type: outcome.errorType, message: outcome.errorMessage } : null,
    log: outcome.log ?? null,
    durationMs: outcome.durationMs ?? null,
    maxMemoryMB: outcome.maxMemoryMB ?? null,
    codeChecksum: outcome.codeChecksum ?? null,
    deployedChecksum: extra.deployedChecksum ?? null,
    checksum: checksumVerdict(outcome.codeChecksum, extra.deployedChecksum),
    requestId: outcome.requestId,
  };
}
