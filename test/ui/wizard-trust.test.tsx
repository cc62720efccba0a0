// What the review shows is what is sent, and nothing is written before Deploy: the wizard by
// keyboard against the real services (in-process sandbox, packager, deploy), then the sandbox read
// back with a client of our own and the official SDK (which can fetch the stored zip).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import JSZip from 'jszip';
import { cleanup } from 'ink-testing-library';
import { createRealServices } from '../../src/ui/real-services.js';
import { FcClient } from '../../src/fc/client.js';
import { KEY, press, renderApp, type, waitForFrame } from './helpers.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;

let dir: string;
const dirs: string[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-trust-'));
  dirs.push(dir);
});

afterAll(async () => {
  cleanup();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

const CTRL_U = '\u0015';

function start() {
  const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
  return { env, app: renderApp(createRealServices(io)) };
}

type App = ReturnType<typeof start>['app'];

/** Target (local sandbox), a new service, a function, nodejs20: stops on the code menu. */
async function upToCode(app: App, serviceName: string): Promise<void> {
  await waitForFrame(app, /❯ Local sandbox/);
  await press(app, KEY.enter, '0 services');
  await press(app, KEY.enter, 'New service name');
  await type(app, serviceName);
  await press(app, KEY.enter, 'Function name:');
  await type(app, 'hello');
  await press(app, KEY.enter, /❯ nodejs20/);
  await press(app, KEY.enter, 'A folder');
}

/** From the limits step, every default, to the review. */
async function limitsToReview(app: App): Promise<string> {
  await waitForFrame(app, /❯ 128 MB/);
  await press(app, KEY.enter, 'Timeout (s):');
  await press(app, KEY.enter, 'Initializer:');
  await press(app, KEY.enter, 'Description:');
  await press(app, KEY.enter, 'Add KEY=value');
  await press(app, KEY.enter, 'Add a layer');
  return press(app, KEY.enter, /CRC-64\s+\d+/);
}

/** The sandbox's own key and a client signed with it, read from the config directory. */
async function sandboxClient(env: { FCW_CONFIG_DIR: string }, endpoint: string, accountId: string) {
  const key = JSON.parse(await fs.readFile(path.join(env.FCW_CONFIG_DIR, 'sandbox', 'credentials.json'), 'utf8'));
  return { key, client: new FcClient({ endpoint, accountId, credentials: key, env: {} }) };
}

describe('stale code', () => {
  it('an edit after the handler step is on the review; one after the review is packaged again and sent', async () => {
    const code = path.join(dir, 'app');
    await fs.mkdir(code);
    const source = (v: string) => `exports.handler = async () => '${v}';\n`;
    await fs.writeFile(path.join(code, 'index.js'), source('v1'));
    const { env, app } = start();
    try {
      await upToCode(app, 'demo');
      await press(app, KEY.enter, 'Folder:');
      await app.stdin.write(CTRL_U);
      await type(app, 'app');
      await waitForFrame(app, '1 file');
      await press(app, KEY.enter, 'Handler: index.handler');
      const handlerFrame = await waitForFrame(app, /CRC-64 \d+/);
      const first = /CRC-64 (\d+)/.exec(handlerFrame)![1];
      await waitForFrame(app, /✓ .*handler/);

      // Edited while the handler step is on screen: the review packages it again and says so.
      await fs.writeFile(path.join(code, 'index.js'), source('v2-edited-at-the-handler'));
      await press(app, KEY.enter, /❯ 128 MB/);
      let review = await limitsToReview(app);
      review = await waitForFrame(app, 'The code changed since it was packaged');
      const second = /CRC-64\s+(\d+)\s*$/m.exec(review)![1];
      expect(second).not.toBe(first);
      expect(review.replace(/\s+/g, ' ')).toContain(`packaged again (CRC-64 ${first} → ${second})`);

      // Edited while the review is on screen: Deploy finds it, packages again, says so, sends it.
      await fs.writeFile(path.join(code, 'index.js'), source('v3-edited-at-the-review'));
      const summary = await press(app, KEY.enter, 'Save as profile');
      expect(app.frames.join('\n').replace(/\s+/g, ' ')).toMatch(
        /code changed since the review packaged again, CRC-64 \d+ → \d+/,
      );
      const sent = /codeChecksum\s+(\d+)\s+✓ equals our CRC-64/.exec(summary)![1];
      // The package was built before the deploy: no "package 0 ms" among the timings.
      expect(summary).not.toMatch(/^\s+package\s+\d/m);
      expect(app.frames.join('\n')).toContain('package the one the review showed (not built again)');
      expect(sent).not.toBe(second);

      const connection = app.session.connection!;
      const { key } = await sandboxClient(env, connection.target.endpoint, connection.target.accountId);
      const sdk = new FCClient(connection.target.accountId, {
        accessKeyID: key.accessKeyId,
        accessKeySecret: key.accessKeySecret,
        region: 'cn-hangzhou',
        endpoint: connection.target.endpoint,
      });
      const stored = await sdk.getFunctionCode('demo', 'hello');
      expect(stored.data.checksum).toBe(sent);
      const zip = await JSZip.loadAsync(Buffer.from(await (await fetch(stored.data.url)).arrayBuffer()));
      expect(await zip.file('index.js')!.async('string')).toBe(source('v3-edited-at-the-review'));
    } finally {
      await app.session.connection?.close();
    }
  });
});

describe('nothing is written before Deploy', () => {
  it('a new service is created by the deploy: the review says "create", Cancel leaves the sandbox as it was', async () => {
    const { env, app } = start();
    try {
      await upToCode(app, 'fresh');
      for (let i = 0; i < 3; i++) await press(app, KEY.down);
      await press(app, KEY.enter, 'New folder for the sample');
      await press(app, KEY.enter, 'Handler: index.handler');
      await press(app, KEY.enter, /❯ 128 MB/);
      const review = await limitsToReview(app);
      expect(review).toMatch(/service\s+fresh: create/);
      expect(review).toMatch(/Cancel\s+nothing is sent/);

      const connection = app.session.connection!;
      const { client } = await sandboxClient(env, connection.target.endpoint, connection.target.accountId);
      expect((await client.listServices()).data).toEqual([]);

      await press(app, KEY.down);
      await press(app, KEY.down, /❯ Cancel/);
      await app.stdin.write(KEY.enter);
      await waitForFrame(app, () => app.exits.length > 0);
      expect(app.exits).toEqual([130]);
      expect((await client.listServices()).data).toEqual([]);
    } finally {
      await app.session.connection?.close();
    }
  });
});
