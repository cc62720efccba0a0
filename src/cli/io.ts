// The process's streams and environment, passed down explicitly so commands can be run in tests
// with captured output and a fake environment.
export interface Io {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

function isTty(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

/** Interactive means a person at a terminal on both ends and not CI: Ink itself does not
 * notice a piped stdout (docs/terminal-notes.md, 3). */
export function isInteractive(io: Io): boolean {
  const ci = io.env.CI;
  const inCi = ci !== undefined && ci !== 'false' && ci !== '0';
  return isTty(io.stdin) && isTty(io.stdout) && !inCi;
}

export function stderrIsTty(io: Io): boolean {
  return isTty(io.stderr);
}

export function write(stream: Io['stdout'], text: string): void {
  stream.write(text);
}
