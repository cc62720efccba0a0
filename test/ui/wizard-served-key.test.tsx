// A custom endpoint that is `fcw serve --data DIR`: its key lives in DIR/credentials.json, not in
// the config dir. The wizard offers the key whose id GET /sandbox-info names, labelled with its
// file, and the account the sandbox answers to, as `fcw deploy --endpoint` would.
import { describe, expect, it } from 'vitest';
import type { EndpointConnectInput, FoundCredentials } from '../../src/ui/services.js';
import { fakeServices, KEY, press, renderApp, waitForFrame } from './helpers.js';

const SERVED_KEY: FoundCredentials = {
  source: "the local sandbox's own key (/srv/data/credentials.json)",
  accessKeyIdHint: 'LTAI****served',
  accountId: '777000777',
  credentials: { accessKeyId: 'LTAIsandboxServed', accessKeySecret: 'served-secret' },
  ref: { kind: 'sandbox', chosen: true },
  sandbox: true,
};
// The config dir's sandbox key: another id, which that fcw serve would refuse.
const CONFIG_DIR_KEY: FoundCredentials = {
  source: "the local sandbox's own key (/cfg/sandbox)",
  accessKeyIdHint: 'LTAI****other',
  accountId: '555',
  credentials: { accessKeyId: 'LTAIsandboxOther', accessKeySecret: 'x' },
  sandbox: true,
};
const CLOUD_KEY: FoundCredentials = {
  source: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
  accessKeyIdHint: 'LTAI****0000',
  accountId: '123456789012',
  credentials: { accessKeyId: 'LTAIcloud', accessKeySecret: 'c' },
};

