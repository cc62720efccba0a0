// Text fields fed the way a terminal feeds them: several keys in one chunk (key repeat, tmux,
// ssh, paste). The value on screen must be the value used.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

afterEach(() => cleanup());

const atFunction = () =>
  renderApp(fakeServices(), {
    initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
    connection: fakeConnection(),
  });

describe('text fields and chunks of keys', () => {
  it('four Backspaces in one chunk delete four characters; the name used is the name shown', async () => {
    const app = atFunction();
    await waitForFrame(app, 'Function name');
    await type(app, '1bad');
    await app.stdin.write(KEY.backspace.repeat(4));
    await type(app, 'hello');
    const frame = await waitForFrame(app, 'Function name: hello');
    expect(frame).not.toContain('1bad');
    // One more Backspace deletes the last character shown.
    await press(app, KEY.backspace, 'Function name: hell');
    await type(app, 'o');
    await press(app, KEY.enter, 'nodejs20');
    // Back on the step, the value kept is exactly "hello".
    const back = await press(app, KEY.esc, 'Function name');
    expect(back).toMatch(/Function name: hello(?!o)/);
  });

  it('a pasted name with a trailing newline confirms once, without "\\r" in the value', async () => {
    const app = atFunction();
    await waitForFrame(app, 'Function name');
    await app.stdin.write('pasted-fn\r\n');
    await waitForFrame(app, 'nodejs20');
    const back = await press(app, KEY.esc, 'Function name');
    expect(back).toContain('Function name: pasted-fn');
    expect(back).not.toContain('\r');
    // It went one step, not two: the runtime was not confirmed by a second Enter.
    expect(back).not.toContain('Code');
  });

  it('text, an arrow and more text in one chunk all apply, at the cursor', async () => {
    const app = atFunction();
    await waitForFrame(app, 'Function name');
    await app.stdin.write(`helo${KEY.left}l`);
    await press(app, KEY.enter, 'nodejs20');
    await press(app, KEY.esc, 'Function name: hello');
  });

  it('the service filter takes a pasted "name\\r" and picks that service', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: stateAt('service'), connection: fakeConnection() });
    await waitForFrame(app, 'Filter:');
    await press(app, 'other\r', 'Function name');
    expect(app.lastFrame()).toContain('in service other');
  });

  it('an Enter the field refuses does not swallow the keys after it in the same chunk', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('more', { runtime: 'nodejs20' }) });
    await waitForFrame(app, 'Description:');
    await press(app, KEY.enter, 'Add KEY=value');
    await type(app, 'FC_X=1');
    expect(app.lastFrame()).toContain('✗');
    // Enter (refused: FC_ is reserved), Ctrl-U (clear), then a good entry: one chunk.
    await app.stdin.write('\r\u0015OK=1');
    await waitForFrame(app, 'Add KEY=value: OK=1');
    await press(app, KEY.enter, 'Environment variables: OK=1');
  });

  it('Enter on a folder that does not exist stays on the folder field', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('code', { service: { name: 'demo', isNew: false }, functionName: 'f', runtime: 'nodejs20' }),
    });
    await press(app, KEY.enter, 'Folder: .');
    await app.stdin.write(KEY.backspace);
    await type(app, 'missing');
    await waitForFrame(app, 'folder missing does not exist');
    await app.stdin.write(KEY.enter);
    await type(app, 'x');
    expect(app.lastFrame()).toContain('Folder: missingx');
    expect(app.lastFrame()).not.toContain('Handler');
    // Typed and confirmed in one chunk, before the live scan of it: the last scan was of a good
    // folder, yet this one is scanned first and refused.
    await app.stdin.write(`${KEY.backspace.repeat(8)}app`);
    await waitForFrame(app, /Folder: app[\s\S]*2 files/);
    await app.stdin.write(`${KEY.backspace.repeat(3)}missing\r`);
    await waitForFrame(app, 'folder missing does not exist');
    await type(app, 'y');
    expect(app.lastFrame()).toContain('Folder: missingy');
    expect(app.lastFrame()).not.toContain('Handler');
    // And a good folder typed the same way goes on.
    await app.stdin.write(`${KEY.backspace.repeat(8)}app\r`);
    await waitForFrame(app, 'Handler');
  });

  it('a list takes a chunk of Enters as one Enter (it ignored it before)', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('runtime', { service: { name: 'demo', isNew: false }, functionName: 'f' }),
    });
    await waitForFrame(app, '❯ nodejs20');
    await app.stdin.write('\r\r');
    await waitForFrame(app, '❯ A folder');
    expect(app.lastFrame()).not.toContain('Folder:');
  });

  it('Ctrl-C inside a chunk of typed text still cancels (exit 130)', async () => {
    const app = atFunction();
    await waitForFrame(app, 'Function name');
    await app.stdin.write('ab\u0003');
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([130]);
  });
});
