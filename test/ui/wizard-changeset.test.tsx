// Review as a changeset: for a function that exists, what Deploy would do (create / update /
// unchanged) and the field-by-field diff against what is deployed, the code by checksum, the way
// `fcw deploy` shows it; "unchanged" offers to exit without writing.
import { describe, expect, it } from 'vitest';
import type { FunctionInfo } from '../../src/fc/types.js';
import { BUILT, fakeConnection, fakeServices, KEY, press, renderApp, stateAt, waitForFrame } from './helpers.js';

const deployed: FunctionInfo = {
  functionId: 'fid-1',
  functionName: 'hello',
  runtime: 'nodejs20',
  handler: 'index.handler',
  memorySize: 128,
  timeout: 60,
  codeChecksum: BUILT.facts.checksum,
  createdTime: 't0',
  lastModifiedTime: 't1',
};

const history = ['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more'] as const;
// A profile redeploy: the wizard did not look the function up, it starts in create mode.
const fromProfile = stateAt('review', {
  service: { name: 'demo', isNew: false },
  functionName: 'hello',
  runtime: 'nodejs20',
  code: { kind: 'folder', path: './app' },
  handler: 'index.handler',
  fromProfile: 'web',
  history: [...history],
});

describe('review against the deployed function', () => {
  it('an existing function: the action is update, with each changed field and the code by checksum', async () => {
    const connection = fakeConnection({
      functions: { 'demo/hello': { ...deployed, memorySize: 256, codeChecksum: '999' } },
    });
    const app = renderApp(fakeServices(), { initial: fromProfile, connection });
    const frame = await waitForFrame(app, 'against the deployed function');
    expect(frame).toContain('hello (update)');
    expect(frame).not.toContain('hello (create)');
    expect(frame).toContain('memorySize: 256 → 128');
    expect(frame).toContain(`code changed (checksum 999 → ${BUILT.facts.checksum})`);
    expect(frame).toContain('❯ Deploy (update the function)');
  });

  it('nothing differs: unchanged, and Exit (the first choice) leaves without writing, exit 0', async () => {
    const log = { calls: [] as string[] };
    const connection = fakeConnection({ functions: { 'demo/hello': deployed } }, log);
    const services = fakeServices({}, log);
    const app = renderApp(services, { initial: fromProfile, connection });
    const frame = await waitForFrame(app, 'none: the deployed function already equals this request');
    expect(frame).toContain('hello (unchanged)');
    expect(frame).toMatch(/❯ Exit\s+nothing to deploy, nothing is written \(exit 0\)/);
    await app.stdin.write(KEY.enter);
    await waitForFrame(app, () => app.exits.length > 0);
    expect(app.exits).toEqual([0]);
    expect(log.calls.filter((c) => c.startsWith('deploy'))).toEqual([]);
  });

  it('a function that is not deployed (deleted since, or a new name) is a create', async () => {
    const app = renderApp(fakeServices(), { initial: fromProfile, connection: fakeConnection() });
    const frame = await waitForFrame(app, 'hello (create)');
    expect(frame).not.toContain('against the deployed function');
    await press(app, KEY.down, /❯ Edit a step/);
  });
});
