// `fcw` without a terminal: exit 2 with the exact non-interactive command, nothing drawn; and the
// built import graph shows why that path is fast: Ink is reached from the wizard command only
// through a dynamic import. Needs `npm run build` first (npm test does it).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFcw } from '../helpers/run-fcw.js';

const META = fileURLToPath(new URL('../../dist/meta.json', import.meta.url));

describe('fcw without a TTY', () => {
  // No cloud key anywhere (an empty HOME, no ALIBABA_CLOUD_* variables): what runs is the sandbox.
  const homes: string[] = [];
  const noKeys = () => {
    homes.push(fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-notty-')));
    return { HOME: homes[homes.length - 1], ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' };
  };
  afterAll(() => {
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  it('exits 2 and names the fcw deploy command that runs here and the profile form', async () => {
    const r = await runFcw([], { env: { CI: 'false', ...noKeys() } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the wizard needs a terminal');
    expect(r.stderr).toContain(
      'fcw deploy --target local --service SERVICE --create-service --function FUNCTION --runtime RUNTIME --handler HANDLER --code DIR',
    );
    expect(r.stderr).toContain('no cloud credentials were found, so this deploys to the local sandbox');
    expect(r.stderr).toContain('fcw deploy --profile NAME');
  });

  it('with a cloud key, the command deploys to the cloud', async () => {
    const r = await runFcw([], {
      env: {
        CI: 'false',
        ...noKeys(),
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-x',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret-x',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'fcw deploy --service SERVICE --function FUNCTION --runtime RUNTIME --handler HANDLER --code DIR',
    );
    expect(r.stderr).not.toContain('--target local');
    expect(r.stderr).not.toContain('secret-x');
  });

  it('in a real terminal under CI=true, the message names CI', () => {
    // script(1) gives fcw a pseudo-terminal on stdin and stdout.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(fileURLToPath(new URL('../../dist/cli.js', import.meta.url)))}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', ...noKeys() },
    });
    expect(r.stdout).toContain(
      'the wizard does not run under CI (CI=true is set, though this is a terminal); unset CI to use it.',
    );
  });

  it('carries the target flags given into that command, and refuses under CI too', async () => {
    const r = await runFcw(['--endpoint', 'http://127.0.0.1:9000', '--account-id', '123'], { env: { CI: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fcw deploy --endpoint http://127.0.0.1:9000 --account-id 123 --service SERVICE');
  });

  it('an unknown flag is a usage error', async () => {
    const r = await runFcw(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
  });

  it('fcw wizard --help prints the keys and exits 0', async () => {
    const r = await runFcw(['wizard', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Esc goes back a step');
  });
});

describe('the built import graph', () => {
  type Output = { inputs: Record<string, unknown>; imports: { path: string; kind: string }[]; entryPoint?: string };
  const meta = JSON.parse(fs.readFileSync(META, 'utf8')) as { outputs: Record<string, Output> };
  const outputs = meta.outputs;
  const holdsInk = (o: Output | undefined) => Object.keys(o?.inputs ?? {}).some((i) => i.includes('node_modules/ink/'));
  /** Every output reached from `start` through static imports only. */
  function staticClosure(start: string): string[] {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length) {
      const out = outputs[queue.pop()!];
      for (const imp of out?.imports ?? []) {
        if (imp.kind === 'import-statement' && outputs[imp.path] && !seen.has(imp.path)) {
          seen.add(imp.path);
          queue.push(imp.path);
        }
      }
    }
    return [...seen];
  }
  const outputOf = (source: string) =>
    Object.entries(outputs).find(([, output]) => Object.keys(output.inputs).includes(source))?.[0];

  it('the wizard command reaches Ink only through its dynamic import of the UI', () => {
    const command = outputOf('src/commands/wizard.ts');
    const ui = outputOf('src/ui/run.tsx');
    expect(command).toBeDefined();
    expect(ui).toBeDefined();
    expect(staticClosure(command!).some((o) => holdsInk(outputs[o]))).toBe(false);
    expect(outputs[command!]?.imports).toContainEqual(expect.objectContaining({ path: ui, kind: 'dynamic-import' }));
    // …and the UI does hold it (so the check above means something).
    expect(staticClosure(ui!).some((o) => holdsInk(outputs[o]))).toBe(true);
  });
});
