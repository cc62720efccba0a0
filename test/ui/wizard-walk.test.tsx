// The whole wizard by keyboard, against the real services: the in-process sandbox, the packager,
// deploy() and the profile store, in a temporary config directory. Then the function is read back
// from the sandbox with a separate client, and the saved profile from the store.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { cleanup } from 'ink-testing-library';
import { createRealServices } from '../../src/ui/real-services.js';
import { FcClient } from '../../src/fc/client.js';
import { ProfileStore } from '../../src/profiles/store.js';
import { run as deployCommand } from '../../src/commands/deploy.js';
import { KEY, press, renderApp, type, waitForFrame } from './helpers.js';

// Each test has its own folder, config and sandbox, and builds what it needs itself, so any test
// runs alone or in any order.
let dir: string;
const dirs: string[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-walk-'));
  dirs.push(dir);
});

afterAll(async () => {
  cleanup();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('a first deploy, by keyboard, to the in-process sandbox', () => {
  it('creates the service, writes a sample, deploys it, reads it back, saves a profile', async () => {
    // The profile's time is the deploy's: between the test's start and its end (a second either
    // way for the clock's resolution), however long the machine takes.
    const startedAt = Date.now();
    // No cloud key anywhere: HOME is the temp dir and the environment has none.
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const services = createRealServices(io);
    const app = renderApp(services);
    try {
      let frame = await waitForFrame(app, 'Where should the function go?');
      expect(frame).toMatch(/❯ Local sandbox/);
      await press(app, KEY.enter, '0 services');
      frame = app.lastFrame() ?? '';
      expect(frame).toMatch(/local sandbox · account \d+ · credentials: the sandbox's own key/);

      await press(app, KEY.enter, 'New service name');
      await type(app, 'demo');
      await press(app, KEY.enter, 'Function name:');
      await type(app, 'hello');
      await press(app, KEY.enter, /❯ nodejs20/);
      await press(app, KEY.enter, 'A folder');
      for (let i = 0; i < 3; i++) await press(app, KEY.down);
      await press(app, KEY.enter, 'New folder for the sample');
      await press(app, KEY.enter, 'Handler: index.handler');
      await waitForFrame(app, /✓ .*handler/);
      await press(app, KEY.enter, /❯ 128 MB/);
      await press(app, KEY.down, /❯ 192 MB/);
      await press(app, KEY.enter, 'Timeout (s):');
      await press(app, KEY.enter, 'Initializer:');
      await press(app, KEY.enter, 'Description:');
      await press(app, KEY.enter, 'Add KEY=value');
      await type(app, 'GREETING=hi');
      await press(app, KEY.enter, 'Environment variables: GREETING=hi');
      await press(app, KEY.enter, 'Add a layer');
      frame = await press(app, KEY.enter, 'CRC-64');
      const checksum = /CRC-64\s+(\d+)/.exec(frame)?.[1];
      expect(checksum).toMatch(/^\d+$/);
      expect(frame).toContain('192 MB');
      expect(frame).toContain('fcw-sample-nodejs20');

      frame = await press(app, KEY.enter, 'Save as profile');
      expect(frame).toContain('Created: demo/hello');
      expect(frame).toContain(`${checksum}  ✓ equals our CRC-64`);
      expect(frame).toMatch(/functionId\s+\S+/);

      // Read it back from the sandbox with a client of our own.
      const connection = app.session.connection!;
      const key = JSON.parse(await fs.readFile(path.join(env.FCW_CONFIG_DIR, 'sandbox', 'credentials.json'), 'utf8'));
      const client = new FcClient({
        endpoint: connection.target.endpoint,
        accountId: connection.target.accountId,
        credentials: key,
        env: {},
      });
      const fn = (await client.getFunction('demo', 'hello')).data;
      expect(fn).toMatchObject({
        functionName: 'hello',
        runtime: 'nodejs20',
        handler: 'index.handler',
        memorySize: 192,
        codeChecksum: checksum,
        environmentVariables: { GREETING: 'hi' },
      });
      expect(frame).toContain(fn.functionId);

      await press(app, KEY.enter, 'fcw deploy --profile hello');
      const saved = new ProfileStore({ env }).get('hello');
      expect(saved).toMatchObject({
        target: { kind: 'local' },
        service: { name: 'demo' },
        function: { functionName: 'hello', memorySize: 192 },
        code: { kind: 'folder', path: path.join(dir, 'fcw-sample-nodejs20') },
      });
      expect(JSON.stringify(saved)).not.toContain(key.accessKeySecret);
      // The last deploy is recorded as \`fcw deploy --save-profile\` records it.
      expect(saved?.lastDeploy).toMatchObject({ status: 'created', functionId: fn.functionId, codeChecksum: checksum });
      expect(saved?.lastDeploy?.etag).toMatch(/\S/);
      const deployedAt = Date.parse(saved?.lastDeploy?.time ?? '');
      expect(deployedAt).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(deployedAt).toBeLessThanOrEqual(Date.now() + 1_000);

      app.stdin.write(KEY.enter);
      await waitForFrame(app, () => app.exits.length > 0);
      expect(app.exits).toEqual([0]);
    } finally {
      await app.session.connection?.close();
    }
  });

  it('redeploys the saved profile: review, deploy, nothing changed', async () => {
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    // The profile and the function it deployed, made by the command line in this test's own folder.
    const code = path.join(dir, 'app');
    await fs.mkdir(code);
    await fs.writeFile(path.join(code, 'index.js'), 'exports.handler = async () => "hi";\n');
    const quiet = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const flags = [
      '--target',
      'local',
      '--service',
      'demo',
      '--create-service',
      '--function',
      'hello',
      '--runtime',
      'nodejs20',
    ];
    const more = ['--handler', 'index.handler', '--memory', '192', '--code', code, '--save-profile', 'hello', '--yes'];
    expect(await deployCommand([...flags, ...more], quiet)).toBe(0);
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const app = renderApp(createRealServices(io));
    try {
      let frame = await waitForFrame(app, 'Redeploy a saved profile');
      expect(frame).toMatch(/❯ Local sandbox/);
      await press(app, KEY.up, /❯ Alibaba Cloud/);
      await press(app, KEY.up, /❯ Redeploy a saved profile/);
      frame = await press(app, KEY.enter, /❯ hello\s+demo\/hello · nodejs20 · local sandbox/);
      frame = await press(app, KEY.enter, 'CRC-64');
      expect(frame).toContain('from profile hello');
      expect(frame).toContain('192 MB');
      // Review compares with what is deployed: nothing differs, so Exit comes first; Deploy still runs.
      frame = await waitForFrame(app, 'none: the deployed function already equals this request');
      expect(frame).toContain('hello (unchanged)');
      await press(app, KEY.down, /❯ Deploy/);
      frame = await press(app, KEY.enter, 'Unchanged (already deployed): demo/hello');
      expect(frame).toContain('✓ equals our CRC-64');
      // Started from a profile: it is offered under its own name.
      expect(frame).toContain('Save as profile: hello');
    } finally {
      await app.session.connection?.close();
    }
  });
});
