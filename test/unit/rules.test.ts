import { describe, expect, it } from 'vitest';

import {
  compareVersionsDescending,
  DEFAULT_RUNTIME,
  FIELD_RULES,
  HANDLER_FORMATS,
  RUNTIMES,
  RUNTIME_DEPRECATIONS,
  getRuntime,
  handlerRuleText,
  memoryChoices,
  runtimeAllows,
  runtimesByLanguage,
  timeoutMax,
  type HandlerFormatId,
} from '../../src/fc/rules.js';
import {
  CA_PORT_DEFAULT,
  FUNCTION_NAME_MAX_LENGTH,
  INIT_TIMEOUT_DEFAULT_S,
  INIT_TIMEOUT_MAX_S,
  LAYERS_MAX,
  MEMORY_DEFAULT_MB,
  MEMORY_ELASTIC_MAX_MB,
  SERVICE_NAME_MAX_LENGTH,
  TIMEOUT_DEFAULT_S,
  TIMEOUT_MAX_S,
  TIMEOUT_PERFORMANCE_MAX_S,
} from '../../src/fc/limits.js';

const SEED = [
  'nodejs4.4',
  'nodejs6',
  'nodejs8',
  'nodejs10',
  'nodejs12',
  'python2.7',
  'python3',
  'java8',
  'java11',
  'php7.2',
  'dotnetcore2.1',
  'custom',
  'custom-container',
];
const CURRENT_FC2 = [
  'nodejs14',
  'nodejs16',
  'nodejs18',
  'nodejs20',
  'python3.9',
  'python3.10',
  'dotnetcore3.1',
  'go1',
  'custom.debian10',
];
const PREVIEW = ['python3.12', 'custom.debian11', 'custom.debian12'];

describe('RUNTIMES', () => {
  it('holds exactly the seed list, the current FC 2.0 runtimes and the previews, once each', () => {
    const ids = RUNTIMES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...SEED, ...CURRENT_FC2, ...PREVIEW].sort());
  });

  it('marks the previews as preview and the end-of-life runtimes as deprecated', () => {
    for (const id of PREVIEW) expect(getRuntime(id)?.status).toBe('preview');
    for (const id of ['nodejs4.4', 'nodejs6', 'nodejs8', 'python2.7', 'dotnetcore2.1']) {
      expect(getRuntime(id)?.status).toMatch(/^deprecated-/);
    }
    for (const id of CURRENT_FC2) expect(getRuntime(id)?.status).toBe('current');
  });

  it('takes every deprecation from the one RUNTIME_DEPRECATIONS table', () => {
    for (const r of RUNTIMES) {
      if (r.status.startsWith('deprecated')) expect(RUNTIME_DEPRECATIONS[r.id]).toBe(r.status);
      else expect(RUNTIME_DEPRECATIONS[r.id]).toBeUndefined();
    }
  });

  it('gives each status a note that says what it means for create and update', () => {
    expect(getRuntime('nodejs8')?.statusNote).toBe(
      'deprecated: FC no longer accepts new functions on nodejs8; existing ones can still be updated',
    );
    expect(getRuntime('nodejs6')?.statusNote).toMatch(/neither new functions nor updates on nodejs6/);
    expect(getRuntime('nodejs20')?.statusNote).toMatch(/created .* and existing ones updated/);
    expect(getRuntime('python3.12')?.statusNote).toMatch(/^preview: .*created .*updated/);
  });

  it.each([
    ['nodejs20', 'nodejs', 'Node.js', 'index.handler', 'file.function'],
    ['python3', 'python', 'Python', 'index.handler', 'file.function'],
    ['php7.2', 'php', 'PHP', 'index.handler', 'file.function'],
    ['java11', 'java', 'Java', 'example.App::handleRequest', 'java'],
    ['dotnetcore3.1', 'dotnet', '.NET', 'HelloFcApp::Example.Hello::StreamHandler', 'dotnet'],
    ['go1', 'go', 'Go', 'main', 'go'],
    ['custom.debian10', 'custom', 'Custom runtime', 'index.handler', 'any'],
    ['custom-container', 'container', 'Custom container', 'index.handler', 'any'],
  ])('%s: language %s, default handler %s, format %s', (id, language, languageLabel, handler, format) => {
    const r = getRuntime(id)!;
    expect(r.language).toBe(language);
    expect(r.languageLabel).toBe(languageLabel);
    expect(r.defaultHandler).toBe(handler);
    expect(r.handlerFormat).toBe(format);
  });

  it('every default handler matches its own format', () => {
    for (const r of RUNTIMES) expect(HANDLER_FORMATS[r.handlerFormat].pattern.test(r.defaultHandler), r.id).toBe(true);
  });

  it('isCustom for custom* and custom-container only; usesImage for custom-container only', () => {
    expect(
      RUNTIMES.filter((r) => r.isCustom)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['custom', 'custom-container', 'custom.debian10', 'custom.debian11', 'custom.debian12']);
    expect(RUNTIMES.filter((r) => r.usesImage).map((r) => r.id)).toEqual(['custom-container']);
  });

  it('getRuntime answers undefined for unknown ids and non-strings', () => {
    expect(getRuntime('nodejs99')).toBeUndefined();
    expect(getRuntime(undefined)).toBeUndefined();
    expect(getRuntime(20)).toBeUndefined();
  });

  it('DEFAULT_RUNTIME is current', () => {
    expect(getRuntime(DEFAULT_RUNTIME)?.status).toBe('current');
  });

  it('runtimeAllows follows the two deprecation phases', () => {
    expect([runtimeAllows('nodejs20', 'create'), runtimeAllows('nodejs20', 'update')]).toEqual([true, true]);
    expect([runtimeAllows('python3.12', 'create'), runtimeAllows('python3.12', 'update')]).toEqual([true, true]);
    expect([runtimeAllows('nodejs8', 'create'), runtimeAllows('nodejs8', 'update')]).toEqual([false, true]);
    expect([runtimeAllows('nodejs6', 'create'), runtimeAllows('nodejs6', 'update')]).toEqual([false, false]);
    expect(runtimeAllows('nope', 'update')).toBe(false);
  });
});

