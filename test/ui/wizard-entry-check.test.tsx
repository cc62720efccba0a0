// The initializer is checked against the package at its field and at the review, as the handler
// is: a file or function the zip does not hold is said before the deploy, not in the summary.
import { describe, expect, it } from 'vitest';
import { fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

const withCode = {
  service: { name: 'demo', isNew: false },
  functionName: 'hello',
  runtime: 'nodejs20',
  code: { kind: 'folder' as const, path: './app' },
  handler: 'index.handler',
};

describe('the initializer at its field', () => {
  it('one the package lacks is shown as typed, refused once, kept on a second Enter', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', withCode) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, KEY.enter, 'Timeout (s):');
    await press(app, KEY.enter, 'Initializer:');
    await type(app, 'main.init');
    await waitForFrame(app, '✗ no file for main.init');
    await press(app, KEY.enter, 'Press Enter again to keep this initializer anyway');
    expect(app.lastFrame()).not.toContain('Initializer timeout (s):');
    await press(app, KEY.enter, 'Initializer timeout (s):');
  });

  it('one the package holds goes on at the first Enter', async () => {
    const services = fakeServices({
      async checkHandler(_pkg, _runtime, value) {
        return { status: 'ok', message: `index.js exports ${value.split('.')[1]}` };
      },
    });
    const app = renderApp(services, { initial: stateAt('limits', withCode) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, KEY.enter, 'Timeout (s):');
    await press(app, KEY.enter, 'Initializer:');
    await type(app, 'index.init');
    await waitForFrame(app, '✓ index.js exports init');
    await press(app, KEY.enter, 'Initializer timeout (s):');
  });
});

describe('the initializer and handler at the review', () => {
  it('a handler export not recognised (a warning) is named with the step that changes it too', async () => {
    const history = ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'] as const;
    const services = fakeServices({
      async checkHandler() {
        return { status: 'warning', message: 'index.js is there, but no export named nothere was recognised' };
      },
    });
    const app = renderApp(services, {
      initial: stateAt('review', { ...withCode, handler: 'index.nothere', history: [...history] }),
    });
    const frame = await waitForFrame(app, 'no export named nothere');
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '! handler: index.js is there, but no export named nothere was recognised To change it: Edit a step → Handler.',
    );
  });

  it('a missing initializer is named with the step that changes it; the handler found is marked ✓', async () => {
    const history = ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'] as const;
    const app = renderApp(fakeServices(), {
      initial: stateAt('review', { ...withCode, initializer: 'main.init', history: [...history] }),
    });
    const frame = await waitForFrame(
      app,
      (f) => f.includes('initializer: no file') && f.includes('✓ handler: index.js exports handler'),
    );
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '✗ initializer: no file for main.init To change it: Edit a step → Memory, timeout, initializer.',
    );
  });
});
