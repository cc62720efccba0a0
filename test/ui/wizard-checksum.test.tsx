// The wizard, with its real services, deploying to an endpoint that takes the code but answers
// another codeChecksum than the package's: the deploy screen says it failed, with both values,
// and quitting exits 1. The summary (which only a successful deploy reaches) marks a checksum
// that differs as a failure too.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { cleanup } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FcClient } from '../../src/fc/client.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createRealServices } from '../../src/ui/real-services.js';
import type { ServiceChoice } from '../../src/wizard/state.js';
import { startChecksumTamperingProxy, type TamperingProxy } from '../helpers/tampering-proxy.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, waitForFrame } from './helpers.js';

const WRONG = '1234567890';
/** An existing service (its flag for "new" left unset, which reads as false). */
const DEMO = { name: 'demo' } as ServiceChoice;
let dir: string;
let sandbox: RunningSandbox;
let proxy: TamperingProxy;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-wizard-checksum-'));
  await fs.mkdir(path.join(dir, 'app'));
  await fs.writeFile(path.join(dir, 'app', 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "hi");\n');
  sandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'served') });
  const { url: endpoint, accountId, credentials } = sandbox;
  const direct = new FcClient({ endpoint, accountId, credentials });
  await direct.createService({ serviceName: 'demo' });
  proxy = await startChecksumTamperingProxy(sandbox.url, WRONG);
});

afterAll(async () => {
  cleanup();
  await proxy?.close();
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a codeChecksum in the answer that differs from ours', () => {
  it('is a failed deploy on the deploy screen, naming both values; Quit exits 1', async () => {
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const services = createRealServices(io);
    const connection = services.connectEndpoint({
      endpoint: proxy.url,
      accountId: sandbox.accountId,
      credentials: sandbox.credentials,
      source: 'the test sandbox key',
    });
    const ready = stateAt('review', {
      target: connection.target,
      service: DEMO,
      functionName: 'hello',
      runtime: 'nodejs20',
      code: { kind: 'folder', path: path.join(dir, 'app') },
      handler: 'index.handler',
      history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
    });
    const app = renderApp(services, { initial: ready, connection });
    const review = await waitForFrame(app, /CRC-64\s+\d+/, 15_000);
    const local = /CRC-64\s+(\d+)/.exec(review)?.[1];
    const frame = await press(app, KEY.enter, 'The deploy failed');
    expect(frame).toContain('CodeChecksumMismatch');
    // The panel wraps long lines: compare without the line breaks.
    const flat = frame.replace(/\s+/g, ' ');
    expect(flat).toContain(`codeChecksum ${WRONG}`);
    expect(flat).toContain(`CRC-64 ${local}`);
    expect(frame).not.toContain('Created');
    expect(frame).not.toContain('Go back and fix');
    // Quit is the last item of the menu.
    await press(app, KEY.up, /❯ Quit/);
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([1]);
  });

  it('on the summary, a differing checksum heads it as a failure and Enter exits 1', async () => {
    const services = fakeServices({
      async deploy(spec) {
        return {
          status: 'created',
          fn: {
            functionId: 'fid-1',
            functionName: spec.function.functionName,
            runtime: 'nodejs20',
            handler: 'index.handler',
            codeChecksum: WRONG,
            createdTime: 'now',
            lastModifiedTime: 'now',
          },
          localChecksum: '42',
          remoteChecksum: WRONG,
          checksumMatch: false,
          timings: [],
          requestIds: ['req-1'],
        };
      },
    });
    const ready = stateAt('review', {
      service: DEMO,
      functionName: 'hello',
      runtime: 'nodejs20',
      code: { kind: 'folder', path: './app' },
      handler: 'index.handler',
      history: ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'],
    });
    const app = renderApp(services, { initial: ready, connection: fakeConnection() });
    await waitForFrame(app, 'CRC-64');
    const frame = await press(app, KEY.enter, `✗ ours is 42`);
    expect(frame.replace(/\s+/g, ' ')).toContain(
      `✗ Deploy failed: the service reports codeChecksum ${WRONG}, not our CRC-64 42: demo/hello`,
    );
    expect(frame).not.toContain('✓ Created');
    expect(frame).not.toContain('Save as profile');
    app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([1]);
  });
});
