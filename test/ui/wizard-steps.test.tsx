// Each step of the wizard alone, rendered with ink-testing-library and fake services.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { handlerRuleText } from '../../src/fc/rules.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, service, stateAt, type, waitForFrame } from './helpers.js';

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
    expect(app.lastFrame()).toContain('Alibaba Cloud · account 123 · cn-shanghai · credentials: typed for this session');
    expect(services.log.calls).toContain('connectCloud cn-shanghai 123 typed for this session');
    expect(app.frames.join('\n')).not.toContain('topsecret');
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
    const app = renderApp(fakeServices(), { initial: stateAt('service'), connection: fakeConnection({ services: many }) });
    await waitForFrame(app, '30 services');
    await type(app, 'svc-2');
    const frame = await waitForFrame(app, '10 match "svc-2"');
    expect(frame).toMatch(/❯ svc-20/);
    expect(frame).not.toContain('svc-19');
    await press(app, KEY.down, /❯ svc-21/);
    await press(app, KEY.enter, 'Function name');
    expect(app.lastFrame()).toContain('in service svc-21');
  });

  it('creates a new service with its name checked as typed', async () => {
    const services = fakeServices();
    const log = services.log;
    const app = renderApp(services, { initial: stateAt('service'), connection: fakeConnection({}, log) });
    await waitForFrame(app, '2 services');
    await press(app, KEY.enter, 'New service name');
    await type(app, '9x');
    expect(app.lastFrame()).toMatch(/serviceName/);
    await press(app, KEY.backspace);
    await press(app, KEY.backspace);
    await type(app, 'fresh');
    await press(app, KEY.enter, 'Function name');
    expect(log.calls).toContain('createService fresh');
    expect(app.lastFrame()).toContain('in service fresh (new)');
  });

  it('shows a CreateService error with its code and request id, and stays to fix the name', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('service'), connection: fakeConnection() });
    await waitForFrame(app, '2 services');
    await press(app, KEY.enter, 'New service name');
    await type(app, 'demo');
    const frame = await press(app, KEY.enter, 'ServiceAlreadyExists');
    expect(frame).toContain('request id: req-1');
    expect(frame).toContain('hint:');
    expect(frame).toContain('New service name');
  });

  it('a failed ListServices shows the error and offers to retry', async () => {
    const { FcApiError } = await import('../../src/fc/errors.js');
    const app = renderApp(fakeServices(), { initial: stateAt('service'), connection: fakeConnection({ failList: new FcApiError('ListServices', 403, 'AccessDenied', 'denied', 'req-7') }) });
    const frame = await waitForFrame(app, 'AccessDenied');
    expect(frame).toContain('request id: req-7');
    expect(frame).toContain('Try again');
  });
});

describe('function', () => {
  it('an existing function is offered for update and brings its settings', async () => {
    const fn = { functionId: 'f', functionName: 'hello', runtime: 'python3.10', handler: 'main.handler', memorySize: 512, createdTime: '', lastModifiedTime: 'yesterday' };
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', created: false } }),
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
    const app = renderApp(fakeServices(), { initial: stateAt('function', { service: { name: 'demo', created: false } }), connection: fakeConnection() });
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
    expect(frame).toContain('deprecated: no new functions');
    expect(frame).toContain('FC no longer accepts new functions on nodejs8');
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

describe('handler', () => {
  it('is prefilled with the default, shows the format and checks it against the package', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('handler', { runtime: 'nodejs20', code: { kind: 'folder', path: '.' } }) });
    let frame = await waitForFrame(app, '✓ index.js exports handler');
    expect(frame).toContain('Handler: index.handler');
    expect(frame).toContain(`rule: ${handlerRuleText('nodejs20').slice(0, 40)}`);
    expect(frame).toContain('CRC-64 1234567890');
    await type(app, 'x');
    frame = await waitForFrame(app, '✗ no file for index.handlerx');
    // Enter is refused once while the package cannot serve the handler, then kept on a second Enter.
    await press(app, KEY.enter, 'Press Enter again to keep this handler anyway');
    expect(app.lastFrame()).toContain('Handler: index.handlerx');
    await press(app, KEY.backspace, '✓ index.js exports handler');
    await press(app, KEY.enter, 'Memory');
  });
});

describe('limits', () => {
  it('memory from the list or typed and checked, timeout, initializer and its timeout', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    let frame = await waitForFrame(app, '❯ 128 MB');
    expect(frame).toContain('a multiple of 64 MB between 128 and 3072');
    expect(frame).toContain('default: 128');
    await press(app, KEY.up, /❯ Type a number/);
    await press(app, KEY.enter, 'Memory (MB):');
    for (let i = 0; i < 3; i++) app.stdin.write(KEY.backspace);
    await type(app, '100');
    expect(app.lastFrame()).toContain('✗');
    await press(app, KEY.backspace);
    await press(app, KEY.backspace);
    await type(app, '28');
    await waitForFrame(app, (f) => !f.includes('✗'));
    await press(app, KEY.enter, 'Timeout (s):');
    expect(app.lastFrame()).toContain('whole seconds from 1 to 600');
    await press(app, KEY.enter, 'Initializer:');
    await type(app, 'index.init');
    await press(app, KEY.enter, 'Initializer timeout (s):');
    frame = await press(app, KEY.enter, 'Description');
    expect(frame).toBeTruthy();
  });
});

