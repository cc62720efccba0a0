// Each step of the wizard alone (handler to summary) and the global keys, with fake services.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { handlerRuleText } from '../../src/fc/rules.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

afterEach(() => cleanup());

describe('handler', () => {
  it('shows the default as a placeholder, the format, and checks it against the package', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('handler', { runtime: 'nodejs20', code: { kind: 'folder', path: '.' } }),
    });
    let frame = await waitForFrame(app, '✓ index.js exports handler');
    expect(frame).toContain('Handler: index.handler  (default: Enter uses it, Tab or → edits it)');
    expect(frame).toContain(`rule: ${handlerRuleText('nodejs20').slice(0, 40)}`);
    expect(frame).toContain('CRC-64 1234567890');
    // The first typed character replaces the default rather than appending to it.
    await type(app, 'main.handler');
    frame = await waitForFrame(app, '✗ no file for main.handler');
    expect(frame).toContain('Handler: main.handler');
    // Enter is refused once while the package cannot serve the handler, then kept on a second Enter.
    await press(app, KEY.enter, 'Press Enter again to keep this handler anyway');
    expect(app.lastFrame()).toContain('Handler: main.handler');
    await press(app, '\u0015', '✓ index.js exports handler');
    await press(app, KEY.enter, 'Memory');
  });
});