describe('runtimesByLanguage', () => {
  const groups = runtimesByLanguage();

  it('groups every runtime once, languages in the wizard order', () => {
    expect(groups.map((g) => g.language)).toEqual([
      'nodejs',
      'python',
      'java',
      'php',
      'dotnet',
      'go',
      'custom',
      'container',
    ]);
    expect(groups.flatMap((g) => g.runtimes).length).toBe(RUNTIMES.length);
  });

  it('sorts versions as versions, newest first (preview too); deprecated last', () => {
    const node = groups.find((g) => g.language === 'nodejs')!.runtimes.map((r) => r.id);
    expect(node).toEqual([
      'nodejs20',
      'nodejs18',
      'nodejs16',
      'nodejs14',
      'nodejs12',
      'nodejs10',
      'nodejs8',
      'nodejs6',
      'nodejs4.4',
    ]);
    const python = groups.find((g) => g.language === 'python')!.runtimes.map((r) => r.id);
    expect(python).toEqual(['python3.12', 'python3.10', 'python3.9', 'python3', 'python2.7']);
    const custom = groups.find((g) => g.language === 'custom')!.runtimes.map((r) => r.id);
    expect(custom).toEqual(['custom.debian12', 'custom.debian11', 'custom.debian10', 'custom']);
    for (const g of groups) {
      const deprecated = g.runtimes.map((r) => r.status.startsWith('deprecated'));
      expect(deprecated).toEqual([...deprecated].sort((a, b) => Number(a) - Number(b)));
    }
    expect(compareVersionsDescending('python3.12', 'python3.10')).toBeLessThan(0);
    expect(compareVersionsDescending('python3.9', 'python3.10')).toBeGreaterThan(0);
    expect(compareVersionsDescending('python3', 'python3.9')).toBeGreaterThan(0);
  });
});

