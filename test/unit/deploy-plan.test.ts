import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import { buildSpec, codeSourceFromPath } from '../../src/commands/deploy-spec.js';
import {
  checkCreatable,
  diffConfig,
  formatDiff,
  planDeploy,
  updateOnlyRuntimeWarning,
  validateSpec,
  type DeploySpec,
} from '../../src/deploy/plan.js';
import type { FunctionInfo } from '../../src/fc/types.js';
import type { Profile } from '../../src/profiles/schema.js';

const profile: Profile = {
  name: 'web',
  target: { kind: 'local' },
  service: { name: 'svc', create: true },
  function: {
    functionName: 'hello',
    runtime: 'nodejs18',
    handler: 'index.handler',
    memorySize: 256,
    timeout: 30,
    environmentVariables: { A: '1', B: '2' },
  },
  code: { kind: 'folder', path: '/work/app' },
};

function deployed(overrides: Partial<FunctionInfo> = {}): FunctionInfo {
  return {
    functionId: 'id-1',
    functionName: 'hello',
    runtime: 'nodejs18',
    handler: 'index.handler',
    memorySize: 256,
    timeout: 30,
    environmentVariables: { B: '2', A: '1' },
    codeChecksum: '111',
    codeSize: 10,
    createdTime: '2026-01-01T00:00:00Z',
    lastModifiedTime: '2026-01-01T00:00:00Z',
    instanceType: 'e1',
    initializationTimeout: 3,
    ...overrides,
  };
}

describe('buildSpec', () => {
  it('takes the profile and lets flags override fields; env merges by key', () => {
    const spec = buildSpec(
      profile,
      { memorySize: 512, environmentVariables: { B: 'two', C: '3' }, handler: 'main.handler' },
      '/cwd',
    );
    expect(spec.function).toMatchObject({
      functionName: 'hello',
      memorySize: 512,
      timeout: 30,
      handler: 'main.handler',
      environmentVariables: { A: '1', B: 'two', C: '3' },
    });
    expect(spec.service).toEqual({ name: 'svc', create: true });
    expect(spec.code).toEqual({ kind: 'folder', path: '/work/app' });
    // The profile itself is not modified.
    expect(profile.function.memorySize).toBe(256);
    expect(profile.function.environmentVariables).toEqual({ A: '1', B: '2' });
  });

  it('builds from flags alone and resolves --code against cwd, zip by extension', () => {
    const spec = buildSpec(
      undefined,
      { service: 's', functionName: 'f', runtime: 'python3', handler: 'index.handler', code: 'dist/app.ZIP' },
      '/home/me',
    );
    expect(spec.code).toEqual({ kind: 'zip', path: '/home/me/dist/app.ZIP' });
    expect(codeSourceFromPath('src', '/x')).toEqual({ kind: 'folder', path: '/x/src' });
    expect(codeSourceFromPath('/abs/a.jar', '/x')).toEqual({ kind: 'zip', path: '/abs/a.jar' });
  });

  it('names every missing required flag', () => {
    expect(() => buildSpec(undefined, { service: 's' }, '/')).toThrow(
      /Missing --function, --runtime, --handler, --code/,
    );
  });

  it('refuses two code sources, and OSS without both halves', () => {
    expect(() => buildSpec(profile, { code: 'x', ossBucket: 'b', ossObject: 'o' }, '/')).toThrow(/one code source/);
    expect(() => buildSpec(profile, { ossBucket: 'b' }, '/')).toThrow(/both --oss-bucket and --oss-object/);
    expect(buildSpec(profile, { ossBucket: 'my-bucket', ossObject: 'code.zip' }, '/').code).toEqual({
      kind: 'oss',
      bucket: 'my-bucket',
      object: 'code.zip',
    });
  });

  it('an image makes the code source the image and sets customContainerConfig', () => {
    const spec = buildSpec(
      profile,
      { runtime: 'custom-container', image: 'registry.cn-hangzhou.aliyuncs.com/a/b:1', command: '["/app"]' },
      '/',
    );
    expect(spec.code).toEqual({ kind: 'image' });
    expect(spec.function.customContainerConfig).toEqual({
      image: 'registry.cn-hangzhou.aliyuncs.com/a/b:1',
      command: '["/app"]',
    });
    expect(() => buildSpec(profile, { command: '["/app"]' }, '/')).toThrow(/give --image too/);
  });
});

