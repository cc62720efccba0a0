// Enter on an empty required field says "required" instead of doing nothing, and service errors
// in the wizard name the step and field to change, not the command line's flags.
import { describe, expect, it } from 'vitest';
import { FcApiError, FcNetworkError } from '../../src/fc/errors.js';
import { InvalidFieldsError } from '../../src/core/errors.js';
import { toErrorView, wizardFieldMessage } from '../../src/wizard/errors.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, stateAt, type, waitForFrame } from './helpers.js';

describe('required', () => {
  it('Enter on an empty function name says it is required; typing clears it', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
      connection: fakeConnection(),
    });
    await waitForFrame(app, 'Function name:');
    const frame = await press(app, KEY.enter, '✗ Function name is required.');
    expect(frame).toContain('Function name:');
    await type(app, 'h');
    expect(app.lastFrame()).not.toContain('is required');
  });
});

describe('hints in the wizard', () => {
  it('name the step and field, not --endpoint or ALIBABA_CLOUD_ACCESS_KEY_ID', () => {
    const refused = toErrorView(
      new FcNetworkError('ListServices', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', true),
    );
    expect(refused.hint).toBe(
      'Nothing is listening at the endpoint (is the sandbox running?): change it at step 1 (Where to deploy) → Endpoint URL.',
    );
    const typed = toErrorView(new FcApiError('ListServices', 403, 'InvalidAccessKeyID', 'unknown key', 'req-1'), {
      credentialSource: 'typed for this session',
    });
    expect(typed.hint).toContain('The AccessKey id typed at step 1 (Where to deploy) is unknown to the service');
    expect(typed.hint).not.toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    const env = toErrorView(new FcApiError('ListServices', 403, 'InvalidAccessKeyID', 'unknown key', 'req-1'), {
      credentialSource: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)',
    });
    expect(env.hint).toContain('The AccessKey id from environment (ALIBABA_CLOUD_ACCESS_KEY_ID) is unknown');
    const missing = toErrorView(new FcApiError('CreateFunction', 404, 'ServiceNotFound', 'no service', 'req-2'));
    expect(missing.hint).toBe('No such service in this region and account: pick or create one at step 2 (Service).');
    // A hint with no wizard phrasing of its own has its flags translated.
    const other = toErrorView({
      code: 'DeployFailed',
      message: 'x',
      hint: 'Nothing is listening at the endpoint: check --endpoint (is the sandbox running?).',
    });
    expect(other.hint).toBe(
      'Nothing is listening at the endpoint: check the Endpoint URL at step 1 (Where to deploy) (is the sandbox running?).',
    );
  });

  it('a failed list shows the wizard hint on screen', async () => {
    const failList = new FcApiError('ListServices', 403, 'InvalidAccessKeyID', 'unknown key', 'req-7');
    const target = {
      kind: 'endpoint' as const,
      endpoint: 'http://127.0.0.1:9420',
      accountId: '1',
      credentialSource: 'typed for this session',
    };
    const app = renderApp(fakeServices(), {
      initial: stateAt('service', { target }),
      connection: fakeConnection({ failList }),
    });
    const frame = await waitForFrame(app, 'InvalidAccessKeyID');
    expect(frame.replace(/\s+/g, ' ')).toContain(
      'hint: The AccessKey id typed at step 1 (Where to deploy) is unknown to the service',
    );
  });
});

describe('field errors name the label on screen, not the API field', () => {
  it('a bad function name: "Function name: …", not "functionName: …"', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('function', { service: { name: 'demo', isNew: false } }),
      connection: fakeConnection(),
    });
    await waitForFrame(app, 'Function name:');
    await type(app, '9lives');
    const frame = await waitForFrame(app, '✗ Function name: must start with a letter or _');
    expect(frame).not.toContain('functionName');
  });

  it('a memory size off the rule: "Memory (MB): …", not "memorySize: …"', async () => {
    const app = renderApp(fakeServices(), { initial: stateAt('limits', { runtime: 'nodejs20' }) });
    await waitForFrame(app, '❯ 128 MB');
    await press(app, '1', 'Memory (MB): 1');
    await type(app, '00');
    const frame = await waitForFrame(app, '✗ Memory (MB):');
    expect(frame).not.toContain('memorySize');
  });

  it('one mapping: known fields get their label, unknown ones and other wordings stay as they are', () => {
    expect(wizardFieldMessage({ field: 'timeout', message: 'timeout: must be 1–600; got 0.' })).toBe(
      'Timeout (s): must be 1–600; got 0.',
    );
    expect(wizardFieldMessage({ field: 'caPort', message: 'caPort: is only for custom runtimes.' })).toBe(
      'Listening port: is only for custom runtimes.',
    );
    expect(wizardFieldMessage({ field: 'nope', message: 'nope: x' })).toBe('nope: x');
    expect(wizardFieldMessage({ field: 'handler', message: 'Handler names no file' })).toBe('Handler names no file');
  });

  it("an error listing refused fields shows each in the wizard's words", () => {
    const issue = { field: 'functionName', message: 'functionName: must be 1–64 characters; got 65.' };
    const view = toErrorView(new InvalidFieldsError(`Invalid field in the wizard:\nerror: ${issue.message}`, [issue]));
    expect(view.message).toBe('Invalid field in the wizard:\nerror: Function name: must be 1–64 characters; got 65.');
  });
});
