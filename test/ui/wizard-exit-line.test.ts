// The wizard as `fcw` runs it (runWizard, real services in a scratch config dir): when it exits,
// what follows it (`fcw: cancelled.`, the shell's prompt) starts on a line of its own, also when
// the last frame filled the screen (Ink ends such a frame without a newline).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWizard } from '../../src/ui/run.js';
import { FakeKeyboard, FakeTerminal } from './fake-terminal.js';
import { waitForFrame } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-exit-line-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The text a terminal shows from these writes, escape sequences left out. */
function visible(written: string): string {
  // eslint-disable-next-line no-control-regex
  return written.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
}

async function cancelAt(rows: number): Promise<{ code: number; shown: string; stderr: string }> {
  const stdout = new FakeTerminal(120, rows);
  const stderr = new FakeTerminal(120, rows);
  const stdin = new FakeKeyboard();
  const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir, CI: 'false' };
  const io = { stdin, stdout, stderr, env, cwd: dir } as unknown as Parameters<typeof runWizard>[0];
  const exited = runWizard(io, { animation: false });
  await waitForFrame({ lastFrame: () => stdout.written }, 'Where should the function go?');
  stdin.type('\u0003');
  const code = await exited;
  return { code, shown: visible(stdout.written), stderr: stderr.written };
}

describe('the line after the wizard', () => {
  it('a frame that fills the screen is ended with a newline at exit', async () => {
    const { code, shown, stderr } = await cancelAt(8);
    expect(code).toBe(130);
    expect(stderr).toBe('fcw: cancelled.\n');
    expect(shown.endsWith('Ctrl-C quit\n')).toBe(true);
  });

  it('a shorter frame gets no second newline (no blank line before the prompt)', async () => {
    const { code, shown } = await cancelAt(40);
    expect(code).toBe(130);
    expect(shown.endsWith('Ctrl-C quit\n')).toBe(true);
  });
});
