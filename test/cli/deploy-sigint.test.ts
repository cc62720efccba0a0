// Ctrl-C during a deploy: the in-flight request is aborted and fcw exits 130, also with --json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { FCW_BIN } from '../helpers/run-fcw.js';

let root: string;
let server: http.Server;
let sawRequest: Promise<void>;
let seen: () => void;
/** Whether the endpoint answers fcw's GET /sandbox-info (404, as a non-fcw endpoint) or hangs it too. */
let answerProbe = true;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-sigint-'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'index.js'), 'exports.handler = () => {};\n');
  sawRequest = new Promise((resolve) => (seen = resolve));
  // An endpoint that takes the request and never answers.
  server = http.createServer((req, res) => {
    if (answerProbe && req.url === '/sandbox-info') res.writeHead(404).end();
    else seen();
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});

async function interruptDeploy(extraArgs: string[] = []): Promise<void> {
  const { port } = server.address() as AddressInfo;
  const child = spawn(
    process.execPath,
    [
      FCW_BIN,
      'deploy',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--account-id',
      '123',
      '--service',
      's',
      '--function',
      'f',
      '--runtime',
      'nodejs18',
      '--handler',
      'index.handler',
      '--code',
      path.join(root, 'app'),
      '--json',
      ...extraArgs,
    ],
    {
      env: {
        ...process.env,
        CI: 'true',
        HOME: root,
        FCW_CONFIG_DIR: path.join(root, 'cfg'),
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAItest',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-xyz',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  // If fcw exits before it sends anything, the expectations below say why.
  await Promise.race([sawRequest, exited]);
  child.kill('SIGINT');
  const code = await exited;
  clearTimeout(killer);
  expect(code).toBe(130);
  expect(JSON.parse(stdout.trim())).toMatchObject({ status: 'failed', error: { exitCode: 130 } });
  expect(stderr).toMatch(/cancelled/i);
  expect(stdout + stderr).not.toContain('test-secret-xyz');
}

it('SIGINT while waiting for the service exits 130 with one JSON object', async () => {
  // A loopback endpoint that is not fcw serve gets the environment key only when it is named.
  await interruptDeploy(['--credentials', 'env']);
});

it('SIGINT while fcw asks a loopback endpoint which key it expects (/sandbox-info) exits 130 too', async () => {
  answerProbe = false;
  sawRequest = new Promise((resolve) => (seen = resolve));
  await interruptDeploy();
});
