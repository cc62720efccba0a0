// A resize in either direction, or of the height alone, redraws the whole frame from a cleared
// screen: a terminal re-wraps (and some re-join) the lines already drawn and scrolls or pulls back
// rows as its height changes, so erasing by Ink's own line count can leave a stale header above
// the frame or a second copy of it. Ink itself clears only when the width shrinks.
import { act } from 'react';
import { render } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { FakeKeyboard, FakeTerminal } from './fake-terminal.js';
import { fakeServices, waitForFrame } from './helpers.js';

const CLEAR = '\u001B[2J\u001B[H';

let unmount: (() => void) | undefined;
afterEach(() => {
  act(() => unmount?.());
  unmount = undefined;
});

function start(): FakeTerminal {
  const stdout = new FakeTerminal();
  act(() => {
    const instance = render(
      <App services={fakeServices()} options={{ color: false, animation: false }} onExit={() => undefined} />,
      {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: new FakeTerminal() as unknown as NodeJS.WriteStream,
        stdin: new FakeKeyboard() as unknown as NodeJS.ReadStream,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
    unmount = instance.unmount;
  });
  return stdout;
}

/** What was written since `from`, once it holds a cleared screen followed by the whole frame. */
async function redrawnSince(terminal: FakeTerminal, from: number): Promise<string> {
  const frame = await waitForFrame({ lastFrame: () => terminal.written.slice(from) }, (w) => {
    const cleared = w.lastIndexOf(CLEAR);
    return cleared >= 0 && /fcw · step 1\/9[\s\S]*Where should the function go\?/.test(w.slice(cleared));
  });
  return frame.slice(frame.lastIndexOf(CLEAR));
}

describe('resizing the terminal', () => {
  it.each([
    ['wider', 140, 40],
    ['narrower', 80, 40],
    ['shorter', 120, 20],
    ['taller', 120, 50],
  ])('%s: the screen is cleared and the whole frame drawn again from the top', async (_how, columns, rows) => {
    const terminal = start();
    await waitForFrame({ lastFrame: () => terminal.written }, 'Where should the function go?');
    const before = terminal.written.length;
    act(() => terminal.resize(columns, rows));
    const redrawn = await redrawnSince(terminal, before);
    // One header, at the top of the cleared screen.
    expect(redrawn.match(/fcw · step 1\/9/g)).toHaveLength(1);
  });
});
