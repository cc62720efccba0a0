// Spawns the built bin (dist/cli.js) as a user would, with piped stdio, and collects its output.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FCW_BIN = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * A copy of the built bin that any user can run, for tests that run it as nobody (uid 65534): the
 * checkout may lie under a folder nobody cannot enter (root's home, a `mktemp -d`). The bundle needs
 * no node_modules; its package.json says the .js files are ES modules.
 */
export function binReadableByAnyone(): { bin: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fcw-bin-'));
  cpSync(path.dirname(FCW_BIN), dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  // mkdtemp makes the folder 0700; cpSync keeps the files' modes (0644/0755).
  chmodSync(dir, 0o755);
  return { bin: path.join(dir, 'cli.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runFcw(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FCW_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The environment of a spawned fcw that sees no machine state: a home without aliyun/fcli configs, its
 * own config directory, and none of the cloud keys or profile of the machine running the tests.
 */
export function isolatedEnv(home: string, configDir: string): Record<string, string> {
  return {
    FCW_CONFIG_DIR: configDir,
    HOME: home,
    ALIBABA_CLOUD_ACCESS_KEY_ID: '',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: '',
    ALIBABA_CLOUD_SECURITY_TOKEN: '',
    ALIBABA_CLOUD_PROFILE: '',
  };
}
