// `fcw deploy` when the service takes the code but reports another codeChecksum than the package's:
// a failed deploy (exit 1, status "failed" in --json, both values shown), not a created one with a
// warning. The "service" is the real sandbox behind a proxy that rewrites codeChecksum in the
// answers to CreateFunction and UpdateFunction (test/helpers/tampering-proxy.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { isolatedEnv, runFcw } from '../helpers/run-fcw.js';
import { startChecksumTamperingProxy, type TamperingProxy } from '../helpers/tampering-proxy.js';

const WRONG = '1234567890';

let root: string;
let sandbox: RunningSandbox;
let proxy: TamperingProxy;
let proxyUrl: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-checksum-'));
  const configDir = path.join(root, 'config');
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v1");\n');
  // The sandbox's data directory is the one fcw looks in for a local key: fcw signs with its key.
  sandbox = await startSandbox({ port: 0, dataDir: path.join(configDir, 'sandbox') });
  proxy = await startChecksumTamperingProxy(sandbox.url, WRONG);
  proxyUrl = proxy.url;
  env = isolatedEnv(root, configDir);
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const deployArgs = (fn: string) => [
  'deploy',
  '--endpoint',
  proxyUrl,
  '--service',
  'svc',
  '--create-service',
  '--function',
  fn,
  '--runtime',
  'nodejs18',
  '--handler',
  'index.handler',
  '--code',
  path.join(root, 'app'),
];

it('--json: exit 1, status failed, both checksums in the checksum object and in the error', async () => {
  const result = await runFcw([...deployArgs('json'), '--json'], { env });
  expect(result.code).toBe(1);
  const out = JSON.parse(result.stdout.trim());
  expect(out.status).toBe('failed');
  expect(out.action).toBe('create');
  const local = out.checksum.local as string;
  expect(local).toMatch(/^\d+$/);
  expect(local).not.toBe(WRONG);
  expect(out.checksum).toEqual({ local, remote: WRONG, match: false });
  expect(out.error).toMatchObject({ code: 'CodeChecksumMismatch', exitCode: 1 });
  expect(out.error.message).toContain(`codeChecksum ${WRONG}`);
  expect(out.error.message).toContain(`CRC-64 ${local}`);
  expect(out.warnings.join('\n')).not.toMatch(/checksum/);
  expect(result.stderr).toContain(WRONG);
});

it('text: exit 1, "failed" with both values, and the function as the service holds it', async () => {
  const result = await runFcw(deployArgs('text'), { env });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /Deploy of svc\/text failed: the service reports codeChecksum 1234567890, but the package sent has CRC-64 \d+/,
  );
  expect(result.stderr).toMatch(/codeChecksum {2}1234567890 \(the package is \d+\)/);
  expect(result.stdout).not.toMatch(/Created/);
});
