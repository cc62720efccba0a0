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
  it('offers the key /sandbox-info names (with its file) first, the account it answers to, cloud keys marked', async () => {
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
    expect(menu).toContain('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)  AccessKey LTAI****0000 · cloud key (*)');
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
