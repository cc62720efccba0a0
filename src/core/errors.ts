// The one table of exit codes, and the typed errors that carry them. 0: done; 1: the deploy or
// the service failed; 2: bad usage or input the user can fix; 130: cancelled (128 + SIGINT, as
// shells report Ctrl-C). One place per entry point (main, the wizard's exit) turns an error into
// a code; everything below only throws.
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;
/** A second SIGTERM while `fcw serve` closes: 128 + 15, as shells report it. Not a result of main. */
export const EXIT_TERMINATED = 143;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage or input the user can fix: exit 2. `hint` says how. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One field a check refused: the request field (dotted for nested ones, `customContainerConfig.image`) and why. */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * Input that breaks a rule of the API (exit 2), found before anything was sent. Carries each field
 * it refused, so the command can name the flag and the wizard the step that sets it.
 */
export class InvalidFieldsError extends UsageError {
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** The setting a ConfigError is about; the caller names where to fix it (a flag, a wizard step). */
export type ConfigField = 'endpoint' | 'accountId' | 'region' | 'credentials';

/**
 * A connection setting is missing or malformed (exit 2). Thrown below the commands, so it names
 * the field and never a flag: the command or the wizard words the hint for where the user is.
 */
export class ConfigError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    readonly field: ConfigField,
    message: string,
    /** How to fix the value itself (its form), never where to set it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The user cancelled (Ctrl-C, or answered no): exit 130. */
export class CancelledError extends Error {
  readonly exitCode = EXIT.cancelled;
  constructor(
    message = 'Cancelled.',
    /** What to do now, when the cancel may have left something behind. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The deploy or the service failed: exit 1. */
export class FailedError extends Error {
  readonly exitCode = EXIT.failed;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FailedError';
  }
}

/** True for errors the user fixes by changing the input (exit 2), whatever their type. */
export function isUsageError(error: unknown): boolean {
  return exitCodeOf(error) === EXIT.usage;
}

export function exitCodeOf(error: unknown): ExitCode {
  const code = (error as { exitCode?: unknown })?.exitCode;
  if (code === EXIT.usage || code === EXIT.cancelled || code === EXIT.failed) return code;
  return EXIT.failed;
}
