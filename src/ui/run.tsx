// Renders the wizard on the terminal and waits for its exit code. The only place the wizard ends:
// <App> calls onExit once with a code of the EXIT table (done, failed or cancelled), we unmount, close what the session
// opened (the in-process sandbox), and hand the code to main.
import { measureElement, render } from 'ink';
import type { Io } from '../cli/io.js';
import { EXIT } from '../core/errors.js';
import { App } from './App.js';
import type { Session } from './context.js';
import { createRealServices } from './real-services.js';

export interface WizardFlags {
  animation: boolean;
  endpoint?: string;
  region?: string;
  accountId?: string;
}

/**
 * Ink ends a frame with a newline unless the frame fills the screen (its height reaches the rows);
 * then the cursor stays at the end of the frame's last line, and what follows (`fcw: cancelled.`,
 * the shell's prompt) would be written on that line. End it.
 */
function endLastLine(stdout: NodeJS.WriteStream, frameRows: number | undefined): void {
  if (stdout.isTTY && frameRows !== undefined && stdout.rows !== undefined && frameRows >= stdout.rows) {
    stdout.write('\n');
  }
}

export async function runWizard(io: Io, flags: WizardFlags): Promise<number> {
  const services = createRealServices(io, flags);
  const session: Session = { controllers: new Set() };
  // NO_COLOR (any non-empty value, no-color.org) turns colour off; so does FORCE_COLOR=0.
  const color = !io.env.NO_COLOR && io.env.FORCE_COLOR !== '0';
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let exitNote: string | undefined;
  const onExit = (code: number, note?: string) => {
    exitNote = note;
    resolveExit(code);
  };
  const instance = render(
    <App services={services} options={{ color, animation: flags.animation }} onExit={onExit} session={session} />,
    {
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
      // Ctrl-C is ours: abort the work in flight and exit 130: Ink's own Ctrl-C exit
      // would end with 0 and make a cancelled deploy look like success (docs/terminal-notes.md, 4).
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  const code = await exited;
  // The frame on screen now is the last one: unmounting draws it once more, unchanged.
  const frameRows = session.frame ? measureElement(session.frame).height : undefined;
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  endLastLine(io.stdout as NodeJS.WriteStream, frameRows);
  for (const controller of session.controllers) controller.abort();
  await session.connection?.close().catch(() => undefined);
  if (code === EXIT.cancelled) io.stderr.write(exitNote ? `fcw: cancelled. ${exitNote}\n` : 'fcw: cancelled.\n');
  return code;
}
