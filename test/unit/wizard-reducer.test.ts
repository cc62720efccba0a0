// The wizard's reducer and step table, without rendering: every transition, Esc back with values
// kept, the validation gates, edit-from-review, the deploy states and loading a profile.
import { describe, expect, it } from 'vitest';
import { wizardReducer, type WizardAction, type ProfileValues } from '../../src/wizard/reducer.js';
import { initialState, type TargetValues, type WizardState } from '../../src/wizard/state.js';
import { firstMissingStep, nextStep, stepForField, validateWholeRequest } from '../../src/wizard/steps.js';
import { buildCreateRequest, deployCommand, EMPTY_ZIP_BASE64 } from '../../src/wizard/request.js';
import type { FunctionInfo } from '../../src/fc/types.js';

const TARGET: TargetValues = {
  kind: 'sandbox',
  endpoint: 'http://127.0.0.1:9000',
  accountId: '123456789012',
  credentialSource: 'sandbox key',
};

function reduce(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}

const toHandler: WizardAction[] = [
  { type: 'submit', step: 'target', values: { target: TARGET } },
  { type: 'submit', step: 'service', values: { service: { name: 'demo', isNew: false } } },
  { type: 'submit', step: 'function', values: { functionName: 'hello' } },
  { type: 'submit', step: 'runtime', values: { runtime: 'nodejs20' } },
  { type: 'submit', step: 'code', values: { code: { kind: 'folder', path: './app' } } },
];
const toReview: WizardAction[] = [
  ...toHandler,
  { type: 'submit', step: 'handler', values: { handler: 'index.handler' } },
  {
    type: 'submit',
    step: 'limits',
    values: { memorySize: 256, timeout: 30, initializer: '', initializationTimeout: 3 },
  },
  {
    type: 'submit',
    step: 'more',
    values: { description: 'hi', environmentVariables: { A: '1' }, layers: [], caPort: 9000 },
  },
];

describe('forward through the steps', () => {
  it('starts on the target with the documented defaults', () => {
    const s = initialState();
    expect(s.step).toBe('target');
    expect([s.memorySize, s.timeout, s.initializationTimeout]).toEqual([128, 60, 3]);
  });

  it('each valid submit moves to the next step and records the history', () => {
    let s = initialState();
    const seen: string[] = [s.step];
    for (const a of toReview) {
      s = wizardReducer(s, a);
      seen.push(s.step);
    }
    expect(seen).toEqual(['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more', 'review']);
    expect(s.history).toEqual(['target', 'service', 'function', 'runtime', 'code', 'handler', 'limits', 'more']);
    expect(s.memorySize).toBe(256);
    expect(s.description).toBe('hi');
    // caPort only applies to custom runtimes: dropped for nodejs20.
    expect(s.caPort).toBeUndefined();
  });

  it('ignores a submit for a step that is not on screen', () => {
    const s = initialState();
    expect(wizardReducer(s, { type: 'submit', step: 'runtime', values: { runtime: 'nodejs20' } })).toBe(s);
  });

  it('nextStep follows the table and stops at the summary', () => {
    expect(nextStep('more')).toBe('review');
    expect(nextStep('review')).toBe('deploy');
    expect(nextStep('summary')).toBe('summary');
  });
});