describe('HANDLER_FORMATS', () => {
  const cases: [HandlerFormatId, string[], string[]][] = [
    [
      'file.function',
      ['index.handler', 'src/index.handler', 'a/b/my-mod.main', 'app.module.handler', 'index.$fn'],
      [
        'index',
        '.handler',
        'index.',
        '../x.handler',
        '/abs/index.handler',
        'index.1fn',
        'a b.handler',
        'example.App::handleRequest',
      ],
    ],
    [
      'java',
      ['example.App::handleRequest', 'App::handle', 'com.acme.Outer$Inner::run'],
      ['example.App.handleRequest', 'example.App:handleRequest', 'example.App::', '::handle', 'a b.C::d'],
    ],
    [
      'dotnet',
      ['HelloFcApp::Example.Hello::StreamHandler', 'My.Assembly-1::Ns.Cls::M'],
      ['Example.Hello::StreamHandler', 'A::B::C::D', 'A::B.::C', 'HelloFcApp::Example.Hello.StreamHandler'],
    ],
    ['go', ['main', 'bin/server', 'bootstrap'], ['', '/main', '../main', 'bin/', 'a b']],
    ['any', ['anything at all', 'x'], ['', '   ']],
  ];
  it.each(cases)('%s accepts the good and refuses the bad', (id, good, bad) => {
    const { pattern } = HANDLER_FORMATS[id];
    for (const h of good) expect(pattern.test(h), h).toBe(true);
    for (const h of bad) expect(pattern.test(h), h).toBe(false);
  });

  it('each has a description and an example that matches', () => {
    for (const f of Object.values(HANDLER_FORMATS)) {
      expect(f.description.length).toBeGreaterThan(10);
      expect(f.pattern.test(f.example)).toBe(true);
    }
  });
});

describe('FIELD_RULES and ranges', () => {
  it('rule texts and defaults come from the limits', () => {
    expect(FIELD_RULES.memorySize.rule).toBe('a multiple of 64 MB between 128 and 3072 (elastic instance)');
    expect(FIELD_RULES.memorySize.default).toBe(MEMORY_DEFAULT_MB);
    expect(FIELD_RULES.timeout.rule).toContain(`to ${TIMEOUT_MAX_S}`);
    expect(FIELD_RULES.timeout.default).toBe(TIMEOUT_DEFAULT_S);
    expect(FIELD_RULES.initializationTimeout.rule).toContain(`to ${INIT_TIMEOUT_MAX_S}`);
    expect(FIELD_RULES.initializationTimeout.default).toBe(INIT_TIMEOUT_DEFAULT_S);
    expect(FIELD_RULES.caPort.default).toBe(CA_PORT_DEFAULT);
    expect(FIELD_RULES.functionName.rule).toContain(`1–${FUNCTION_NAME_MAX_LENGTH}`);
    expect(FIELD_RULES.serviceName.rule).toContain(`1–${SERVICE_NAME_MAX_LENGTH}`);
    expect(FIELD_RULES.layers.rule).toContain(`at most ${LAYERS_MAX}`);
    expect(FIELD_RULES.environmentVariables.rule).toContain('4096 bytes');
    expect(FIELD_RULES.code.rule).toContain('100 MB');
    expect(FIELD_RULES.code.rule).toContain('500 MB');
    expect(FIELD_RULES.runtime.default).toBe(DEFAULT_RUNTIME);
  });

  it('every field has a label and a rule', () => {
    for (const [name, r] of Object.entries(FIELD_RULES)) {
      expect(r.label, name).not.toBe('');
      expect(r.rule, name).not.toBe('');
    }
  });

  it('handlerRuleText names the format and an example for the runtime', () => {
    expect(handlerRuleText('java11')).toBe(
      'required; package.Class::method: the fully qualified class, two colons, then the method (e.g. example.App::handleRequest)',
    );
    expect(handlerRuleText('python3', 'initializer')).toMatch(
      /^optional; \[dir\/\]file\.function: .*\(e\.g\. index\.initializer\)$/,
    );
    expect(handlerRuleText('nope')).toBe(FIELD_RULES.handler.rule);
  });

  it('memoryChoices lists the elastic multiples of 64 and the performance sizes', () => {
    const elastic = memoryChoices();
    expect(elastic[0]).toBe(128);
    expect(elastic[elastic.length - 1]).toBe(MEMORY_ELASTIC_MAX_MB);
    expect(elastic.length).toBe((3072 - 128) / 64 + 1);
    expect(elastic.every((m) => m % 64 === 0)).toBe(true);
    expect(memoryChoices('e1')).toEqual(elastic);
    expect(memoryChoices('c1')).toEqual([4096, 8192, 16384, 32768]);
  });

  it('timeoutMax is the seed cap for elastic and the performance cap for c1', () => {
    expect(timeoutMax()).toBe(600);
    expect(timeoutMax('e1')).toBe(600);
    expect(timeoutMax('c1')).toBe(TIMEOUT_PERFORMANCE_MAX_S);
  });
});
