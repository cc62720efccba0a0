// Values typed on a step stay until the person changes them: Esc back and forward again shows the
// description, the environment variables and a handler as they were left, submitted or not.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
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
    const app = renderApp(fakeServices(), {
      initial: stateAt('handler', { ...chosen, history: ['target', 'service', 'function', 'runtime', 'code'] }),
    });
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
    const app = renderApp(fakeServices(), {
      initial: stateAt('more', { ...chosen, handler: 'index.handler', history: [...history] }),
    });
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

describe('Esc on the first step', () => {
  it('from the endpoint field back to the menu: Custom endpoint stays highlighted, the URL as typed', async () => {
    // No cloud key and no --endpoint: the menu starts on Local sandbox.
    const app = renderApp(fakeServices());
    await waitForFrame(app, '❯ Local sandbox');
    await press(app, KEY.down, '❯ Custom endpoint');
    await press(app, KEY.enter, 'Endpoint URL:');
    await type(app, 'http://127.0.0.1:9777');
    const menu = await press(app, KEY.esc, 'Where should the function go?');
    expect(menu).toContain('❯ Custom endpoint');
    const field = await press(app, KEY.enter, 'Endpoint URL:');
    expect(field).toContain('Endpoint URL: http://127.0.0.1:9777');
  });
});

describe('defaults are placeholders', () => {
  const atCode = () =>
    stateAt('code', { ...chosen, code: undefined, history: ['target', 'service', 'function', 'runtime'] });
  const toSample = async (app: ReturnType<typeof renderApp>) => {
    await waitForFrame(app, 'A folder');
    for (let i = 0; i < 3; i++) await press(app, KEY.down);
    return press(app, KEY.enter, 'New folder for the sample');
  };

  it('the first typed character replaces the default instead of appending to it', async () => {
    const log = { calls: [] as string[] };
    const app = renderApp(fakeServices({}, log), { initial: atCode() });
    const frame = await toSample(app);
    expect(frame).toContain(
      'New folder for the sample: fcw-sample-nodejs20  (default: Enter uses it, Tab or → edits it)',
    );
    await type(app, 'tmp/mine');
    expect(app.lastFrame()).toContain('New folder for the sample: tmp/mine');
    expect(app.lastFrame()).not.toContain('fcw-sample-nodejs20tmp');
    await press(app, KEY.enter, 'Handler:');
    expect(log.calls).toContain('sample nodejs20 tmp/mine');
  });

  it('the sample folder offered is a free one: an earlier run filled the default', async () => {
    const log = { calls: [] as string[] };
    const services = fakeServices({ freeSampleDir: async (runtime) => `fcw-sample-${runtime}-2` }, log);
    const app = renderApp(services, { initial: atCode() });
    await toSample(app);
    await waitForFrame(app, 'New folder for the sample: fcw-sample-nodejs20-2  (default: Enter uses it');
    await press(app, KEY.enter, 'Handler:');
    expect(log.calls).toContain('sample nodejs20 fcw-sample-nodejs20-2');
  });

  it('Tab or → puts the default in the field to edit; Enter on the empty field takes it', async () => {
    for (const accept of ['\t', KEY.right]) {
      const log = { calls: [] as string[] };
      const app = renderApp(fakeServices({}, log), { initial: atCode() });
      await toSample(app);
      await press(app, accept, /sample: fcw-sample-nodejs20\s*\n/);
      await type(app, '-2');
      await press(app, KEY.enter, 'Handler:');
      expect(log.calls).toContain('sample nodejs20 fcw-sample-nodejs20-2');
      app.unmount();
    }
    const log = { calls: [] as string[] };
    const app = renderApp(fakeServices({}, log), { initial: atCode() });
    await toSample(app);
    await press(app, KEY.enter, 'Handler:');
    expect(log.calls).toContain('sample nodejs20 fcw-sample-nodejs20');
  });

  it('a number at its default is a placeholder too: typing replaces it, Enter keeps the default', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { ...chosen, handler: 'index.handler' }) });
    await waitForFrame(app, '❯ 128 MB');
    let frame = await press(app, KEY.enter, 'Timeout (s):');
    expect(frame).toContain('Timeout (s): 60  (default: Enter uses it');
    await type(app, '90');
    frame = await press(app, KEY.enter, 'Initializer:');
    expect(frame).toContain('Timeout (s): 90');
  });
});

