// The custom endpoint: `fcw serve` on its default port (9420) is found and offered, and the endpoint
// is checked as soon as it is entered, before the account and credentials are asked.
import { describe, expect, it } from 'vitest';
import { fakeServices, KEY, press, renderApp, type, waitForFrame } from './helpers.js';

async function toEndpoint(app: ReturnType<typeof renderApp>): Promise<string> {
  await waitForFrame(app, 'Where should the function go?');
  await press(app, KEY.down, /❯ Custom endpoint/);
  return press(app, KEY.enter, 'Endpoint URL');
}

describe('custom endpoint', () => {
  it('offers the fcw serve running on 9420; Enter uses it and its account', async () => {
    const services = fakeServices();
    const app = renderApp(services);
    await toEndpoint(app);
    const frame = await waitForFrame(
      app,
      'fcw serve is running at http://127.0.0.1:9420 (account 555000555): Enter uses it.',
    );
    expect(frame).toContain('Endpoint URL: http://127.0.0.1:9420  (default');
    expect(frame).not.toContain(':9000');
    const account = await press(app, KEY.enter, 'Account id');
    expect(account).toContain('555000555');
    expect(services.log.calls).toContain('probe http://127.0.0.1:9420');
  });

  it('an endpoint where nothing answers is said at once, before the account; a second Enter goes on', async () => {
    const app = renderApp(fakeServices());
    await toEndpoint(app);
    await type(app, 'http://127.0.0.1:1');
    const frame = await press(app, KEY.enter, 'Nothing answers at http://127.0.0.1:1');
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '✗ Nothing answers at http://127.0.0.1:1 (ECONNREFUSED). Start it (e.g. `fcw serve`) or fix the address.',
    );
    expect(frame).not.toContain('Account id');
    await press(app, KEY.enter, 'Account id');
  });
});
