// `fcw ... | head -1`: the reader of stdout goes away. fcw must not die with an unhandled EPIPE
// stack trace (exit 1 after a deploy that worked); it keeps its own exit code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FCW_BIN } from '../helpers/run-fcw.js';

let root: string;
let env: NodeJS.ProcessEnv;

/** Runs fcw with its stdout's read end closed before it writes anything. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FCW_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-epipe-'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'index.js'), 'exports.handler = () => {};\n');
  env = { ...process.env, CI: 'true', NO_COLOR: '1', FCW_CONFIG_DIR: path.join(root, 'cfg'), HOME: root };
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a closed stdout (EPIPE)', () => {
  const deployArgs = [
    'deploy',
    '--target',
    'local',
    '--service',
    'svc',
    '--create-service',
    '--function',
    'fn',
    '--runtime',
    'nodejs18',
    '--handler',
    'index.handler',
    '--yes',
    '--save-profile',
    'web',
  ];

  it('fcw deploy (text and --json) deploys and exits 0 without a stack trace', async () => {
    const text = await withClosedStdout([...deployArgs, '--code', path.join(root, 'app')]);
    expect(text.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(text.code).toBe(0);
    const asJson = await withClosedStdout([
      ...deployArgs,
      '--code',
      path.join(root, 'app'),
      '--memory',
      '256',
      '--json',
    ]);
    expect(asJson.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(asJson.code).toBe(0);
  });

  it('fcw profiles list and fcw package (text and --json) exit 0 without a stack trace', async () => {
    for (const args of [
      ['profiles', 'list'],
      ['profiles', 'show', 'web'],
      ['package', path.join(root, 'app')],
      ['package', path.join(root, 'app'), '--json'],
    ]) {
      const result = await withClosedStdout(args);
      expect({ args, stderr: result.stderr }).toEqual({
        args,
        stderr: expect.not.stringMatching(/EPIPE|Unhandled|at /),
      });
      expect({ args, code: result.code }).toEqual({ args, code: 0 });
    }
  });
});
