// Saving a profile under a name that already exists asks first: overwrite it, or another name.
import { describe, expect, it } from 'vitest';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

const ready = stateAt('review', {
  service: { name: 'demo', isNew: false },
  functionName: 'hello',
  runtime: 'nodejs20',
  code: { kind: 'folder', path: './app' },
  handler: 'index.handler',
  history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
});

const existing = async () => [{ name: 'hello', summary: 'demo/hello · nodejs20 · local sandbox' }];

async function toSave(services: ReturnType<typeof fakeServices>) {
  const app = renderApp(services, { initial: ready, connection: fakeConnection() });
  await waitForFrame(app, 'CRC-64');
  await press(app, KEY.enter, 'Save as profile: hello');
  return app;
}

describe('save as profile', () => {
  it('an existing name is not overwritten silently: another name saves beside it', async () => {
    const services = fakeServices({ listProfiles: existing });
    const app = await toSave(services);
    const frame = await press(app, KEY.enter, 'A profile named hello already exists.');
    expect(frame).toMatch(/❯ Overwrite profile hello/);
    expect(services.log.calls.filter((c) => c.startsWith('saveProfile'))).toEqual([]);
    await press(app, KEY.down, /❯ Save under another name/);
    await press(app, KEY.enter, 'Save as profile: hello');
    await type(app, '-2');
    await press(app, KEY.enter, 'fcw deploy --profile hello-2');
    expect(services.log.calls.filter((c) => c.startsWith('saveProfile'))).toEqual(['saveProfile hello-2']);
  });

  it('Overwrite replaces it when chosen', async () => {
    const services = fakeServices({ listProfiles: existing });
    const app = await toSave(services);
    await press(app, KEY.enter, 'A profile named hello already exists.');
    await press(app, KEY.enter, 'fcw deploy --profile hello');
    expect(services.log.calls.filter((c) => c.startsWith('saveProfile'))).toEqual(['saveProfile hello']);
  });
});

describe('the summary reveal', () => {
  it('Enter or Space shows the rest at once; the phase timings are a bar chart', async () => {
    for (const key of [' ', KEY.enter]) {
      const app = renderApp(fakeServices(), { initial: ready, connection: fakeConnection(), animation: true });
      await waitForFrame(app, 'CRC-64');
      await app.stdin.write(KEY.enter);
      await waitForFrame(app, (f) => f.includes('functionId') && !f.includes('codeChecksum'));
      await app.stdin.write(key);
      const frame = app.lastFrame() ?? '';
      expect(frame).toContain('codeChecksum');
      expect(frame).toContain('Save as profile: hello');
      app.unmount();
    }
    const still = renderApp(fakeServices(), { initial: ready, connection: fakeConnection() });
    await waitForFrame(still, 'CRC-64');
    const frame = await press(still, KEY.enter, 'Save as profile');
    // The fake deploy's phases take 5 and 7 ms: the slowest fills the bar, the other in proportion.
    expect(frame).toMatch(/package\s+█{17}\s+5 ms/);
    expect(frame).toMatch(/create\s+█{24}\s+7 ms/);
  });
});

describe('save as profile, from that profile', () => {
  it('the profile this run started from is updated without asking', async () => {
    const services = fakeServices({ listProfiles: existing });
    const app = renderApp(services, { initial: { ...ready, fromProfile: 'hello' }, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, 'Save as profile: hello');
    await press(app, KEY.enter, 'fcw deploy --profile hello');
    expect(services.log.calls).toContain('saveProfile hello');
  });
});

describe('save as profile, emptied', () => {
  it('Enter on the empty name says it is required and that Esc skips saving', async () => {
    const services = fakeServices();
    const app = await toSave(services);
    await app.stdin.write('\u0015'); // Ctrl-U: clear the name
    await waitForFrame(app, /Save as profile: *\n/);
    const frame = await press(app, KEY.enter, 'is required');
    expect(frame).toContain('✗ Save as profile is required. Esc skips saving.');
    await press(app, KEY.esc, 'Redeploy with:');
    expect(services.log.calls.filter((c) => c.startsWith('saveProfile'))).toEqual([]);
  });
});
