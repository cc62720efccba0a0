// The wizard's other pure pieces: the service filter and its window, error views and the step that
// fixes them, the sample handlers, and the profile a wizard run saves (no secret in it).
import { describe, expect, it } from 'vitest';
import { filterNames, visibleWindow } from '../../src/wizard/filter.js';
import { fixStepOf, shownCode, toErrorView } from '../../src/wizard/errors.js';
import { defaultSampleDir, sampleFiles, sampleUnavailableReason } from '../../src/wizard/samples.js';
import { profileValues, toDeploySpec, toProfile } from '../../src/wizard/profile.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { FcApiError, FcNetworkError } from '../../src/fc/errors.js';
import { InvalidFieldsError, UsageError } from '../../src/core/errors.js';
import { DeployFailedError } from '../../src/deploy/errors.js';
import { getRuntime } from '../../src/fc/rules.js';

describe('filterNames', () => {
  const names = ['web-api', 'api', 'jobs', 'API-gateway', 'legacy-web'];
  it('puts names starting with the query first, then names containing it, case-insensitively', () => {
    expect(filterNames(names, 'api', (n) => n)).toEqual(['api', 'API-gateway', 'web-api']);
    expect(filterNames(names, 'WEB', (n) => n)).toEqual(['web-api', 'legacy-web']);
  });
  it('an empty or blank query keeps the whole list in order; no match gives none', () => {
    expect(filterNames(names, '  ', (n) => n)).toEqual(names);
    expect(filterNames(names, 'zzz', (n) => n)).toEqual([]);
  });
  it('filters 2,000 names: prefix matches first, in list order', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `svc-${i}`);
    const found = filterNames(many, 'svc-19', (n) => n);
    expect(found).toHaveLength(111);
    expect(found.slice(0, 3)).toEqual(['svc-19', 'svc-190', 'svc-191']);
    expect(filterNames(many, '-1999', (n) => n)).toEqual(['svc-1999']);
  });
});

describe('visibleWindow', () => {
  it('shows everything when it fits, else keeps the highlighted row inside', () => {
    expect(visibleWindow(5, 4, 8)).toEqual({ start: 0, end: 5 });
    expect(visibleWindow(100, 0, 8)).toEqual({ start: 0, end: 8 });
    expect(visibleWindow(100, 50, 8)).toEqual({ start: 46, end: 54 });
    expect(visibleWindow(100, 99, 8)).toEqual({ start: 92, end: 100 });
  });
});

describe('error views', () => {
  it('a service error keeps code, message, request id, status and hint, and names the step', () => {
    const view = toErrorView(
      new FcApiError('CreateFunction', 400, 'InvalidArgument', 'timeout must be between 1 and 600', 'req-1'),
    );
    expect(view).toEqual({
      code: 'InvalidArgument',
      message: 'timeout must be between 1 and 600',
      requestId: 'req-1',
      status: 400,
      hint: expect.stringContaining('field'),
      fixStep: 'limits',
    });
  });
  it.each([
    [new FcApiError('x', 403, 'SignatureNotMatch', 'bad', 'r'), 'target'],
    [new FcApiError('x', 404, 'ServiceNotFound', 'no', 'r'), 'service'],
    [new FcApiError('x', 409, 'FunctionAlreadyExists', 'exists', 'r'), 'function'],
    [new FcApiError('x', 400, 'EntityTooLarge', 'big', 'r'), 'code'],
    [new FcApiError('x', 400, 'InvalidArgument', 'handler index is invalid', 'r'), 'handler'],
    [Object.assign(new Error('bad'), { issues: [{ field: 'customContainerConfig.image' }] }), 'code'],
    [new Error('something odd'), undefined],
  ])('%s → %s', (error, step) => {
    expect(fixStepOf(error)).toBe(step);
  });
  it('the step comes from the fields and the code an error carries, never from its wording', () => {
    expect(fixStepOf(new UsageError('memorySize and timeout look odd'))).toBeUndefined();
    expect(fixStepOf(new Error('the handler is wrong'))).toBeUndefined();
    const invalid = new InvalidFieldsError('Invalid field', [
      { field: 'memorySize', message: 'must be a multiple of 64' },
    ]);
    expect(fixStepOf(invalid)).toBe('limits');
    expect(
      fixStepOf(new DeployFailedError({ message: 'x', code: 'InvalidArgument', field: 'timeout', exitCode: 1 })),
    ).toBe('limits');
    expect(fixStepOf(new DeployFailedError({ message: 'x', code: 'ServiceNotFound', exitCode: 1 }))).toBe('service');
  });
  it('a failed deploy keeps its code, status, request id and hint to the screen', () => {
    const failure = {
      message: 'CreateFunction failed',
      code: 'AccessDenied',
      status: 403,
      requestId: 'r-9',
      hint: 'h',
      exitCode: 1,
    };
    expect(toErrorView(new DeployFailedError(failure))).toEqual({
      code: 'AccessDenied',
      message: 'CreateFunction failed',
      status: 403,
      requestId: 'r-9',
      hint: 'h',
      fixStep: 'target',
    });
  });
  it('network and usage errors get a code a person can read', () => {
    expect(toErrorView(new FcNetworkError('ListServices', 'ECONNREFUSED', 'connect failed', true)).code).toBe(
      'ECONNREFUSED',
    );
    expect(toErrorView(new UsageError('folder x does not exist', 'check the path'))).toMatchObject({
      code: 'UsageError',
      hint: 'check the path',
    });
    expect(toErrorView('plain')).toMatchObject({ code: 'Error', message: 'plain' });
  });
});

