// The exit codes of design.md, and the typed errors that map to them. One place (main) turns an
// error into a code; everything below only throws.
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage or input the user can fix: exit 2. `hint` says how. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The user cancelled (Ctrl-C, or answered no): exit 130. */
export class CancelledError extends Error {
  readonly exitCode = EXIT.cancelled;
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The deploy or the service failed: exit 1. */
export class FailedError extends Error {
  readonly exitCode = EXIT.failed;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'FailedError';
  }
}

export function exitCodeOf(error: unknown): ExitCode {
  const code = (error as { exitCode?: unknown })?.exitCode;
  if (code === EXIT.usage || code === EXIT.cancelled || code === EXIT.failed) return code;
  return EXIT.failed;
}
