// Each step of the wizard alone (target to code), rendered with ink-testing-library and fake services.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import {
  fakeConnection,
  fakeServices,
  KEY,
  press,
  renderApp,
  service,
  stateAt,
  type,
  waitForFrame,
} from './helpers.js';

afterEach(() => cleanup());

describe('target', () => {
  it('defaults to the local sandbox when no cloud credentials are found, and starts it', async () => {
    const services = fakeServices();
    const app = renderApp(services);
    const frame = await waitForFrame(app, 'Where should the function go?');
    expect(frame).toContain('no credentials found');
    expect(frame).toMatch(/❯ Local sandbox/);
    await press(app, KEY.enter, 'Filter:');
    expect(services.log.calls).toContain('startSandbox');
    expect(app.lastFrame()).toContain('local sandbox · account 123456789012');
  });

  it('cloud: region, account id, a typed key with the secret masked, then the header line', async () => {
    const services = fakeServices();
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.up, /❯ Alibaba Cloud/);
    await press(app, KEY.enter, 'Region');
    await press(app, KEY.down, /❯ cn-shanghai/);
    await press(app, KEY.enter, 'Account id');
    await type(app, '12x');
    expect(app.lastFrame()).toContain('digits only');
    await press(app, KEY.backspace);
    await type(app, '3');
    await press(app, KEY.enter, 'Credentials');
    await press(app, KEY.enter, 'AccessKey id');
    await type(app, 'LTAIabcdefgh1234');
    await press(app, KEY.enter, 'AccessKey secret');
    for (const ch of 'topsecret') await app.stdin.write(ch);
    // Typed text shows only as the mask.
    await waitForFrame(app, 'AccessKey secret: *********');
    expect(app.lastFrame()).not.toContain('topsecret');
    await press(app, KEY.enter, 'Filter:');
    expect(app.lastFrame()).toContain(
      'Alibaba Cloud · account 123 · cn-shanghai · credentials: typed for this session',
    );
    expect(services.log.calls).toContain('connectCloud cn-shanghai 123 typed for this session');
    expect(app.frames.join('\n')).not.toContain('topsecret');
  });

  it('a custom endpoint (as given by --endpoint) with the local sandbox key: account prefilled, cloud keys kept apart', async () => {
    const sandboxKey = {
      source: "the local sandbox's own key (/cfg/sandbox)",
      accessKeyIdHint: 'abcd****wxyz',
      accountId: '555',
      credentials: { accessKeyId: 'a', accessKeySecret: 'b' },
      sandbox: true,
    };
    const cloudKey = {
      source: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
      accessKeyIdHint: 'LTAI****0000',
      region: 'cn-shanghai',
      credentials: { accessKeyId: 'c', accessKeySecret: 'd' },
    };
    const services = fakeServices({
      defaults: { endpoint: 'http://127.0.0.1:9000' },
      findCredentials: async () => [sandboxKey, cloudKey],
    });
    const app = renderApp(services);
    const frame = await waitForFrame(app, 'Where should the function go?');
    expect(frame).toMatch(/❯ Custom endpoint/);
    expect(frame).toContain('credentials found: environment');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9000');
    await press(app, KEY.enter, 'Account id: 555');
    let creds = await press(app, KEY.enter, 'Credentials');
    expect(creds).toMatch(/❯ the local sandbox's own key/);
    expect(creds).toContain('environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
    await press(app, KEY.enter, 'Filter:');
    expect(services.log.calls).toContain('connectEndpoint http://127.0.0.1:9000');
    // Back on the target: Alibaba Cloud offers the cloud key only.
    await press(app, KEY.esc, 'Where should the function go?');
    await press(app, KEY.up);
    await press(app, KEY.up, /❯ Alibaba Cloud/);
    await press(app, KEY.enter, /❯ cn-shanghai/);
    await press(app, KEY.enter, 'Account id');
    creds = await press(app, KEY.enter, 'Credentials');
    const menu = creds.slice(creds.indexOf('Credentials'));
    expect(menu).toContain('❯ environment (ALIBABA_CLOUD_ACCESS_KEY_ID)');
    expect(menu).not.toContain('sandbox');
  });

  it('a cloud key offered for a plain-http endpoint is marked, with why; a key file warning is shown with its keys', async () => {
    const sandboxKey = {
      source: "the local sandbox's own key (/cfg/sandbox)",
      accessKeyIdHint: 'abcd****wxyz',
      accountId: '555',
      credentials: { accessKeyId: 'a', accessKeySecret: 'b' },
      sandbox: true,
    };
    const warning =
      '~/.aliyun/config.json holds a key and is readable by others (mode 604); fix it: chmod 600 /home/u/.aliyun/config.json';
    const cloudKey = {
      source: 'aliyun CLI profile "work" (~/.aliyun/config.json)',
      accessKeyIdHint: 'LTAI****0000',
      credentials: { accessKeyId: 'c', accessKeySecret: 'd' },
      warning,
    };
    const services = fakeServices({
      defaults: { endpoint: 'http://127.0.0.1:9000' },
      findCredentials: async () => [sandboxKey, cloudKey],
    });
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://127.0.0.1:9000');
    await press(app, KEY.enter, 'Account id: 555');
    const creds = await press(app, KEY.enter, 'Credentials');
    expect(creds).toMatch(/❯ the local sandbox's own key \(\/cfg\/sandbox\)\s+AccessKey abcd\*\*\*\*wxyz\n/);
    expect(creds).toContain(
      'aliyun CLI profile "work" (~/.aliyun/config.json)  AccessKey LTAI****0000 · cloud key (*)',
    );
    expect(creds.replace(/\s+/g, ' ')).toContain(
      '(*) sent to this endpoint, its requests could be replayed against Function Compute for 15 minutes',
    );
    expect(creds.replace(/\s+/g, ' ')).toContain(`warning: ${warning}`);
  });

  it('for a plain-http endpoint with no sandbox key, Enter alone does not pick a cloud key', async () => {
    const cloudKey = {
      source: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
      accessKeyIdHint: 'LTAI****0000',
      credentials: { accessKeyId: 'c', accessKeySecret: 'd' },
    };
    const services = fakeServices({
      defaults: { endpoint: 'http://10.0.0.5:9000' },
      findCredentials: async () => [cloudKey],
    });
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Endpoint URL: http://10.0.0.5:9000');
    await press(app, KEY.enter, 'Account id');
    await type(app, '555');
    const creds = await press(app, KEY.enter, 'Credentials');
    expect(creds).toMatch(/❯ Type an AccessKey for this session/);
    await press(app, KEY.enter, 'AccessKey id');
    expect(services.log.calls.filter((c) => c.startsWith('connect'))).toEqual([]);
  });

  it('back on the target, the sandbox already started is kept, with the service chosen on it', async () => {
    const services = fakeServices();
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, /❯ demo/);
    await press(app, KEY.enter, 'Function name');
    await press(app, KEY.esc, 'Filter:');
    await press(app, KEY.esc, 'Where should the function go?');
    await press(app, KEY.enter, /❯ demo/);
    expect(services.log.calls.filter((c) => c === 'startSandbox')).toHaveLength(1);
  });

  it('Esc inside the target step goes back to the previous question', async () => {
    const app = renderApp(fakeServices());
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.down, /❯ Custom endpoint/);
    await press(app, KEY.enter, 'Endpoint URL');
    await press(app, KEY.esc, 'Where should the function go?');
  });
});