describe('validation gates', () => {
  const at = (n: number) => reduce(initialState(), ...toReview.slice(0, n));

  it.each([
    ['target', 0, { type: 'submit', step: 'target', values: { target: { ...TARGET, accountId: 'abc' } } }, 'accountId'],
    [
      'target endpoint',
      0,
      { type: 'submit', step: 'target', values: { target: { ...TARGET, endpoint: 'not a url' } } },
      'endpoint',
    ],
    [
      'cloud without region',
      0,
      {
        type: 'submit',
        step: 'target',
        values: { target: { ...TARGET, kind: 'cloud', endpoint: 'https://1.cn-hangzhou.fc.aliyuncs.com' } },
      },
      'region',
    ],
    [
      'service name',
      1,
      { type: 'submit', step: 'service', values: { service: { name: '1bad', isNew: false } } },
      'serviceName',
    ],
    ['function name', 2, { type: 'submit', step: 'function', values: { functionName: 'has space' } }, 'functionName'],
    ['unknown runtime', 3, { type: 'submit', step: 'runtime', values: { runtime: 'cobol' } }, 'runtime'],
    ['deprecated runtime on create', 3, { type: 'submit', step: 'runtime', values: { runtime: 'nodejs8' } }, 'runtime'],
    [
      'image for a zip runtime',
      4,
      { type: 'submit', step: 'code', values: { code: { kind: 'image', image: 'x' } } },
      'code',
    ],
    ['empty folder path', 4, { type: 'submit', step: 'code', values: { code: { kind: 'folder', path: ' ' } } }, 'code'],
    [
      'oss without object',
      4,
      { type: 'submit', step: 'code', values: { code: { kind: 'oss', bucket: 'b', object: '' } } },
      'ossObjectName',
    ],
    ['handler format', 5, { type: 'submit', step: 'handler', values: { handler: 'nodot' } }, 'handler'],
    [
      'memory not a multiple of 64',
      6,
      {
        type: 'submit',
        step: 'limits',
        values: { memorySize: 100, timeout: 60, initializer: '', initializationTimeout: 3 },
      },
      'memorySize',
    ],
    [
      'timeout above 600',
      6,
      {
        type: 'submit',
        step: 'limits',
        values: { memorySize: 128, timeout: 601, initializer: '', initializationTimeout: 3 },
      },
      'timeout',
    ],
    [
      'initializer format',
      6,
      {
        type: 'submit',
        step: 'limits',
        values: { memorySize: 128, timeout: 60, initializer: 'bad', initializationTimeout: 3 },
      },
      'initializer',
    ],
    [
      'init timeout above 300',
      6,
      {
        type: 'submit',
        step: 'limits',
        values: { memorySize: 128, timeout: 60, initializer: 'index.init', initializationTimeout: 301 },
      },
      'initializationTimeout',
    ],
    [
      'reserved env prefix',
      7,
      { type: 'submit', step: 'more', values: { description: '', environmentVariables: { FC_X: '1' }, layers: [] } },
      'environmentVariables',
    ],
    [
      'six layers',
      7,
      {
        type: 'submit',
        step: 'more',
        values: {
          description: '',
          environmentVariables: {},
          layers: ['a#b#1', 'a#b#2', 'a#b#3', 'a#b#4', 'a#b#5', 'a#b#6'],
        },
      },
      'layers',
    ],
  ] as [string, number, WizardAction, string][])('%s keeps the step and shows the issue', (_name, n, action, field) => {
    const before = at(n);
    const after = wizardReducer(before, action);
    expect(after.step).toBe(before.step);
    expect(after.issues.length).toBeGreaterThan(0);
    expect(after.issues.map((i) => i.field).join(' ')).toContain(field);
    expect(after.issues.every((i) => i.severity === 'error')).toBe(true);
  });

  it('a valid submit after a refused one clears the issues', () => {
    const refused = wizardReducer(at(2), { type: 'submit', step: 'function', values: { functionName: '-x' } });
    const ok = wizardReducer(refused, { type: 'submit', step: 'function', values: { functionName: 'ok' } });
    expect(ok.issues).toEqual([]);
    expect(ok.step).toBe('runtime');
  });

  it('a deprecated runtime is fine when updating an existing function', () => {
    const existing = {
      functionName: 'old',
      runtime: 'nodejs8',
      handler: 'index.handler',
      functionId: 'f',
      createdTime: '',
      lastModifiedTime: '',
    } as FunctionInfo;
    const s = reduce(at(2), { type: 'submit', step: 'function', values: { functionName: 'old', existing } });
    expect(s.mode).toBe('update');
    expect(wizardReducer(s, { type: 'submit', step: 'runtime', values: { runtime: 'nodejs8' } }).step).toBe('code');
  });

  it('caPort is checked and kept for custom runtimes', () => {
    let s = reduce(at(3), { type: 'submit', step: 'runtime', values: { runtime: 'custom.debian10' } });
    s = reduce(
      s,
      { type: 'submit', step: 'code', values: { code: { kind: 'folder', path: '.' } } },
      { type: 'submit', step: 'handler', values: { handler: 'anything' } },
    );
    s = wizardReducer(s, {
      type: 'submit',
      step: 'limits',
      values: { memorySize: 128, timeout: 60, initializer: '', initializationTimeout: 3 },
    });
    const bad = wizardReducer(s, {
      type: 'submit',
      step: 'more',
      values: { description: '', environmentVariables: {}, layers: [], caPort: 70000 },
    });
    expect(bad.issues[0]?.field).toBe('caPort');
    const good = wizardReducer(s, {
      type: 'submit',
      step: 'more',
      values: { description: '', environmentVariables: {}, layers: [], caPort: 8080 },
    });
    expect(good.step).toBe('review');
    expect(buildCreateRequest(good).caPort).toBe(8080);
  });
});