describe('instance type', () => {
  it('4096 MB is no dead end: the limits step switches to c1 with its sizes and timeout range, and Review shows it', async () => {
    const history = ['target', 'service', 'function', 'runtime', 'code', 'handler'] as const;
    const app = renderApp(fakeServices(), {
      initial: stateAt('limits', { ...chosen, handler: 'index.handler', history: [...history] }),
    });
    let frame = await waitForFrame(app, '❯ 128 MB');
    expect(frame).toContain('Instance type: e1 (elastic)');
    frame = await press(app, KEY.up, /❯ Performance instance \(c1\): 4096–32768 MB, timeout up to 7200 s/);
    expect(frame).toContain('Switches the instance type to c1');
    frame = await press(app, KEY.enter, 'Instance type: c1 (performance)');
    expect(frame).toMatch(/❯ 4096 MB/);
    expect(frame).toContain('one of 4096, 8192, 16384, 32768 MB (performance instance)');
    expect(frame).toContain('Elastic instance (e1): 128–3072 MB, timeout up to 600 s');
    frame = await press(app, KEY.enter, 'Timeout (s):');
    expect(frame).toContain('whole seconds from 1 to 7200 (performance instance)');
    await type(app, '3600');
    await press(app, KEY.enter, 'Initializer:');
    await press(app, KEY.enter, 'Description:');
    await press(app, KEY.enter, 'Add KEY=value');
    await press(app, KEY.enter, 'Add a layer');
    frame = await press(app, KEY.enter, 'CRC-64');
    expect(frame).toMatch(/memory\s+4096 MB/);
    expect(frame).toMatch(/instance\s+c1/);
    expect(frame).toMatch(/timeout\s+3600 s/);
  });
});

describe('labels', () => {
  it('a long value does not squeeze its label into two lines', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('service'),
      connection: (await import('./helpers.js')).fakeConnection(),
    });
    await waitForFrame(app, '2 services');
    await press(app, KEY.up, /❯ \+ Create a new service/);
    await press(app, KEY.enter, 'New service name');
    await app.stdin.write('a'.repeat(120));
    const frame = await waitForFrame(app, (f) => (f.match(/a/g) ?? []).length >= 120);
    expect(frame).toMatch(/^New service name: a+/m);
    expect(frame).not.toMatch(/^New service\s*$/m);
  });
});

describe('runtime list', () => {
  it('filters as typed, like the service list; versions in version order', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('runtime', {
        service: { name: 'demo', isNew: false },
        functionName: 'f',
        history: ['target', 'service', 'function'],
      }),
    });
    let frame = await waitForFrame(app, /❯ nodejs20/);
    expect(frame).toContain('Filter:');
    await type(app, 'python');
    frame = await waitForFrame(app, /❯ python3\.12/);
    expect(frame).not.toContain('nodejs18');
    const order = ['python3.12', 'python3.10', 'python3.9', 'python3 ', 'python2.7'].map((id) => frame.indexOf(id));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await press(app, KEY.down, /❯ python3\.10/);
    await press(app, KEY.enter, 'A folder');
  });
});

describe('function name', () => {
  it("lists the service's functions, filtered as typed", async () => {
    const fn = (name: string) => ({
      functionId: `id-${name}`,
      functionName: name,
      runtime: 'nodejs20',
      handler: 'index.handler',
      memorySize: 128,
      createdTime: 't',
      lastModifiedTime: 't',
    });
    const { fakeConnection } = await import('./helpers.js');
    const connection = fakeConnection({
      functions: { 'demo/hello': fn('hello'), 'demo/helper': fn('helper'), 'demo/other': fn('other') },
    });
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
      connection,
    });
    let frame = await waitForFrame(app, '3 functions in demo');
    expect(frame).toMatch(/^ {2}other\s/m);
    await type(app, 'hel');
    frame = await waitForFrame(app, '2 match "hel"');
    expect(frame).toMatch(/^ {2}hello\s/m);
    expect(frame).toMatch(/^ {2}helper\s/m);
    expect(frame).not.toMatch(/^ {2}other\s/m);
  });
});

describe('an error of fcw itself (not the service)', () => {
  it('shows its message and hint, without the name of its class as a code', async () => {
    const services = fakeServices({
      async writeSample() {
        throw new UsageError('/w/fcw-sample-nodejs20 already exists and is not empty.', 'Give another folder name.');
      },
    });
    const app = renderApp(services, {
      initial: stateAt('code', { ...chosen, code: undefined, history: ['target', 'service', 'function', 'runtime'] }),
    });
    await waitForFrame(app, 'A folder');
    for (let i = 0; i < 3; i++) await press(app, KEY.down);
    await press(app, KEY.enter, 'New folder for the sample');
    const frame = await press(app, KEY.enter, 'Could not write the sample');
    expect(frame).toContain('message: /w/fcw-sample-nodejs20 already exists and is not empty.');
    expect(frame).toContain('hint: Give another folder name.');
    expect(frame).not.toContain('UsageError');
  });
});