describe('service', () => {
  it('lists every service, filters as typed, and picks with Enter', async () => {
    const many = Array.from({ length: 30 }, (_, i) => service(`svc-${String(i).padStart(2, '0')}`));
    const app = renderApp(fakeServices(), {
      initial: stateAt('service'),
      connection: fakeConnection({ services: many }),
    });
    await waitForFrame(app, '30 services');
    await type(app, 'svc-2');
    const frame = await waitForFrame(app, '10 match "svc-2"');
    expect(frame).toMatch(/❯ svc-20/);
    expect(frame).not.toContain('svc-19');
    await press(app, KEY.down, /❯ svc-21/);
    await press(app, KEY.enter, 'Function name');
    expect(app.lastFrame()).toContain('in service svc-21');
  });

  it('a new service, its name checked as typed, is only chosen here: nothing is written before Deploy', async () => {
    const services = fakeServices();
    const log = services.log;
    const app = renderApp(services, { initial: stateAt('service'), connection: fakeConnection({}, log) });
    await waitForFrame(app, '2 services');
    await press(app, KEY.up, /❯ \+ Create a new service/);
    await press(app, KEY.enter, 'New service name');
    await type(app, '9x');
    expect(app.lastFrame()).toMatch(/✗ Service name: /);
    await press(app, KEY.backspace);
    await press(app, KEY.backspace);
    await type(app, 'fresh');
    expect(app.lastFrame()).toContain('Nothing is created yet: the deploy creates the service, after the review.');
    await press(app, KEY.enter, 'Function name');
    expect(log.calls).toEqual(['listServices']);
    expect(app.lastFrame()).toContain('in service fresh (new)');
  });

  it('a "new" service named like a listed one is that service', async () => {
    const log = { calls: [] };
    const app = renderApp(fakeServices({}, log), { initial: stateAt('service'), connection: fakeConnection({}, log) });
    await waitForFrame(app, '2 services');
    await press(app, KEY.up, /❯ \+ Create a new service/);
    await press(app, KEY.enter, 'New service name');
    await type(app, 'demo');
    const frame = await press(app, KEY.enter, 'Function name');
    expect(frame).toContain('in service demo');
    expect(frame).not.toContain('(new)');
  });

  it('starts on the first listed service, "create" one ↑ away; on "create" when there are none', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('service'), connection: fakeConnection() });
    const frame = await waitForFrame(app, '2 services');
    expect(frame).toMatch(/❯ demo/);
    expect(frame).toMatch(/^ {2}\+ Create a new service/m);
    await press(app, KEY.up, /❯ \+ Create a new service/);
    const empty = renderApp(fakeServices(), {
      initial: stateAt('service'),
      connection: fakeConnection({ services: [] }),
    });
    expect(await waitForFrame(empty, '0 services')).toMatch(/❯ \+ Create a new service/);
  });

  it("starts on the service chosen before (a profile's, or Esc back), not the first", async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('service', { service: { name: 'other', isNew: false } }),
      connection: fakeConnection(),
    });
    expect(await waitForFrame(app, '2 services')).toMatch(/❯ other/);
  });

  it('a failed ListServices shows the error and offers to retry', async () => {
    const { FcApiError } = await import('../../src/fc/errors.js');
    const app = renderApp(fakeServices(), {
      initial: stateAt('service'),
      connection: fakeConnection({ failList: new FcApiError('ListServices', 403, 'AccessDenied', 'denied', 'req-7') }),
    });
    const frame = await waitForFrame(app, 'AccessDenied');
    expect(frame).toContain('request id: req-7');
    expect(frame).toContain('Try again');
  });
});