describe('Esc: back one step with values kept', () => {
  it('walks back through the history and keeps every value', () => {
    const review = reduce(initialState(), ...toReview);
    const more = wizardReducer(review, { type: 'back' });
    expect(more.step).toBe('more');
    expect(more.description).toBe('hi');
    const limits = wizardReducer(more, { type: 'back' });
    expect(limits.step).toBe('limits');
    expect(limits.memorySize).toBe(256);
    let s = limits;
    for (let i = 0; i < 10; i++) s = wizardReducer(s, { type: 'back' });
    expect(s.step).toBe('target');
    expect(s.target).toEqual(TARGET);
    expect(s.functionName).toBe('hello');
    expect(wizardReducer(s, { type: 'back' })).toBe(s);
  });

  it('back clears a refused submit’s issues', () => {
    const s = reduce(initialState(), ...toReview.slice(0, 2), {
      type: 'submit',
      step: 'function',
      values: { functionName: '' },
    });
    expect(s.issues.length).toBeGreaterThan(0);
    expect(wizardReducer(s, { type: 'back' }).issues).toEqual([]);
  });

  it('does nothing while the deploy runs, or on the summary', () => {
    const deploying = reduce(initialState(), ...toReview, { type: 'deploy-start' });
    expect(deploying.step).toBe('deploy');
    expect(wizardReducer(deploying, { type: 'back' })).toBe(deploying);
    const done = wizardReducer(deploying, { type: 'deploy-succeeded', outcome: outcome() });
    expect(wizardReducer(done, { type: 'back' })).toBe(done);
  });
});

