// The log lines of an initializer that failed. Without them the log read "FC Initialize Start …
// FC Initialize End" as if it had worked, and the error was only in the answer's body.
import { FAILED_INITIALIZER_END_SUFFIX } from './choices.js';

export interface FailedInitializer {
  requestId: string;
  /** An error the function passed to its callback (Node.js), rather than one it threw. */
  handled: boolean;
  /** FC's JSON error body for the failure (what the caller gets back). */
  body: Buffer;
  /**
   * The sandbox prints FC's marker lines for this runtime. A custom runtime prints its own, so the
   * sandbox adds a note of its own there instead of an end line that would not match them.
   */
  markers: boolean;
  now: Date;
}

export function failedInitializerLines(failure: FailedInitializer): string[] {
  const error = failure.body.toString('utf8').trim() || '(no error body)';
  if (!failure.markers) return [`fcw sandbox: the initializer failed: ${error}`];
  const suffix = FAILED_INITIALIZER_END_SUFFIX[failure.handled ? 'handled' : 'unhandled'];
  return [
    `${failure.now.toISOString()} ${failure.requestId} [ERROR] ${error}`,
    `FC Initialize End RequestId: ${failure.requestId}${suffix}`,
  ];
}