describe('function', () => {
  it('after the service changed, the name typed before is offered again', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'fresh', isNew: true }, draftFunctionName: 'hello' }),
      connection: fakeConnection(),
    });
    await waitForFrame(app, 'Function name: hello');
    await press(app, KEY.enter, 'nodejs20');
  });

  it('an existing function is offered for update and brings its settings', async () => {
    const fn = {
      functionId: 'f',
      functionName: 'hello',
      runtime: 'python3.10',
      handler: 'main.handler',
      memorySize: 512,
      createdTime: '',
      lastModifiedTime: 'yesterday',
    };
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
      connection: fakeConnection({ functions: { 'demo/hello': fn } }),
    });
    await waitForFrame(app, 'Function name');
    await type(app, 'hello');
    const frame = await press(app, KEY.enter, 'already exists');
    expect(frame).toContain('python3.10');
    await press(app, KEY.enter, 'Runtime');
    expect(app.lastFrame()).toMatch(/❯ python3\.10/);
  });

  it('a new name goes on to the runtime; a bad one is refused as typed', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
      connection: fakeConnection(),
    });
    await waitForFrame(app, 'Function name');
    await type(app, 'a b');
    expect(app.lastFrame()).toContain('✗');
    // Enter is refused while the name breaks the rule; fixing it goes on.
    await app.stdin.write(KEY.enter);
    expect(app.lastFrame()).toContain('Function name: a b');
    await press(app, KEY.backspace);
    await press(app, KEY.backspace);
    await type(app, '_b');
    await press(app, KEY.enter, 'Runtime');
  });
});