describe('changing an earlier answer', () => {
  it('a new runtime with another handler format clears the handler and initializer, keeps the rest', () => {
    const review = reduce(initialState(), ...toReview);
    let s = reduce(review, { type: 'edit', step: 'runtime' });
    expect(s.step).toBe('runtime');
    s = wizardReducer(s, { type: 'submit', step: 'runtime', values: { runtime: 'java11' } });
    expect(s.handler).toBeUndefined();
    expect(s.code).toEqual({ kind: 'folder', path: './app' });
    // The request is not complete without a handler: the wizard goes on to the next step, not to review.
    expect(s.step).toBe('code');
  });

  it('a runtime with the same handler format keeps the handler and returns to the review', () => {
    let s = reduce(initialState(), ...toReview, { type: 'edit', step: 'runtime' });
    s = wizardReducer(s, { type: 'submit', step: 'runtime', values: { runtime: 'python3.10' } });
    expect(s.handler).toBe('index.handler');
    expect(s.step).toBe('review');
    expect(s.returnTo).toBeUndefined();
  });

  it('switching to custom-container drops the zip code', () => {
    let s = reduce(initialState(), ...toReview, { type: 'edit', step: 'runtime' });
    s = wizardReducer(s, { type: 'submit', step: 'runtime', values: { runtime: 'custom-container' } });
    expect(s.code).toBeUndefined();
    expect(s.step).toBe('code');
    expect(firstMissingStep(s)).toBe('code');
  });

  it('another target forgets the service and function picked on the old one', () => {
    let s = reduce(initialState(), ...toReview, { type: 'edit', step: 'target' });
    s = wizardReducer(s, {
      type: 'submit',
      step: 'target',
      values: { target: { ...TARGET, endpoint: 'http://127.0.0.1:9999' } },
    });
    expect(s.service).toBeUndefined();
    expect(s.step).toBe('service');
  });

  it('another service (the fix for ServiceNotFound) asks for the function again, offering the name typed before', () => {
    let s = reduce(initialState(), ...toReview, { type: 'edit', step: 'service' });
    s = wizardReducer(s, { type: 'submit', step: 'service', values: { service: { name: 'fresh', isNew: true } } });
    expect(s.step).toBe('function');
    expect(s.functionName).toBeUndefined();
    expect(s.draftFunctionName).toBe('hello');
    s = wizardReducer(s, { type: 'submit', step: 'function', values: { functionName: 'hello' } });
    expect(s.step).toBe('review');
    expect(s.memorySize).toBe(256);
  });

  it('an existing function brings its deployed settings', () => {
    const existing: FunctionInfo = {
      functionId: 'id',
      functionName: 'hello',
      runtime: 'python3.10',
      handler: 'main.handler',
      memorySize: 512,
      timeout: 120,
      environmentVariables: { K: 'v' },
      createdTime: '',
      lastModifiedTime: '',
    };
    const s = reduce(initialState(), ...toReview.slice(0, 2), {
      type: 'submit',
      step: 'function',
      values: { functionName: 'hello', existing },
    });
    expect(s).toMatchObject({
      mode: 'update',
      runtime: 'python3.10',
      handler: 'main.handler',
      memorySize: 512,
      timeout: 120,
      environmentVariables: { K: 'v' },
    });
  });
});

function outcome() {
  return {
    status: 'created' as const,
    fn: {
      functionId: 'f1',
      functionName: 'hello',
      runtime: 'nodejs20',
      handler: 'index.handler',
      createdTime: '',
      lastModifiedTime: '',
    },
    checksumMatch: true,
    timings: [],
    requestIds: [],
  };
}