describe('validateSpec', () => {
  const base = buildSpec(profile, {}, '/');

  it('accepts a valid spec', () => {
    expect(validateSpec(base).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('refuses an invalid field before any network call, naming the rule (exit 2)', () => {
    const bad = buildSpec(profile, { memorySize: 100 }, '/');
    try {
      validateSpec(bad, 'profile "web"');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(/profile "web"/);
      expect((error as Error).message).toMatch(/memorySize/);
      expect((error as Error).message).toMatch(/64/);
    }
  });

  it('refuses a bad handler format and a bad service name', () => {
    expect(() => validateSpec(buildSpec(profile, { handler: 'nodot' }, '/'))).toThrow(/handler/);
    expect(() => validateSpec(buildSpec(profile, { service: '9bad' }, '/'))).toThrow(/serviceName/);
  });

  it('lets a runtime closed for new functions pass before the read, and checkCreatable refuses it for a create', () => {
    const old: DeploySpec = buildSpec(profile, { runtime: 'nodejs8' }, '/');
    expect(() => validateSpec(old)).not.toThrow();
    expect(() => checkCreatable(old)).toThrow(/nodejs8/);
    expect(() => checkCreatable(base)).not.toThrow();
  });

  it('a runtime closed for new functions: no warning before the read (a create gets only the refusal), the move note only for an existing function', () => {
    const old: DeploySpec = buildSpec(profile, { runtime: 'nodejs8' }, '/');
    expect(validateSpec(old).filter((i) => i.field === 'runtime')).toEqual([]);
    expect(updateOnlyRuntimeWarning(old)?.message).toMatch(/existing ones can still be updated/);
    expect(updateOnlyRuntimeWarning(base)).toBeUndefined();
    expect(updateOnlyRuntimeWarning(buildSpec(profile, { runtime: 'nodejs6' }, '/'))).toBeUndefined();
  });
});

describe('diffConfig and planDeploy', () => {
  const spec = buildSpec(profile, {}, '/');

  it('ignores server-side fields and defaults the spec does not set', () => {
    expect(diffConfig(spec.function, deployed({ initializationTimeout: 3, instanceType: 'e1', codeSize: 99 }))).toEqual(
      [],
    );
    const noMemory = buildSpec(profile, {}, '/');
    delete noMemory.function.memorySize;
    expect(diffConfig(noMemory.function, deployed({ memorySize: 128 }))).toEqual([]);
  });

  it('treats empty values as not set, and env maps regardless of key order', () => {
    const s = buildSpec(profile, { description: '' }, '/');
    s.function.layers = [];
    expect(diffConfig(s.function, deployed({ description: undefined }))).toEqual([]);
  });

  it('reports each differing field', () => {
    const s = buildSpec(profile, { memorySize: 512, environmentVariables: { A: 'x' }, initializer: '' }, '/');
    const d = diffConfig(s.function, deployed({ initializer: 'index.init' }));
    expect(d).toEqual([
      { field: 'memorySize', from: 256, to: 512 },
      { field: 'initializer', from: 'index.init', to: '' },
      { field: 'environmentVariables', from: { B: '2', A: '1' }, to: { A: 'x', B: '2' } },
    ]);
    expect(formatDiff(d)).toContain('memorySize: 256 → 512');
    expect(formatDiff(d)).toContain('initializer: index.init → (not set)');
  });

  it('create when absent: everything set is in the diff and the code goes', () => {
    const plan = planDeploy(spec, undefined, '555');
    expect(plan.action).toBe('create');
    expect(plan.sendCode).toBe(true);
    expect(plan.diff.map((c) => c.field)).toEqual([
      'runtime',
      'handler',
      'memorySize',
      'timeout',
      'environmentVariables',
    ]);
    expect(plan.config.functionName).toBe('hello');
    expect(plan.checksum).toEqual({ local: '555', remote: undefined, match: false });
  });

  it('unchanged when the config matches and the checksum matches', () => {
    const plan = planDeploy(spec, deployed(), '111');
    expect(plan).toMatchObject({
      action: 'unchanged',
      diff: [],
      sendCode: false,
      checksum: { local: '111', remote: '111', match: true },
      config: {},
    });
  });

  it('code change only: update with the code and no config fields', () => {
    const plan = planDeploy(spec, deployed(), '222');
    expect(plan).toMatchObject({ action: 'update', diff: [], sendCode: true, config: {} });
    expect(plan.codeReason).toMatch(/111 → 222/);
  });

  it('config change only: update with just the changed fields, no code', () => {
    const plan = planDeploy(buildSpec(profile, { timeout: 90 }, '/'), deployed(), '111');
    expect(plan).toMatchObject({ action: 'update', sendCode: false, config: { timeout: 90 } });
  });

  it('OSS code is always sent; an image never sends code', () => {
    const oss = buildSpec(profile, { ossBucket: 'my-bucket', ossObject: 'a.zip' }, '/');
    expect(planDeploy(oss, deployed(), undefined)).toMatchObject({ action: 'update', sendCode: true });
    const image = buildSpec(profile, { runtime: 'custom-container', handler: 'x', image: 'reg/a:1' }, '/');
    const info = deployed({
      runtime: 'custom-container',
      handler: 'x',
      customContainerConfig: { image: 'reg/a:1', accelerationType: 'Default' },
      codeChecksum: undefined,
    });
    expect(planDeploy(image, info, undefined)).toMatchObject({ action: 'unchanged', sendCode: false });
    const newImage = buildSpec(profile, { runtime: 'custom-container', handler: 'x', image: 'reg/a:2' }, '/');
    expect(planDeploy(newImage, info, undefined).diff).toEqual([
      {
        field: 'customContainerConfig',
        from: { image: 'reg/a:1', accelerationType: 'Default' },
        to: { image: 'reg/a:2' },
      },
    ]);
  });
});