describe('limits', () => {
  it('memory from the list or typed and checked, timeout, initializer and its timeout', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    let frame = await waitForFrame(app, '❯ 128 MB');
    expect(frame).toContain('a multiple of 64 MB between 128 and 3072');
    expect(frame).toContain('default: 128');
    await press(app, KEY.up, /❯ Performance instance \(c1\)/);
    await press(app, KEY.up, /❯ Type a size in MB/);
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

  it('memory: digits typed on the list open the field with them, checked as typed', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    await waitForFrame(app, '❯ 128 MB');
    expect(app.lastFrame()).toContain('or type a size');
    await press(app, '1', 'Memory (MB): 1');
    await type(app, '000');
    const frame = await waitForFrame(app, /Memory \(MB\): 1000/);
    expect(frame).toMatch(/✗ Memory \(MB\): .*1000/s);
    // Enter on a size the rules refuse stays on the field.
    await app.stdin.write(KEY.enter);
    await type(app, '0');
    expect(app.lastFrame()).toMatch(/Memory \(MB\): 10000/);
    expect(app.lastFrame()).not.toContain('Timeout (s):');
    await app.stdin.write(KEY.backspace);
    for (let i = 0; i < 3; i++) await app.stdin.write(KEY.backspace);
    await type(app, '024');
    await waitForFrame(app, (f) => !f.includes('✗'));
    await press(app, KEY.enter, 'Timeout (s):');
    expect(app.lastFrame()).toContain('Memory (MB): 1024');
    // Esc goes back to the field, value kept; again to the list.
    await press(app, KEY.esc, /Memory \(MB\): 1024/);
    // Back on the list, the size chosen is highlighted.
    await press(app, KEY.esc, /❯ 1024 MB/);
  });

  it('memory: Enter on the emptied field takes the default the rule shows, as other fields do', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, KEY.down, '❯ 192 MB');
    await press(app, '3', 'Memory (MB): 3');
    const empty = await press(app, KEY.backspace, /Memory \(MB\): 128 +\(default: Enter uses it/);
    expect(empty).toContain('default: 128');
    expect(empty).not.toContain('is required');
    const next = await press(app, KEY.enter, 'Timeout (s):');
    expect(next).toContain('Memory (MB): 128');
  });

  it('a timeout that is not a number says what was typed and the rule, not NaN', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, KEY.enter, 'Timeout (s): 60');
    for (let i = 0; i < 2; i++) await app.stdin.write(KEY.backspace);
    await type(app, 'abc');
    const frame = await waitForFrame(app, 'is not a whole number');
    expect(frame).toContain('timeout: "abc" is not a whole number; whole seconds from 1 to 600');
    expect(frame).not.toContain('NaN');
  });

  it('memory: a valid size arriving with its Enter in one chunk is taken', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, '2048\r', 'Timeout (s):');
    expect(app.lastFrame()).toContain('Memory (MB): 2048');
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
    service: { name: 'demo', isNew: false },
    functionName: 'hello',
    runtime: 'nodejs20',
    code: { kind: 'folder', path: './app' },
    handler: 'index.handler',
    history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
  });

  it('shows the whole request, the package size and checksum, and the target', async () => {
    const app = renderApp(fakeServices(), { initial: ready });
    const frame = await waitForFrame(app, 'CRC-64');
    for (const text of [
      'local sandbox',
      'demo',
      'hello (create)',
      'nodejs20',
      'index.handler',
      'folder ./app',
      '128 MB',
      '60 s',
      '1234567890',
      '❯ Deploy',
    ]) {
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

  it('Ctrl-C while a create is in flight exits 130 saying the service may have applied it', async () => {
    const services = fakeServices({
      deploy: (_spec, _connection, options) =>
        new Promise((_resolve, reject) => {
          options.onProgress({ phase: 'GetFunction', done: true, ms: 3 });
          options.onProgress({ phase: 'CreateService', done: true, detail: 'skipped' });
          options.onProgress({ phase: 'CreateFunction' });
          options.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, /⠋ CreateFunction|CreateFunction/);
    app.stdin.write(KEY.ctrlC);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([130]);
    expect(app.notes[0]).toMatch(
      /^CreateFunction was already sent, so the service may have applied it\. Run fcw again/,
    );
  });

  it('Ctrl-C before anything is written says nothing more', async () => {
    const app = renderApp(fakeServices(), { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    app.stdin.write(KEY.ctrlC);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([130]);
    expect(app.notes).toEqual([undefined]);
  });

  it('deploys, then the summary reveals the answer, the checksum mark, timings, and saves a profile', async () => {
    const services = fakeServices();
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, 'Save as profile');
    const frame = app.lastFrame() ?? '';
    for (const text of [
      'functionId',
      'fid-1',
      'codeSize',
      '250 bytes',
      'codeChecksum',
      '✓ equals our CRC-64',
      'package',
      'create',
    ])
      expect(frame).toContain(text);
    await press(app, KEY.enter, 'fcw deploy --profile hello');
    expect(services.log.calls).toContain('saveProfile hello');
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([0]);
  });

  it('an update whose function was deleted meanwhile (created anew) says so on the summary', async () => {
    const app = renderApp(fakeServices(), { initial: { ...ready, mode: 'update' }, connection: fakeConnection() });
    await waitForFrame(app, 'Deploy (update the function)');
    const frame = await press(app, KEY.enter, 'Save as profile');
    expect(frame).toContain('Created: demo/hello');
    expect(frame).toContain('hello was no longer in demo when the deploy ran');
    // A plain create says nothing of the kind.
    cleanup();
    const plain = renderApp(fakeServices(), { initial: ready, connection: fakeConnection() });
    await waitForFrame(plain, 'CRC-64');
    expect(await press(plain, KEY.enter, 'Save as profile')).not.toContain('no longer in');
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
    for (const text of [
      'InvalidArgument',
      'HTTP 400',
      'memorySize must be a multiple of 64',
      'request id: req-42',
      'hint:',
      'Go back and fix: Memory, timeout, initializer',
    ]) {
      expect(frame).toContain(text);
    }
    await press(app, KEY.enter, /❯ 128 MB/);
  });
});

describe('retry', () => {
  it('Try again after a failure deploys once more and reaches the summary', async () => {
    const { FcApiError } = await import('../../src/fc/errors.js');
    const base = fakeServices();
    let calls = 0;
    const services = fakeServices({
      async deploy(state, conn, options) {
        calls += 1;
        if (calls === 1) throw new FcApiError('CreateFunction', 503, 'ResourceThrottled', 'slow down', 'req-1');
        return base.deploy(state, conn, options);
      },
    });
    const ready = stateAt('review', {
      service: { name: 'demo', isNew: false },
      functionName: 'hello',
      runtime: 'nodejs20',
      code: { kind: 'oss', bucket: 'my-bucket', object: 'code/o.zip' },
      handler: 'index.handler',
      history: ['target'],
    });
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, '❯ Deploy');
    const failed = await press(app, KEY.enter, 'ResourceThrottled');
    // Nothing in the error names a field: no "fix" entry, the review comes first.
    expect(failed).toMatch(/❯ Back to the review/);
    await press(app, KEY.down, /❯ Try again/);
    await press(app, KEY.enter, 'Save as profile');
    expect(calls).toBe(2);
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
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: true }, history: ['target', 'service'] }),
      connection: fakeConnection(),
    });
    await waitForFrame(app, 'Function name');
    await type(app, 'keepme');
    await press(app, KEY.enter, 'Runtime');
    await press(app, KEY.esc, 'Function name: keepme');
  });
});