describe('samples', () => {
  it('match the runtime default handler', () => {
    for (const runtime of ['nodejs20', 'python3.10', 'php7.2']) {
      const files = sampleFiles(runtime)!;
      const handler = getRuntime(runtime)!.defaultHandler; // index.handler
      expect(files.map((f) => f.path)).toEqual([
        `index.${runtime.startsWith('nodejs') ? 'js' : runtime.startsWith('python') ? 'py' : 'php'}`,
      ]);
      expect(files[0]?.content).toContain(handler.split('.')[1]);
    }
  });
  it('custom runtimes get an executable bootstrap that serves on the caPort', () => {
    const files = sampleFiles('custom.debian10')!;
    expect(files.find((f) => f.path === 'bootstrap')?.mode).toBe(0o755);
    expect(files.find((f) => f.path === 'server.py')?.content).toContain('0.0.0.0');
  });
  it('compiled runtimes and images get none, with the reason', () => {
    expect(sampleFiles('java11')).toBeUndefined();
    expect(sampleUnavailableReason('java11')).toContain('built first');
    expect(sampleFiles('custom-container')).toBeUndefined();
    expect(sampleUnavailableReason('custom-container')).toContain('image');
    expect(defaultSampleDir('python3.10')).toBe('fcw-sample-python3-10');
  });
});

