// `fcw deploy | head -1`, `fcw profiles list | head -1`: the reader goes away and the next write
// fails with EPIPE. Without a listener that is an unhandled 'error' event: a stack trace and exit 1
// after a deploy that worked. Like other CLI tools, stop writing there and keep the command's own
// outcome (its exit code). main() installs it once for every command.
type Stream = { on?(event: 'error', listener: (error: Error) => void): unknown };

function ignore(): void {
  // Nobody is reading: there is no one left to tell.
}

/** Makes a closed stdout or stderr silent instead of fatal. */
export function tolerateClosedOutput(...streams: Stream[]): void {
  for (const stream of streams) stream.on?.('error', ignore);
}