describe('runtime', () => {
  it('groups by language, current first, deprecated marked; deprecated refused for a new function', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('runtime', { runtime: 'nodejs10' }) });
    let frame = await waitForFrame(app, 'Node.js');
    expect(frame).toMatch(/❯ nodejs10/);
    frame = await press(app, KEY.down, /❯ nodejs8/);
    expect(frame).toContain('FC no longer accepts new functions on nodejs8');
    expect(frame).toMatch(/nodejs8 .*deprecated: update only/);
    // nodejs6 is 'deprecated-no-update' in the rules table: neither new functions nor updates.
    expect(frame).toMatch(/nodejs6 .*deprecated: no create\/update/);
    expect(frame).toMatch(/nodejs4\.4 .*deprecated: no create\/update/);
    frame = await press(app, KEY.down, /❯ nodejs6/);
    expect(frame).toContain('FC accepts neither new functions nor updates on nodejs6');
    await press(app, KEY.up, /❯ nodejs8/);
    frame = await press(app, KEY.enter, /✗/);
    expect(frame).toContain('nodejs8');
    await press(app, KEY.up);
    await press(app, KEY.enter, 'A folder');
  });
});

describe('code', () => {
  it('scans a folder live and shows files, size and the verdict', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: stateAt('code', { runtime: 'nodejs20' }) });
    await waitForFrame(app, 'A folder');
    await press(app, KEY.enter, 'Folder:');
    await waitForFrame(app, '2 files · 300 B · fits inline');
    await press(app, KEY.enter, 'Handler');
  });

  it('asks where the code is; Esc from a field comes back to its row; a failed file is not said again', async () => {
    const services = fakeServices({
      async buildPackage(code) {
        throw new Error(`The code file ${code.path} does not exist.`);
      },
    });
    const app = renderApp(services, { initial: stateAt('code', { runtime: 'nodejs20' }) });
    const menu = await waitForFrame(app, 'A folder');
    expect(menu).toContain('Where is the code?');
    await press(app, KEY.down, '❯ An existing .zip or .jar');
    await press(app, KEY.enter, '.zip or .jar file:');
    await type(app, 'gone.zip');
    await press(app, KEY.enter, 'Cannot use this file');
    const back = await press(app, KEY.esc, 'Where is the code?');
    expect(back).toContain('❯ An existing .zip or .jar');
    const again = await press(app, KEY.enter, '.zip or .jar file: gone.zip');
    expect(again).not.toContain('Cannot use this file');
  });

  it('writes a sample for the runtime into a new folder', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: stateAt('code', { runtime: 'python3.10' }) });
    await waitForFrame(app, 'A sample handler for python3.10');
    for (let i = 0; i < 3; i++) await press(app, KEY.down);
    await press(app, KEY.enter, 'New folder for the sample');
    expect(app.lastFrame()).toContain('files: index.py');
    await press(app, KEY.enter, 'Handler');
    expect(services.log.calls).toContain('sample python3.10 fcw-sample-python3-10');
  });

  it('custom-container asks for image, command, args and acceleration', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('code', { runtime: 'custom-container' }) });
    await waitForFrame(app, 'Image:');
    await type(app, 'registry/ns/app:1');
    await press(app, KEY.enter, 'Command');
    await type(app, 'not json');
    expect(app.lastFrame()).toContain('JSON array');
    for (let i = 0; i < 8; i++) app.stdin.write(KEY.backspace);
    await waitForFrame(app, (f) => !f.includes('not json'));
    await type(app, '["/app"]');
    await press(app, KEY.enter, 'Args');
    await press(app, KEY.enter, 'Image acceleration');
    await press(app, KEY.enter, 'Handler');
  });
});
