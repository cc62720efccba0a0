// The log lines of an initializer or invocation that failed. Without them the log read "FC
// Initialize Start … FC Initialize End" (or Invoke) as if it had worked, and the error was only in
// the answer's body.
import { FAILED_CALL_END_SUFFIX } from './choices.js';

export interface FailedCall {
  phase: 'Initialize' | 'Invoke';
  requestId: string;
  /** An error the function passed to its callback (Node.js), rather than one it threw. */
  handled: boolean;
  /** FC's JSON error body for the failure (what the caller gets back). */
  body: Buffer;
  /**
   * The sandbox prints FC's marker lines for this runtime. A custom runtime prints its own (its end
   * line says whether the call failed), so for a failed initializer the sandbox adds a note instead
   * of an end line that would not match them, and for a failed invocation nothing.
   */
  markers: boolean;
  now: Date;
}

export function failedCallLines(failure: FailedCall): string[] {
  const error = failure.body.toString('utf8').trim() || '(no error body)';
  if (!failure.markers) return failure.phase === 'Initialize' ? [`fcw sandbox: the initializer failed: ${error}`] : [];
  const suffix = FAILED_CALL_END_SUFFIX[failure.handled ? 'handled' : 'unhandled'];
  return [
    `${failure.now.toISOString()} ${failure.requestId} [ERROR] ${error}`,
    `FC ${failure.phase} End RequestId: ${failure.requestId}${suffix}`,
  ];
}
