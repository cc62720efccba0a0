// Timer triggers fire on their schedule: the runner reads enabled timer triggers from the store and
// invokes the function with FC's timer event when due. The clock is moved by hand, ticks are called
// directly, and the outcome is read from the log lines.
import { createRequire } from 'node:module';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FunctionExecutor } from '../../src/sandbox/runtime/executor.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { TimerRunner } from '../../src/sandbox/timers.js';
import { tempDir } from './sandbox-support.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;

let sandbox: RunningSandbox;
let executor: FunctionExecutor;
let removeDir: () => Promise<void>;
let dataDir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

beforeAll(async () => {
  const dir = await tempDir();
  removeDir = dir.remove;
  dataDir = dir.dir;
  sandbox = await startSandbox({ dataDir });
  executor = new FunctionExecutor({
    accountId: sandbox.accountId,
    region: 'cn-hangzhou',
    credentials: sandbox.credentials,
  });
  client = new FCClient(sandbox.accountId, {
    accessKeyID: sandbox.credentials.accessKeyId,
    accessKeySecret: sandbox.credentials.accessKeySecret,
    region: 'cn-hangzhou',
    endpoint: sandbox.url,
    timeout: 10_000,
  });
  const z = new JSZip();
  // The event is FC's timer event; the function fails unless it is.
  z.file(
    'index.js',
    `exports.handler = (event, context, callback) => {
      const e = JSON.parse(event);
      const fcEvent = e.triggerTime && e.triggerName === 'tick' && e.payload === 'hello';
      if (!fcEvent) return callback(new Error('bad event ' + event));
      callback(null, 'ok');
    };\n`,
    { date: new Date('2024-01-01T00:00:00Z') },
  );
  const zipFile = (await z.generateAsync({ type: 'nodebuffer' })).toString('base64');
  await client.createService('cron');
  await client.createFunction('cron', {
    functionName: 'job',
    runtime: 'nodejs18',
    handler: 'index.handler',
    code: { zipFile },
  });
});

afterAll(async () => {
  await executor.close();
  await sandbox.close();
  await removeDir();
});

describe('timer triggers', () => {
  it('fire when due with FC timer event, once per due time; not when disabled or unreadable', async () => {
    const created = await client.createTrigger('cron', 'job', {
      triggerName: 'tick',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1m', enable: true, payload: 'hello' },
    });
    await client.createTrigger('cron', 'job', {
      triggerName: 'off',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '@every 1m', enable: false },
    });
    await client.createTrigger('cron', 'job', {
      triggerName: 'odd',
      triggerType: 'timer',
      triggerConfig: { cronExpression: '0 0 12 L * ?', enable: true },
    });
    let clock = Date.parse(created.data.lastModifiedTime) + 1_000;
    const lines: string[] = [];
    const runner = new TimerRunner({
      store: new SandboxStore(dataDir),
      executor,
      accountId: sandbox.accountId,
      now: () => clock,
      log: (line) => lines.push(line),
    });

    await runner.tick();
    expect(lines.filter((l) => l.includes('fired'))).toEqual([]);
    expect(lines.filter((l) => l.includes("cannot follow '0 0 12 L * ?'"))).toHaveLength(1);

    clock += 60_000; // due now
    await runner.tick();
    await vi.waitFor(() => expect(lines.some((l) => l.includes('fired'))).toBe(true), {
      timeout: 30_000,
      interval: 50,
    });
    expect(lines.filter((l) => l.includes('fired'))).toEqual([
      expect.stringMatching(/^timer trigger cron\/job\/tick fired \(.+\): succeeded in \d+ms$/),
    ]);

    await runner.tick(); // not due again yet
    clock += 10 * 60_000; // ten intervals later: fires once, not ten times
    await runner.tick();
    await vi.waitFor(() => expect(lines.filter((l) => l.includes('fired'))).toHaveLength(2), {
      timeout: 30_000,
      interval: 50,
    });
    await runner.tick();
    expect(lines.filter((l) => l.includes('fired'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('cannot follow'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('/off '))).toBe(false);
  });
});
