// Values typed on a step stay until the person changes them: Esc back and forward again shows the
// description, the environment variables and a handler as they were left, submitted or not.
import { describe, expect, it } from 'vitest';
import { fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

const CTRL_U = '\u0015';
const chosen = {
  service: { name: 'demo', isNew: false },
  functionName: 'hello',
  runtime: 'nodejs20',
  code: { kind: 'folder' as const, path: './app' },
};

describe('Esc keeps every value', () => {
  it('a handler typed but not confirmed is there after Esc and forward again', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('handler', { ...chosen, history: ['target', 'service', 'function', 'runtime', 'code'] }) });
    await waitForFrame(app, 'Handler: index.handler');
    await app.stdin.write(CTRL_U);
    await type(app, 'main.other');
    await press(app, KEY.esc, 'A folder');
    await press(app, KEY.enter, 'Folder: ./app');
    await waitForFrame(app, 'fits inline');
    const frame = await press(app, KEY.enter, 'Handler:');
    expect(frame).toContain('Handler: main.other');
  });

  it('the description and environment variables are there after Esc to the limits step and forward again', async () => {
    const history = ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits'] as const;
    const app = renderApp(fakeServices(), { initial: stateAt('more', { ...chosen, handler: 'index.handler', history: [...history] }) });
    await waitForFrame(app, 'Description:');
    await type(app, 'my function');
    await press(app, KEY.enter, 'Add KEY=value');
    await type(app, 'MODE=prod');
    await press(app, KEY.enter, 'Environment variables: MODE=prod');
    await type(app, 'HALF=typed');
    await press(app, KEY.esc, /Description: my function/);
    await press(app, KEY.esc, '❯ 128 MB');
    await press(app, KEY.enter, 'Timeout (s):');
    await press(app, KEY.enter, 'Initializer:');
    let frame = await press(app, KEY.enter, 'Description:');
    expect(frame).toContain('Description: my function');
    frame = await press(app, KEY.enter, 'Add KEY=value');
    expect(frame).toContain('Environment variables: MODE=prod');
    expect(frame).toContain('Add KEY=value: HALF=typed');
  });
});
