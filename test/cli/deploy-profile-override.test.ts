// `fcw deploy --profile NAME` with a field flag deploys the flag's value but does not save it: it
// says so, and that --save-profile NAME keeps it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFcw } from '../helpers/run-fcw.js';

let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-override-'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'index.js'), 'exports.handler = async () => "hi";\n');
  env = { FCW_CONFIG_DIR: path.join(root, 'config'), HOME: root };
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const memoryOf = async () =>
  JSON.parse((await runFcw(['profiles', 'show', 'web', '--json'], { env })).stdout).function.memorySize;

describe('a flag on top of a profile', () => {
  it('is deployed, not saved, and the note names --save-profile; with it, it is kept', async () => {
    const FLAGS = [
      '--target',
      'local',
      '--service',
      'svc',
      '--create-service',
      '--function',
      'f',
      '--runtime',
      'nodejs20',
      '--handler',
      'index.handler',
    ];
    const first = await runFcw(
      ['deploy', ...FLAGS, '--code', path.join(root, 'app'), '--memory', '256', '--save-profile', 'web', '--yes'],
      { env },
    );
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('note:');

    const once = await runFcw(['deploy', '--profile', 'web', '--memory', '512', '--timeout', '30', '--yes'], { env });
    expect(once.code).toBe(0);
    expect(once.stderr).toContain(
      'note: --memory, --timeout apply to this deploy only; profile "web" is not changed. Add --save-profile web to keep them.',
    );
    expect(await memoryOf()).toBe(256);

    const kept = await runFcw(['deploy', '--profile', 'web', '--memory', '512', '--save-profile', 'web', '--yes'], {
      env,
    });
    expect(kept.code).toBe(0);
    expect(kept.stderr).not.toContain('note:');
    expect(await memoryOf()).toBe(512);

    const plain = await runFcw(['deploy', '--profile', 'web', '--yes'], { env });
    expect(plain.stderr).not.toContain('note:');
  });
});