describe('the profile a wizard run saves', () => {
  const state: WizardState = {
    ...initialState(),
    step: 'summary',
    target: {
      kind: 'cloud',
      endpoint: 'https://1.cn-hangzhou.fc.aliyuncs.com',
      accountId: '1',
      region: 'cn-hangzhou',
      credentialSource: 'environment',
      credentialRef: { kind: 'env' },
    },
    service: { name: 'demo', isNew: true },
    functionName: 'hello',
    runtime: 'nodejs20',
    handler: 'index.handler',
    code: { kind: 'folder', path: 'app' },
    memorySize: 256,
    environmentVariables: { MODE: 'prod' },
  };
  it('holds the target, the credential source (not a key), absolute code paths and the function', () => {
    const profile = toProfile(state, 'web', (p) => `/abs/${p}`);
    expect(profile).toEqual({
      name: 'web',
      target: { kind: 'cloud', accountId: '1', region: 'cn-hangzhou', credentialSource: { kind: 'env' } },
      service: { name: 'demo', create: true },
      function: {
        functionName: 'hello',
        runtime: 'nodejs20',
        handler: 'index.handler',
        memorySize: 256,
        timeout: 60,
        environmentVariables: { MODE: 'prod' },
      },
      code: { kind: 'folder', path: '/abs/app' },
    });
  });
  it('the deploy spec is the service, function and code alone: no profile name, target or last deploy', () => {
    expect(toDeploySpec(state, (p) => `/abs/${p}`)).toEqual({
      service: { name: 'demo', create: true },
      function: {
        functionName: 'hello',
        runtime: 'nodejs20',
        handler: 'index.handler',
        memorySize: 256,
        timeout: 60,
        environmentVariables: { MODE: 'prod' },
      },
      code: { kind: 'folder', path: '/abs/app' },
    });
    // The spec does not need a target: connecting is the services' job.
    expect(toDeploySpec({ ...state, target: undefined }, (p) => p).function.functionName).toBe('hello');
    const { name, target, ...rest } = toProfile(state, 'web', (p) => `/abs/${p}`);
    expect([name, target.kind]).toEqual(['web', 'cloud']);
    expect(rest).toEqual(toDeploySpec(state, (p) => `/abs/${p}`));
  });
  it('saved at the summary, it carries the deploy just made as its last deploy', () => {
    const lastDeploy = {
      time: '2026-11-28T18:00:00.000Z',
      status: 'created' as const,
      functionId: 'fid-1',
      codeChecksum: '123',
      etag: 'e1',
      requestIds: ['r1'],
    };
    const fn = {
      functionId: 'fid-1',
      functionName: 'hello',
      runtime: 'nodejs20',
      handler: 'index.handler',
      createdTime: '',
      lastModifiedTime: '',
    };
    const deployed: WizardState = {
      ...state,
      deploy: {
        status: 'done',
        outcome: { status: 'created', fn, checksumMatch: true, timings: [], requestIds: ['r1'], lastDeploy },
      },
    };
    expect(toProfile(deployed, 'web', (p) => p).lastDeploy).toEqual(lastDeploy);
    expect(toProfile(state, 'web', (p) => p).lastDeploy).toBeUndefined();
  });
  it('a profile whose service the wizard created keeps creating it when missing, when redeployed from the wizard', async () => {
    const { wizardReducer } = await import('../../src/wizard/reducer.js');
    const saved = toProfile(state, 'web', (p) => `/abs/${p}`);
    expect(saved.service).toEqual({ name: 'demo', create: true });
    const loaded = wizardReducer(initialState(), {
      type: 'load-profile',
      profile: profileValues(saved, state.target!),
    });
    expect(loaded.step).toBe('review');
    expect(toProfile(loaded, 'web', (p) => p).service).toEqual({ name: 'demo', create: true });
    // A profile without create stays without it.
    const plain = wizardReducer(initialState(), {
      type: 'load-profile',
      profile: profileValues({ ...saved, service: { name: 'demo' } }, state.target!),
    });
    expect(toProfile(plain, 'web', (p) => p).service).toEqual({ name: 'demo' });
  });
  it('a sandbox target is stored as local (its port changes every run)', () => {
    const sandbox = {
      ...state,
      target: {
        kind: 'sandbox' as const,
        endpoint: 'http://127.0.0.1:4000',
        accountId: '9',
        credentialSource: 'sandbox key',
      },
    };
    expect(toProfile(sandbox, 'x', (p) => p).target).toEqual({ kind: 'local' });
  });
  it('reads back into the wizard fields', () => {
    const profile = toProfile(state, 'web', (p) => `/abs/${p}`);
    expect(profileValues(profile, state.target!)).toMatchObject({
      name: 'web',
      service: 'demo',
      functionName: 'hello',
      memorySize: 256,
      code: { kind: 'folder', path: '/abs/app' },
    });
  });
});

describe('runtime marks', () => {
  it('come from the rules table status: every deprecated-no-update runtime says no updates, no-create says updates only', async () => {
    const { RUNTIMES } = await import('../../src/fc/rules.js');
    const { runtimeMark } = await import('../../src/ui/steps/RuntimeStep.js');
    for (const r of RUNTIMES) {
      const mark = runtimeMark(r);
      if (r.status === 'deprecated-no-update') expect(mark, r.id).toBe('deprecated: no create/update');
      else if (r.status === 'deprecated-no-create') expect(mark, r.id).toBe('deprecated: update only');
      else if (r.status === 'preview') expect(mark, r.id).toBe('preview');
      else expect(mark, r.id).toBe('');
    }
    expect(RUNTIMES.filter((r) => r.status === 'deprecated-no-update').map((r) => r.id)).toEqual(
      expect.arrayContaining(['nodejs6', 'nodejs4.4']),
    );
  });
});

describe('shownCode', () => {
  it("a service's or the system's code is shown; the name of fcw's own error class is not", () => {
    expect(shownCode({ code: 'UsageError', message: 'm' })).toBeUndefined();
    expect(shownCode({ code: 'Error', message: 'm' })).toBeUndefined();
    expect(shownCode({ code: 'ECONNREFUSED', message: 'm' })).toBe('ECONNREFUSED');
    expect(shownCode({ code: 'InvalidArgument', message: 'm', status: 400 })).toBe('InvalidArgument');
    expect(shownCode({ code: 'UnhandledInvocationError', message: 'm', requestId: 'r' })).toBe(
      'UnhandledInvocationError',
    );
  });
});
