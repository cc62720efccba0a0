// The port `fcw serve` listens on unless told otherwise; the wizard looks for a sandbox there.
// Its own module so the wizard's first screen can name it without loading the sandbox.
export const DEFAULT_SANDBOX_PORT = 9420;
