// The summary's "Invoke it now": the event editor (JSON checked as typed, prefilled from the
// profile's last event or the sample), the answer revealed, the log tail, invoke again / done.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';

import type { InvocationOutcome } from '../../src/invoke/outcome.js';
import type { Connection } from '../../src/ui/services.js';
import { SAMPLE_EVENT } from '../../src/wizard/sample-event.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, waitForFrame } from './helpers.js';

afterEach(() => cleanup());

const ready = stateAt('review', {
  service: { name: 'demo', isNew: false },
  functionName: 'hello',
  runtime: 'nodejs20',
  code: { kind: 'folder', path: './app' },
  handler: 'index.handler',
  history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
});

function invokable(answers: ((event: string) => InvocationOutcome)[], sent: string[]): Connection {
  let call = 0;
  return {
    ...fakeConnection(),
    async invoke(_service, _fn, event) {
      const text = Buffer.from(event).toString('utf8');
      sent.push(text);
      const answer = answers[Math.min(call++, answers.length - 1)];
      if (!answer) throw new Error('no answer prepared');
      return answer(text);
    },
  };
}

const ok = (event: string): InvocationOutcome => ({
  status: 'ok',
  async: false,
  body: Buffer.from(`echo ${event}`),
  log: 'FC Invoke Start RequestId: r1\nsaid hello\nFC Invoke End RequestId: r1\n',
  durationMs: 4,
  maxMemoryMB: 41.5,
  codeChecksum: '1234567890',
  requestId: 'r1',
});

const failed = (): InvocationOutcome => ({
  status: 'error',
  async: false,
  body: Buffer.from('{"errorMessage":"boom"}'),
  errorType: 'UnhandledInvocationError',
  errorMessage: 'boom',
  log: 'stack here\n',
  durationMs: 2,
  codeChecksum: '999',
  requestId: 'r2',
});

async function toSummary(app: ReturnType<typeof renderApp>) {
  await waitForFrame(app, 'CRC-64');
  await press(app, KEY.enter, 'Save as profile');
  // Skip saving: the offer comes next.
  await press(app, KEY.esc, 'Invoke it now');
  return press(app, KEY.down, /❯ Invoke it now/);
}

describe('Invoke it now (summary)', () => {
  it('prefills the sample, checks JSON as typed, reveals answer and log, then invokes again', async () => {
    const sent: string[] = [];
    const app = renderApp(fakeServices(), { initial: ready, connection: invokable([ok, failed], sent) });
    await toSummary(app);
    const editor = await press(app, KEY.enter, 'Event:');
    expect(editor).toContain(SAMPLE_EVENT);
    // Break the JSON: the problem shows as typed, and Enter does not send it.
    await app.stdin.write(KEY.backspace);
    await waitForFrame(app, /✗ not JSON/);
    await app.stdin.write(KEY.enter);
    await app.stdin.write('}');
    await waitForFrame(app, (f) => !f.includes('not JSON'));
    expect(sent).toEqual([]);
    const result = await press(app, KEY.enter, 'Invoke again');
    expect(sent).toEqual([SAMPLE_EVENT]);
    for (const text of [
      'status',
      'ok',
      `echo ${SAMPLE_EVENT}`,
      '4 ms',
      '41.5 MB',
      'r1',
      '✓ the code just deployed',
      'log (the last 4 KB)',
      'said hello',
    ]) {
      expect(result).toContain(text);
    }
    // Invoke again: the editor keeps the event; a failure shows its type, message and the other checksum.
    await press(app, KEY.enter, 'Event:');
    const second = await press(app, KEY.enter, 'Invoke again');
    expect(second).toContain('failed: UnhandledInvocationError');
    expect(second).toContain('boom');
    expect(second).toContain('✗ not the code just deployed (1234567890)');
    expect(second).toContain('stack here');
    await press(app, KEY.down, /❯ Done/);
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([0]);
  });

  it('starts from the event the profile remembers and remembers the one sent', async () => {
    const sent: string[] = [];
    const remembered: string[] = [];
    const services = fakeServices({
      async lastEvent(profile) {
        return profile === 'hello' ? '{"last":true}' : undefined;
      },
      async rememberEvent(profile, event) {
        remembered.push(`${profile} ${event}`);
      },
    });
    const app = renderApp(services, { initial: ready, connection: invokable([ok], sent) });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, 'Save as profile');
    // Save as "hello" (the prefilled name): the profile then remembers the event.
    await press(app, KEY.enter, 'Invoke it now');
    await press(app, KEY.down, /❯ Invoke it now/);
    const editor = await press(app, KEY.enter, 'Event:');
    expect(editor).toContain('{"last":true}');
    await press(app, KEY.enter, 'Invoke again');
    expect(sent).toEqual(['{"last":true}']);
    expect(remembered).toEqual(['hello {"last":true}']);
  });

  it('Esc in the editor goes back to the offer; Done exits 0', async () => {
    const app = renderApp(fakeServices(), { initial: ready, connection: invokable([ok], []) });
    await toSummary(app);
    await press(app, KEY.enter, 'Event:');
    await press(app, KEY.esc, /❯ Done/);
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([0]);
  });

  it('a connection that cannot invoke keeps the plain "Enter: exit"', async () => {
    const app = renderApp(fakeServices(), { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    await press(app, KEY.enter, 'Save as profile');
    const frame = await press(app, KEY.esc, 'Enter: exit');
    expect(frame).not.toContain('Invoke it now');
  });
});