describe('custom endpoint that is fcw serve --data DIR', () => {
  it('offers the key /sandbox-info names (with its file), the account it answers to; no key with another id', async () => {
    const connected: EndpointConnectInput[] = [];
    const services = fakeServices({
      defaults: { endpoint: 'http://127.0.0.1:9500' },
      findCredentials: async () => [CONFIG_DIR_KEY, CLOUD_KEY],
      async probeEndpoint(endpoint) {
        return endpoint === 'http://127.0.0.1:9500'
          ? { reachable: true, sandbox: { accountId: '777000777', accessKeyId: 'LTAIsandboxServed', key: SERVED_KEY } }
          : { reachable: false, message: `Nothing answers at ${endpoint} (ECONNREFUSED).` };
      },
    });
    const base = services.connectEndpoint;
    services.connectEndpoint = (input) => {
      connected.push(input);
      return base(input);
    };
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9500');
    // The account of that sandbox, not the one found with the cloud key.
    const account = await press(app, KEY.enter, 'Account id: 777000777');
    expect(account).not.toContain('123456789012');
    const creds = await press(app, KEY.enter, 'Credentials');
    const menu = creds.slice(creds.indexOf('Credentials'));
    expect(menu).toMatch(
      /❯ the local sandbox's own key \(\/srv\/data\/credentials\.json\)\s+AccessKey LTAI\*\*\*\*served/,
    );
    expect(menu).not.toContain('/cfg/sandbox');
    // A key with another id would be refused: it is not offered (nor sent anywhere).
    expect(menu).toContain('takes key id LTAI****rved only');
    expect(menu).not.toContain('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
    expect(menu).toContain('Type an AccessKey for this session');
    await press(app, KEY.enter, 'Filter:');
    expect(connected).toHaveLength(1);
    expect(connected[0]).toMatchObject({
      endpoint: 'http://127.0.0.1:9500',
      accountId: '777000777',
      source: "the local sandbox's own key (/srv/data/credentials.json)",
      credentials: { accessKeyId: 'LTAIsandboxServed' },
    });
  });

  it('an account id given with --account-id is kept', async () => {
    const services = fakeServices({
      defaults: { endpoint: 'http://127.0.0.1:9500', accountId: '888000888' },
      async probeEndpoint() {
        return { reachable: true, sandbox: { accountId: '777000777', key: SERVED_KEY } };
      },
    });
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9500');
    await press(app, KEY.enter, 'Account id: 888000888');
  });
});

describe('custom endpoint: fcw serve takes a key id that no key here has', () => {
  const EXPECTED = 'LTAIsandboxNowhere1';
  const LOOKED = ['/cfg/sandbox/credentials.json (key id LTAI****ther)', '/srv/data/credentials.json (no key)'];
  function keylessServe(creds: FoundCredentials[], connected: EndpointConnectInput[]) {
    const services = fakeServices({
      defaults: { endpoint: 'http://127.0.0.1:9500' },
      findCredentials: async () => creds,
      async probeEndpoint() {
        return { reachable: true, sandbox: { accountId: '777000777', accessKeyId: EXPECTED, looked: LOOKED } };
      },
    });
    const base = services.connectEndpoint;
    services.connectEndpoint = (input) => {
      connected.push(input);
      return base(input);
    };
    return services;
  }

  it('says so at the endpoint (id masked, places looked, the fix) and offers no key it would refuse', async () => {
    const connected: EndpointConnectInput[] = [];
    const app = renderApp(keylessServe([CONFIG_DIR_KEY, CLOUD_KEY], connected));
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9500');
    const said = (await press(app, KEY.enter, 'Looked in:')).replace(/\s+/g, ' ');
    expect(said).toContain('http://127.0.0.1:9500 is fcw serve, and it takes key id LTAI****ere1 only');
    expect(said).not.toContain(EXPECTED);
    expect(said).toContain('/cfg/sandbox/credentials.json (key id LTAI****ther) /srv/data/credentials.json (no key)');
    expect(said).toContain('run it with the same FCW_CONFIG_DIR (its default data directory), or with --data');
    expect(said).toContain('If it was started with --access-key-id, Enter again goes on to type that key');
    expect(said).not.toContain('Account id');

    // Esc goes back with the URL kept; choosing the endpoint again shows it as typed.
    await press(app, KEY.esc, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9500');

    // Enter twice: checked again, then on to the account, and only typing that key is offered.
    await press(app, KEY.enter, 'Looked in:');
    await press(app, KEY.enter, 'Account id: 777000777');
    const creds = await press(app, KEY.enter, 'Credentials');
    const menu = creds.slice(creds.indexOf('Credentials'));
    expect(menu).toContain('takes key id LTAI****ere1 only');
    expect(menu).not.toContain('/cfg/sandbox');
    expect(menu).not.toContain('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
    expect(menu).toMatch(/❯ Type an AccessKey for this session/);

    // A typed key with another id is refused before anything is sent; the right one goes on.
    await press(app, KEY.enter, 'AccessKey id:');
    await app.stdin.write('LTAIwrongkey0000');
    await waitForFrame(app, 'takes key id LTAI****ere1 only');
    // Enter is refused: the field stays (the keys below edit it; the secret screen shows the id masked).
    await app.stdin.write(KEY.enter);
    for (let i = 0; i < 'LTAIwrongkey0000'.length; i++) await app.stdin.write(KEY.backspace);
    await app.stdin.write(EXPECTED);
    await waitForFrame(app, `AccessKey id: ${EXPECTED}`);
    await press(app, KEY.enter, 'AccessKey secret');
    await app.stdin.write('s3cret');
    await press(app, KEY.enter, 'Filter:');
    expect(connected).toHaveLength(1);
    expect(connected[0]).toMatchObject({ accountId: '777000777', credentials: { accessKeyId: EXPECTED } });
  });

  it('a cloud key with that id (fcw serve --access-key-id) is offered alone, marked', async () => {
    const connected: EndpointConnectInput[] = [];
    const sameId: FoundCredentials = { ...CLOUD_KEY, credentials: { accessKeyId: EXPECTED, accessKeySecret: 'c' } };
    const app = renderApp(keylessServe([CONFIG_DIR_KEY, sameId], connected));
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9500');
    const account = await press(app, KEY.enter, 'Account id: 777000777');
    expect(account).not.toContain('Looked in:');
    const creds = await press(app, KEY.enter, 'Credentials');
    const menu = creds.slice(creds.indexOf('Credentials'));
    expect(menu).toContain('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)  AccessKey LTAI****0000 · cloud key (*)');
    expect(menu).not.toContain('/cfg/sandbox');
    expect(connected).toHaveLength(0);
  });
});