describe('more', () => {
  it('adds environment variables and layers one per Enter, caPort for custom runtimes', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('more', { runtime: 'custom.debian10' }) });
    await waitForFrame(app, 'Description:');
    await press(app, KEY.enter, 'Add KEY=value');
    await type(app, 'FC_X=1');
    expect(app.lastFrame()).toContain('✗');
    for (let i = 0; i < 6; i++) app.stdin.write(KEY.backspace);
    await waitForFrame(app, (f) => !f.includes('FC_X'));
    await type(app, 'MODE=prod');
    await press(app, KEY.enter, 'Environment variables: MODE=prod');
    await press(app, KEY.enter, 'Add a layer');
    await press(app, KEY.enter, 'Listening port');
    expect(app.lastFrame()).toContain('default: 9000');
  });
});

describe('review', () => {
  const ready = stateAt('review', {
    service: { name: 'demo', created: false },
    functionName: 'hello',
    runtime: 'nodejs20',
    code: { kind: 'folder', path: './app' },
    handler: 'index.handler',
    history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
  });

  it('shows the whole request, the package size and checksum, and the target', async () => {
    const app = renderApp(fakeServices(), { initial: ready });
    const frame = await waitForFrame(app, 'CRC-64');
    for (const text of ['local sandbox', 'demo', 'hello (create)', 'nodejs20', 'index.handler', 'folder ./app', '128 MB', '60 s', '1234567890', '❯ Deploy']) {
      expect(frame).toContain(text);
    }
  });

  it('edit a step returns to the review after it', async () => {
    const app = renderApp(fakeServices(), { initial: ready });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.down, /❯ Edit a step/);
    await press(app, KEY.enter, 'Where to deploy');
    for (let i = 0; i < 6; i++) await press(app, KEY.down);
    await press(app, KEY.enter, /❯ 128 MB/);
    await press(app, KEY.down, /❯ 192 MB/);
    await press(app, KEY.enter, 'Timeout');
    await press(app, KEY.enter, 'Initializer');
    await press(app, KEY.enter, 'CRC-64');
    expect(app.lastFrame()).toContain('192 MB');
  });

  it('cancel exits 130 and sends nothing', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: ready });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.down);
    await press(app, KEY.down, /❯ Cancel/);
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([130]);
    expect(services.log.calls.some((c) => c.startsWith('deploy'))).toBe(false);
  });

  it('deploys, then the summary reveals the answer, the checksum mark, timings, and saves a profile', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, 'Save as profile');
    const frame = app.lastFrame() ?? '';
    for (const text of ['functionId', 'fid-1', 'codeSize', '250 bytes', 'codeChecksum', '✓ equals our CRC-64', 'package', 'create']) expect(frame).toContain(text);
    await press(app, KEY.enter, 'fcw deploy --profile hello');
    expect(services.log.calls).toContain('saveProfile hello');
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([0]);
  });

  it('with animation the summary is revealed line by line; without, at once', async () => {
    const animated = renderApp(fakeServices(), { initial: ready, connection: fakeConnection(), animation: true });
    await waitForFrame(animated, 'CRC-64');
    await press(animated, KEY.enter, 'Save as profile');
    const partial = animated.frames.filter((f) => f.includes('functionId') && !f.includes('codeChecksum'));
    expect(partial.length).toBeGreaterThan(0);
    animated.unmount();
    const still = renderApp(fakeServices(), { initial: ready, connection: fakeConnection(), animation: false });
    await waitForFrame(still, 'CRC-64');
    await press(still, KEY.enter, 'Save as profile');
    expect(still.frames.filter((f) => f.includes('functionId') && !f.includes('codeChecksum'))).toEqual([]);
  });

  it('a failed deploy shows code, message, request id, hint, and goes back to the step to fix', async () => {
    const { FcApiError } = await import('../../src/fc/errors.js');
    const services = fakeServices({
      async deploy() {
        throw new FcApiError('CreateFunction', 400, 'InvalidArgument', 'memorySize must be a multiple of 64', 'req-42');
      },
    });
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    const frame = await press(app, KEY.enter, 'The deploy failed');
    for (const text of ['InvalidArgument', 'HTTP 400', 'memorySize must be a multiple of 64', 'request id: req-42', 'hint:', 'Go back and fix: Memory, timeout, initializer']) {
      expect(frame).toContain(text);
    }
    await press(app, KEY.enter, /❯ 128 MB/);
  });
});

describe('keys', () => {
  it('Ctrl-C exits 130 from any step and aborts work in flight', async () => {
    let aborted = false;
    const services = fakeServices({
      startSandbox: (options) =>
        new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const app = renderApp(services);
    await waitForFrame(app, 'Where should the function go?');
    await press(app, KEY.enter, 'Starting the local sandbox');
    app.stdin.write(KEY.ctrlC);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([130]);
    expect(aborted).toBe(true);
  });

  it('Esc goes back one step with the typed value kept', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('function', { service: { name: 'demo', created: true }, history: ['target', 'service'] }), connection: fakeConnection() });
    await waitForFrame(app, 'Function name');
    await type(app, 'keepme');
    await press(app, KEY.enter, 'Runtime');
    await press(app, KEY.esc, 'Function name: keepme');
  });
});