describe('review, deploy and summary', () => {
  it('deploy-start is gated by the whole request', () => {
    const review = reduce(initialState(), ...toReview);
    expect(validateWholeRequest(review)).toEqual([]);
    const broken = { ...review, handler: undefined };
    const s = wizardReducer(broken, { type: 'deploy-start' });
    expect(s.step).toBe('review');
    expect(s.issues[0]?.field).toBe('handler');
  });

  it('runs, records progress per phase, fails, and edits a step from the failure', () => {
    let s = reduce(initialState(), ...toReview, { type: 'deploy-start' });
    expect(s.deploy.status).toBe('running');
    s = reduce(
      s,
      { type: 'deploy-progress', progress: { phase: 'package', files: 1, bytes: 10 } },
      { type: 'deploy-progress', progress: { phase: 'package', files: 3, bytes: 30, done: true } },
    );
    expect(s.deploy.status === 'running' && s.deploy.progress).toEqual([
      { phase: 'package', files: 3, bytes: 30, done: true },
    ]);
    s = wizardReducer(s, {
      type: 'deploy-failed',
      error: { code: 'InvalidArgument', message: 'memorySize bad', fixStep: 'limits' },
    });
    expect(s.deploy.status).toBe('failed');
    expect(s.step).toBe('deploy');
    const fix = wizardReducer(s, { type: 'edit', step: 'limits' });
    expect(fix.step).toBe('limits');
    expect(fix.deploy.status).toBe('idle');
    const back = wizardReducer(fix, {
      type: 'submit',
      step: 'limits',
      values: { memorySize: 512, timeout: 30, initializer: '', initializationTimeout: 3 },
    });
    expect(back.step).toBe('review');
    expect(back.memorySize).toBe(512);
    // Retrying from the failure screen starts a new run.
    const retry = wizardReducer(s, { type: 'deploy-start' });
    expect(retry.deploy.status).toBe('running');
    // Back from the failure goes to the review.
    expect(wizardReducer(s, { type: 'back' }).step).toBe('review');
  });

  it('succeeds into the summary and records a saved profile', () => {
    let s = reduce(
      initialState(),
      ...toReview,
      { type: 'deploy-start' },
      { type: 'deploy-succeeded', outcome: outcome() },
    );
    expect(s.step).toBe('summary');
    s = wizardReducer(s, { type: 'profile-saved', name: 'web' });
    expect(s.savedProfile).toBe('web');
  });

  it('ignores deploy events when no deploy runs', () => {
    const review = reduce(initialState(), ...toReview);
    expect(wizardReducer(review, { type: 'deploy-succeeded', outcome: outcome() })).toBe(review);
    expect(wizardReducer(review, { type: 'deploy-failed', error: { code: 'x', message: 'y' } })).toBe(review);
  });
});

describe('redeploy a saved profile', () => {
  const profile: ProfileValues = {
    name: 'web',
    target: TARGET,
    service: 'demo',
    functionName: 'hello',
    runtime: 'nodejs20',
    handler: 'index.handler',
    code: { kind: 'folder', path: '/abs/app' },
    memorySize: 512,
  };
  it('fills every field and opens the review', () => {
    const s = wizardReducer(initialState(), { type: 'load-profile', profile });
    expect(s.step).toBe('review');
    expect(s.fromProfile).toBe('web');
    expect(s.memorySize).toBe(512);
    expect(wizardReducer(s, { type: 'back' }).step).toBe('target');
  });
  it('a profile missing its handler opens the handler step', () => {
    const s = wizardReducer(initialState(), { type: 'load-profile', profile: { ...profile, handler: '' } });
    expect(s.step).toBe('handler');
  });
});

describe('request and command', () => {
  it('builds the CreateFunction body and validates with a placeholder zip', () => {
    const s = reduce(initialState(), ...toReview);
    expect(buildCreateRequest(s, { zipFile: EMPTY_ZIP_BASE64 })).toEqual({
      functionName: 'hello',
      runtime: 'nodejs20',
      handler: 'index.handler',
      memorySize: 256,
      timeout: 30,
      description: 'hi',
      environmentVariables: { A: '1' },
      code: { zipFile: EMPTY_ZIP_BASE64 },
    });
  });
  it('the equivalent fcw deploy command, and placeholders when nothing is chosen', () => {
    const s = reduce(initialState(), ...toReview);
    expect(deployCommand(s)).toBe(
      'fcw deploy --target local --service demo --function hello --runtime nodejs20 --handler index.handler --code ./app --memory 256 --timeout 30 --description hi --env A=1',
    );
    expect(deployCommand({})).toBe(
      'fcw deploy --service SERVICE --function FUNCTION --runtime RUNTIME --handler HANDLER --code DIR',
    );
    expect(deployCommand({ ...s, description: "it's" })).toContain(`--description 'it'\\''s'`);
  });
  it('maps request fields to the step that fixes them', () => {
    expect(stepForField('memorySize')).toBe('limits');
    expect(stepForField('zipFile')).toBe('code');
    expect(stepForField('caPort')).toBe('more');
    expect(stepForField('nope')).toBeUndefined();
  });
});
