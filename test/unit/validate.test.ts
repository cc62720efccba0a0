import { describe, expect, it } from 'vitest';

import type { CreateFunctionRequest } from '../../src/fc/types.js';
import {
  base64DecodedBytes,
  formatIssues,
  hasErrors,
  suggestRuntime,
  validateCaPort,
  validateCode,
  validateCodeSize,
  validateCreateFunction,
  validateCreateService,
  validateCustomContainerConfig,
  validateEnvKey,
  validateEnvironmentVariables,
  validateFunctionName,
  validateHandler,
  validateInitializationTimeout,
  validateInstanceType,
  validateLayers,
  validateMemorySize,
  validateRuntime,
  validateServiceName,
  validateTimeout,
  validateUpdateFunction,
  type ValidationIssue,
} from '../../src/fc/validate.js';

const MB = 1024 * 1024;
/** The 22-byte empty zip (docs/fc-api-notes.md, "The empty zip"). */
const EMPTY_ZIP = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';

interface Expect {
  field: string;
  rule: string;
  severity?: 'error' | 'warning';
  /** Substrings the message must hold (field, rule words, the value, the fix). */
  says?: string[];
}

type Case = [name: string, run: () => ValidationIssue | undefined, expected: Expect | undefined];

function check(got: ValidationIssue | undefined, expected: Expect | undefined): void {
  if (!expected) {
    expect(got).toBeUndefined();
    return;
  }
  expect(got, 'expected an issue').toBeDefined();
  expect({ field: got!.field, rule: got!.rule, severity: got!.severity }).toEqual({
    field: expected.field,
    rule: expected.rule,
    severity: expected.severity ?? 'error',
  });
  // Every message starts with the field it is about.
  expect(got!.message.startsWith(expected.field.split('.')[0] ?? expected.field)).toBe(true);
  for (const s of expected.says ?? []) expect(got!.message).toContain(s);
}

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    it.each(cases)('%s', (_name, run, expected) => check(run(), expected));
  });
}

// ---------------------------------------------------------------------------------------------
// One passing and at least one failing case per rule of the rules table (src/fc/rules.ts)

table('serviceName: letters, digits, _, -; not starting with a digit or -; 1–128', [
  ['plain name', () => validateServiceName('my-service_1'), undefined],
  ['starts with _', () => validateServiceName('_svc'), undefined],
  ['exactly 128', () => validateServiceName('s'.repeat(128)), undefined],
  [
    '129 characters',
    () => validateServiceName('s'.repeat(129)),
    {
      field: 'serviceName',
      rule: 'length',
      says: ['1–128 characters', 'got 129 characters', `Try "${'s'.repeat(128)}"`],
    },
  ],
  [
    'starts with a digit',
    () => validateServiceName('1svc'),
    {
      field: 'serviceName',
      rule: 'first-char',
      says: ['must start with a letter or _', 'got "1svc"', 'Try "svc-1svc"'],
    },
  ],
  [
    'starts with -',
    () => validateServiceName('-svc'),
    { field: 'serviceName', rule: 'first-char', says: ['got "-svc"'] },
  ],
  [
    'a dot',
    () => validateServiceName('my.svc'),
    {
      field: 'serviceName',
      rule: 'pattern',
      says: ['only letters, digits, _ and -', 'got "my.svc"', '"." at position 3', 'Try "my-svc"'],
    },
  ],
  ['empty', () => validateServiceName(''), { field: 'serviceName', rule: 'required', says: ['is required', 'got ""'] }],
  ['missing', () => validateServiceName(undefined), { field: 'serviceName', rule: 'required', says: ['got nothing'] }],
  ['a number', () => validateServiceName(12), { field: 'serviceName', rule: 'type', says: ['got 12'] }],
]);

table('functionName: the same characters; 1–64', [
  ['plain', () => validateFunctionName('hello'), undefined],
  ['exactly 64', () => validateFunctionName('f'.repeat(64)), undefined],
  [
    '65 characters',
    () => validateFunctionName('f'.repeat(65)),
    { field: 'functionName', rule: 'length', says: ['1–64 characters', 'got 65 characters'] },
  ],
  [
    'a space',
    () => validateFunctionName('my func'),
    { field: 'functionName', rule: 'pattern', says: ['a space at position 3', 'Try "my-func"'] },
  ],
  [
    'starts with a digit',
    () => validateFunctionName('9lives'),
    { field: 'functionName', rule: 'first-char', says: ['got "9lives"', 'Try "fn-9lives"'] },
  ],
  ['missing', () => validateFunctionName(undefined), { field: 'functionName', rule: 'required' }],
]);

table('runtime: a known id; deprecation in two phases', [
  ['current, create', () => validateRuntime('nodejs20', 'create'), undefined],
  ['seed runtime still current', () => validateRuntime('python3', 'create'), undefined],
  ['current, update', () => validateRuntime('go1', 'update'), undefined],
  [
    'preview: a warning',
    () => validateRuntime('python3.12', 'create'),
    { field: 'runtime', rule: 'preview', severity: 'warning', says: ['preview'] },
  ],
  [
    'unknown, with a near match',
    () => validateRuntime('node20', 'create'),
    { field: 'runtime', rule: 'enum', says: ['one of the FC 2.0 runtimes', 'got "node20"', 'Did you mean nodejs20?'] },
  ],
  [
    'unknown, far from all',
    () => validateRuntime('cobol', 'create'),
    { field: 'runtime', rule: 'enum', says: ['got "cobol"', 'Try nodejs20.'] },
  ],
  [
    'missing',
    () => validateRuntime(undefined, 'create'),
    { field: 'runtime', rule: 'required', says: ['got nothing'] },
  ],
  [
    'no-create phase, create',
    () => validateRuntime('nodejs8', 'create'),
    {
      field: 'runtime',
      rule: 'deprecated',
      says: ['no longer accepts new functions on nodejs8', 'got "nodejs8"', 'Use nodejs20 instead.'],
    },
  ],
  [
    'no-create phase, update: warning only',
    () => validateRuntime('python2.7', 'update'),
    { field: 'runtime', rule: 'deprecated', severity: 'warning', says: ['python3.10'] },
  ],
  [
    'no-update phase, update',
    () => validateRuntime('nodejs4.4', 'update'),
    { field: 'runtime', rule: 'deprecated', says: ['neither new functions nor updates', 'got "nodejs4.4"'] },
  ],
  ['no-update phase, create', () => validateRuntime('nodejs6', 'create'), { field: 'runtime', rule: 'deprecated' }],
  [
    '.NET successor',
    () => validateRuntime('dotnetcore2.1', 'create'),
    { field: 'runtime', rule: 'deprecated', says: ['Use dotnetcore3.1 instead.'] },
  ],
]);

table('handler: required, in the format of the runtime', [
  ['node file.function', () => validateHandler('nodejs20', 'index.handler'), undefined],
  ['python dir/file.function', () => validateHandler('python3.10', 'src/app.main'), undefined],
  ['php file.function', () => validateHandler('php7.2', 'index.handler'), undefined],
  ['java', () => validateHandler('java11', 'example.App::handleRequest'), undefined],
  ['dotnet', () => validateHandler('dotnetcore3.1', 'HelloFcApp::Example.Hello::StreamHandler'), undefined],
  ['go: a path in the zip', () => validateHandler('go1', 'bin/main'), undefined],
  ['custom: any string', () => validateHandler('custom', 'whatever you like'), undefined],
  ['custom-container: any string', () => validateHandler('custom-container', 'x'), undefined],
  [
    'missing',
    () => validateHandler('nodejs20', undefined),
    { field: 'handler', rule: 'required', says: ['for nodejs20', 'Try index.handler.'] },
  ],
  [
    'empty for custom: still required',
    () => validateHandler('custom', ''),
    { field: 'handler', rule: 'required', says: ['got ""'] },
  ],
  [
    'python without a function',
    () => validateHandler('python3', 'index'),
    {
      field: 'handler',
      rule: 'format',
      says: ['[dir/]file.function for python3', 'got "index"', 'Try index.handler.'],
    },
  ],
  [
    'node with a java handler',
    () => validateHandler('nodejs18', 'example.App::handleRequest'),
    { field: 'handler', rule: 'format', says: ['Try index.handler.'] },
  ],
  [
    'java with a dot for ::',
    () => validateHandler('java8', 'example.App.handleRequest'),
    { field: 'handler', rule: 'format', says: ['package.Class::method for java8', 'Try example.App::handleRequest.'] },
  ],
  [
    'dotnet missing the assembly',
    () => validateHandler('dotnetcore3.1', 'Example.Hello::StreamHandler'),
    {
      field: 'handler',
      rule: 'format',
      says: ['Assembly::Namespace.Class::Method', 'Try HelloFcApp::Example.Hello::StreamHandler.'],
    },
  ],
  [
    'go with ./',
    () => validateHandler('go1', './main'),
    { field: 'handler', rule: 'format', says: ['got "./main"', 'Try main.'] },
  ],
  ['go with ..', () => validateHandler('go1', '../main'), { field: 'handler', rule: 'format' }],
  [
    'a file extension',
    () => validateHandler('nodejs20', 'index.js.handler'),
    { field: 'handler', rule: 'extension', severity: 'warning', says: ['Try index.handler.'] },
  ],
  [
    'spaces around',
    () => validateHandler('nodejs20', ' index.handler'),
    { field: 'handler', rule: 'whitespace', says: ['Try "index.handler".'] },
  ],
  ['not a string', () => validateHandler('nodejs20', 42), { field: 'handler', rule: 'type', says: ['got 42'] }],
  ['unknown runtime: only required is judged', () => validateHandler('nodejs99', 'anything'), undefined],
]);

table('initializer: optional, the handler format of its runtime', [
  ['absent', () => validateHandler('python3', undefined, 'initializer'), undefined],
  ['empty clears it', () => validateHandler('python3', '', 'initializer'), undefined],
  ['python', () => validateHandler('python3', 'index.initializer', 'initializer'), undefined],
  ['java', () => validateHandler('java11', 'example.App::initialize', 'initializer'), undefined],
  [
    'java initializer in file.function form',
    () => validateHandler('java11', 'index.initializer', 'initializer'),
    {
      field: 'initializer',
      rule: 'format',
      says: [
        'initializer: must have the form package.Class::method for java11',
        'got "index.initializer"',
        'Try index::initializer.',
      ],
    },
  ],
  [
    'python initializer without a function',
    () => validateHandler('python3', 'init', 'initializer'),
    { field: 'initializer', rule: 'format', says: ['Try init.initializer.'] },
  ],
]);

table('memorySize: multiple of 64; elastic 128–3072; performance 4096/8192/16384/32768', [
  ['elastic minimum', () => validateMemorySize(128), undefined],
  ['elastic maximum', () => validateMemorySize(3072), undefined],
  ['elastic multiple', () => validateMemorySize(1536, 'e1'), undefined],
  ['absent: default', () => validateMemorySize(undefined), undefined],
  [
    "the brief's example",
    () => validateMemorySize(100),
    {
      field: 'memorySize',
      rule: 'multiple',
      says: ['memorySize: must be a multiple of 64 MB between 128 and 3072 (elastic instance); got 100. Try 128.'],
    },
  ],
  [
    'not a multiple',
    () => validateMemorySize(200),
    { field: 'memorySize', rule: 'multiple', says: ['got 200', 'Try 256.'] },
  ],
  [
    'multiple but below',
    () => validateMemorySize(64),
    { field: 'memorySize', rule: 'range', says: ['got 64', 'Try 128.'] },
  ],
  [
    'multiple but above elastic',
    () => validateMemorySize(4096),
    { field: 'memorySize', rule: 'range', says: ['got 4096', 'Try 3072', 'performance instance (instanceType c1)'] },
  ],
  ['performance size', () => validateMemorySize(8192, 'c1'), undefined],
  [
    'performance: not a listed size',
    () => validateMemorySize(5120, 'c1'),
    {
      field: 'memorySize',
      rule: 'enum',
      says: ['one of 4096, 8192, 16384, 32768 MB (performance instance)', 'got 5120', 'Try 8192.'],
    },
  ],
  [
    'performance: elastic size',
    () => validateMemorySize(512, 'c1'),
    { field: 'memorySize', rule: 'enum', says: ['Try 4096', 'elastic instance'] },
  ],
  ['unknown instance type: only the multiple', () => validateMemorySize(65536, 'fc.gpu.tesla.1'), undefined],
  [
    'unknown instance type, not a multiple',
    () => validateMemorySize(1000, 'g1'),
    { field: 'memorySize', rule: 'multiple', says: ['instance type g1', 'Try 1024.'] },
  ],
]);

table('timeout: 1–600 for elastic, the performance cap for c1', [
  ['minimum', () => validateTimeout(1), undefined],
  ['maximum', () => validateTimeout(600), undefined],
  [
    'zero',
    () => validateTimeout(0),
    { field: 'timeout', rule: 'range', says: ['from 1 to 600 (elastic instance)', 'got 0', 'Try 1.'] },
  ],
  [
    '601 elastic',
    () => validateTimeout(601),
    { field: 'timeout', rule: 'range', says: ['got 601', 'Try 600', 'up to 7200'] },
  ],
  ['3600 on performance', () => validateTimeout(3600, 'c1'), undefined],
  [
    'beyond the performance cap',
    () => validateTimeout(86400, 'c1'),
    { field: 'timeout', rule: 'range', says: ['from 1 to 7200 (performance instance)', 'Try 7200.'] },
  ],
]);

table('initializationTimeout: 1–300', [
  ['minimum', () => validateInitializationTimeout(1), undefined],
  ['maximum', () => validateInitializationTimeout(300), undefined],
  [
    '301',
    () => validateInitializationTimeout(301),
    { field: 'initializationTimeout', rule: 'range', says: ['from 1 to 300', 'got 301', 'Try 300.'] },
  ],
  ['0', () => validateInitializationTimeout(0), { field: 'initializationTimeout', rule: 'range', says: ['Try 1.'] }],
]);

table('caPort: custom runtimes only, 1–65535', [
  ['custom', () => validateCaPort('custom', 9000), undefined],
  ['custom.debian10', () => validateCaPort('custom.debian10', 8080), undefined],
  ['custom-container', () => validateCaPort('custom-container', 80), undefined],
  ['absent on python', () => validateCaPort('python3', undefined), undefined],
  [
    'on python',
    () => validateCaPort('python3', 9000),
    {
      field: 'caPort',
      rule: 'not-allowed',
      says: ['only for custom runtimes', 'got 9000 with runtime python3', 'Remove caPort.'],
    },
  ],
  [
    'out of range',
    () => validateCaPort('custom', 70000),
    { field: 'caPort', rule: 'range', says: ['from 1 to 65535', 'got 70000', 'Try 9000'] },
  ],
]);

table('customContainerConfig: custom-container only; image; command/args JSON array strings; accelerationType', [
  [
    'image only',
    () => validateCustomContainerConfig('custom-container', { image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1' }),
    undefined,
  ],
  [
    'all fields',
    () =>
      validateCustomContainerConfig('custom-container', {
        image: 'r/ns/app:v1',
        command: '["/code/myserver"]',
        args: '["-arg1", "value1"]',
        accelerationType: 'None',
      }),
    undefined,
  ],
  ['absent on nodejs', () => validateCustomContainerConfig('nodejs20', undefined), undefined],
  [
    'on nodejs',
    () => validateCustomContainerConfig('nodejs20', { image: 'x' }),
    {
      field: 'customContainerConfig',
      rule: 'not-allowed',
      says: ['only for runtime custom-container', 'runtime nodejs20'],
    },
  ],
  [
    'missing on custom-container',
    () => validateCustomContainerConfig('custom-container', undefined),
    { field: 'customContainerConfig.image', rule: 'required' },
  ],
  [
    'no image',
    () => validateCustomContainerConfig('custom-container', { command: '["x"]' }),
    { field: 'customContainerConfig.image', rule: 'required', says: ['got nothing'] },
  ],
  [
    'image with a space',
    () => validateCustomContainerConfig('custom-container', { image: 'r/ns/app :v1' }),
    { field: 'customContainerConfig.image', rule: 'format', says: ['Try "r/ns/app:v1".'] },
  ],
  [
    'command as plain text',
    () => validateCustomContainerConfig('custom-container', { image: 'r/a:1', command: '/code/myserver' }),
    {
      field: 'customContainerConfig.command',
      rule: 'json-array',
      says: ['a string holding a JSON array of strings', 'got "/code/myserver"', `Try '["/code/myserver"]'.`],
    },
  ],
  [
    'command as a real array',
    () => validateCustomContainerConfig('custom-container', { image: 'r/a:1', command: ['/code/myserver'] }),
    {
      field: 'customContainerConfig.command',
      rule: 'json-array',
      says: [`Send it as the string '["/code/myserver"]'.`],
    },
  ],
  [
    'args as a JSON object',
    () => validateCustomContainerConfig('custom-container', { image: 'r/a:1', args: '{"a":1}' }),
    { field: 'customContainerConfig.args', rule: 'json-array' },
  ],
  [
    'args with a number inside',
    () => validateCustomContainerConfig('custom-container', { image: 'r/a:1', args: '["--port", 9000]' }),
    { field: 'customContainerConfig.args', rule: 'json-array' },
  ],
  [
    'accelerationType in lower case',
    () => validateCustomContainerConfig('custom-container', { image: 'r/a:1', accelerationType: 'default' }),
    {
      field: 'customContainerConfig.accelerationType',
      rule: 'enum',
      says: ['Default or None', 'got "default"', 'Try Default.'],
    },
  ],
]);

table('code: exactly one of zipFile or ossBucketName + ossObjectName; never with custom-container', [
  ['zip', () => validateCode('nodejs20', { zipFile: EMPTY_ZIP }), undefined],
  ['oss', () => validateCode('python3', { ossBucketName: 'my-bucket', ossObjectName: 'code/app.zip' }), undefined],
  ['nothing for custom-container', () => validateCode('custom-container', undefined), undefined],
  ['missing', () => validateCode('nodejs20', undefined), { field: 'code', rule: 'required', says: ['got nothing'] }],
  ['empty object', () => validateCode('nodejs20', {}), { field: 'code', rule: 'required', says: ['got no source'] }],
  [
    'both sources',
    () => validateCode('nodejs20', { zipFile: EMPTY_ZIP, ossBucketName: 'b-1', ossObjectName: 'k' }),
    {
      field: 'code',
      rule: 'exclusive',
      says: [
        'exactly one of zipFile or ossBucketName + ossObjectName',
        'got zipFile and ossBucketName "b-1" and ossObjectName "k"',
        'Keep one source.',
      ],
    },
  ],
  [
    'bucket without object',
    () => validateCode('nodejs20', { ossBucketName: 'my-bucket' }),
    { field: 'code.ossObjectName', rule: 'oss-pair', says: ['Add ossObjectName.'] },
  ],
  [
    'object without bucket',
    () => validateCode('nodejs20', { ossObjectName: 'a.zip' }),
    { field: 'code.ossBucketName', rule: 'oss-pair', says: ['Add ossBucketName.'] },
  ],
  [
    'code with custom-container',
    () => validateCode('custom-container', { zipFile: EMPTY_ZIP }),
    { field: 'code', rule: 'not-allowed', says: ['absent for runtime custom-container', 'got zipFile'] },
  ],
  ['not base64', () => validateCode('nodejs20', { zipFile: 'not base64!' }), { field: 'code.zipFile', rule: 'base64' }],
  [
    'base64 of a non-zip',
    () => validateCode('nodejs20', { zipFile: Buffer.from('print("hi")\n').toString('base64') }),
    { field: 'code.zipFile', rule: 'zip', says: ['must be a zip file'] },
  ],
  [
    'bad bucket name',
    () => validateCode('nodejs20', { ossBucketName: 'My_Bucket', ossObjectName: 'a.zip' }),
    { field: 'code.ossBucketName', rule: 'format', says: ['got "My_Bucket"'] },
  ],
  [
    'object key with a leading /',
    () => validateCode('nodejs20', { ossBucketName: 'bkt', ossObjectName: '/a.zip' }),
    { field: 'code.ossObjectName', rule: 'format', says: ['Try "a.zip".'] },
  ],
]);

table('code size: inline 100 MB (warning from 50 MB); OSS 500 MB', [
  ['small inline', () => validateCodeSize(1 * MB, 'inline'), undefined],
  ['exactly 50 MB inline', () => validateCodeSize(50 * MB, 'inline'), undefined],
  [
    'just over 50 MB inline',
    () => validateCodeSize(50 * MB + 1, 'inline'),
    { field: 'code', rule: 'size-warning', severity: 'warning', says: ['50.0 MB', 'OSS'] },
  ],
  [
    'exactly 100 MB inline',
    () => validateCodeSize(100 * MB, 'inline'),
    { field: 'code', rule: 'size-warning', severity: 'warning' },
  ],
  [
    'over 100 MB inline',
    () => validateCodeSize(100 * MB + 1, 'inline'),
    { field: 'code', rule: 'size', says: ['at most 100.0 MB as an inline zip', 'got 100.0 MB', 'through OSS'] },
  ],
  ['200 MB through OSS', () => validateCodeSize(200 * MB, 'oss'), undefined],
  ['exactly 500 MB through OSS', () => validateCodeSize(500 * MB, 'oss'), undefined],
  [
    'over 500 MB through OSS',
    () => validateCodeSize(501 * MB, 'oss'),
    { field: 'code', rule: 'size', says: ['at most 500.0 MB through OSS', 'got 501.0 MB'] },
  ],
]);

table('environmentVariables: key format, FC_ reserved, 4 KB in all', [
  ['plain', () => validateEnvironmentVariables({ NODE_ENV: 'production', a1_B: 'x' }), undefined],
  ['empty object', () => validateEnvironmentVariables({}), undefined],
  ['absent', () => validateEnvironmentVariables(undefined), undefined],
  [
    'key starting with a digit',
    () => validateEnvironmentVariables({ '1KEY': 'v' }),
    { field: 'environmentVariables', rule: 'key-format', says: ['start with a letter', 'got key "1KEY"', 'Try KEY.'] },
  ],
  [
    'key starting with _',
    () => validateEnvironmentVariables({ _KEY: 'v' }),
    { field: 'environmentVariables', rule: 'key-format' },
  ],
  [
    'key with a dash',
    () => validateEnvironmentVariables({ 'MY-KEY': 'v' }),
    { field: 'environmentVariables', rule: 'key-format', says: ['Try MY_KEY.'] },
  ],
  [
    'FC_ prefix',
    () => validateEnvironmentVariables({ FC_REGION: 'v' }),
    { field: 'environmentVariables', rule: 'reserved-prefix', says: ['reserved', 'got key "FC_REGION"', 'APP_REGION'] },
  ],
  [
    'a number value',
    () => validateEnvironmentVariables({ PORT: 8080 }),
    { field: 'environmentVariables', rule: 'type', says: ['key "PORT" must be a string', 'got a number'] },
  ],
  [
    'an array instead of an object',
    () => validateEnvironmentVariables(['A=1']),
    { field: 'environmentVariables', rule: 'type', says: ['got an array'] },
  ],
  ['just under 4 KB', () => validateEnvironmentVariables({ A: 'x'.repeat(4096 - '{"A":""}'.length) }), undefined],
  [
    'just over 4 KB',
    () => validateEnvironmentVariables({ A: 'x'.repeat(4097 - '{"A":""}'.length) }),
    { field: 'environmentVariables', rule: 'total-size', says: ['at most 4096 bytes', 'got 4097 bytes over 1 key.'] },
  ],
]);

table('validateEnvKey: one key as typed in the wizard', [
  ['plain', () => validateEnvKey('DATABASE_URL'), undefined],
  ['lower case', () => validateEnvKey('debug'), undefined],
  ['empty', () => validateEnvKey(''), { field: 'environmentVariables', rule: 'key-format', says: ['got key ""'] }],
  ['a dot', () => validateEnvKey('a.b'), { field: 'environmentVariables', rule: 'key-format', says: ['Try a_b.'] }],
  ['reserved', () => validateEnvKey('FC_FUNC'), { field: 'environmentVariables', rule: 'reserved-prefix' }],
  ['fc_ in lower case is not the reserved prefix', () => validateEnvKey('fc_mode'), undefined],
]);

table('layers: at most 5, {hash}#{name}#{version} or an ARN', [
  ['a hash reference', () => validateLayers(['02f81d283888f5ec63442a88fe82b260#Layer-name#1']), undefined],
  ['an ARN', () => validateLayers(['acs:fc:cn-hangzhou:123456789012:layers/my_layer/versions/3']), undefined],
  ['an official ARN', () => validateLayers(['acs:fc:cn-hangzhou:official:layers/Python39/versions/2']), undefined],
  ['five', () => validateLayers(['a#l#1', 'b#l#1', 'c#l#1', 'd#l#1', 'e#l#1']), undefined],
  [
    'six',
    () => validateLayers(['a#l#1', 'b#l#1', 'c#l#1', 'd#l#1', 'e#l#1', 'f#l#1']),
    { field: 'layers', rule: 'count', says: ['at most 5 layers', 'got 6'] },
  ],
  [
    'a bare name',
    () => validateLayers(['a#l#1', 'my-layer']),
    { field: 'layers', rule: 'format', says: ['layers[1]:', 'got "my-layer"'] },
  ],
  ['version 0', () => validateLayers(['abc#l#0']), { field: 'layers', rule: 'format' }],
  [
    'ARN without a version',
    () => validateLayers(['acs:fc:cn-hangzhou:123:layers/x']),
    { field: 'layers', rule: 'format' },
  ],
  ['not an array', () => validateLayers('a#l#1'), { field: 'layers', rule: 'type' }],
  [
    'twice the same',
    () => validateLayers(['a#l#1', 'a#l#1']),
    { field: 'layers', rule: 'duplicate', severity: 'warning' },
  ],
]);

table('JSON types: memorySize, timeout, initializationTimeout, caPort are JSON integers', [
  [
    'memorySize as a string',
    () => validateMemorySize('256'),
    {
      field: 'memorySize',
      rule: 'integer',
      says: ['a JSON integer, not a string', 'got "256"', 'Send 256 without quotes.'],
    },
  ],
  [
    'memorySize as a float',
    () => validateMemorySize(128.5),
    { field: 'memorySize', rule: 'integer', says: ['a whole number', 'got 128.5'] },
  ],
  ['timeout as a string', () => validateTimeout('60'), { field: 'timeout', rule: 'integer', says: ['got "60"'] }],
  ['timeout as a float', () => validateTimeout(1.5), { field: 'timeout', rule: 'integer' }],
  [
    'initializationTimeout as a string',
    () => validateInitializationTimeout('3'),
    { field: 'initializationTimeout', rule: 'integer' },
  ],
  [
    'initializationTimeout as a float',
    () => validateInitializationTimeout(2.5),
    { field: 'initializationTimeout', rule: 'integer' },
  ],
  [
    'caPort as a string',
    () => validateCaPort('custom', '9000'),
    { field: 'caPort', rule: 'integer', says: ['Send 9000 without quotes.'] },
  ],
  ['caPort as a float', () => validateCaPort('custom', 9000.5), { field: 'caPort', rule: 'integer' }],
  [
    'memorySize as a boolean',
    () => validateMemorySize(true),
    { field: 'memorySize', rule: 'integer', says: ['got true'] },
  ],
  ['NaN', () => validateTimeout(Number.NaN), { field: 'timeout', rule: 'integer' }],
]);

table('instanceType', [
  ['e1', () => validateInstanceType('e1'), undefined],
  ['c1', () => validateInstanceType('c1'), undefined],
  [
    'unknown: a warning',
    () => validateInstanceType('fc.gpu.tesla.1'),
    { field: 'instanceType', rule: 'unknown', severity: 'warning' },
  ],
  ['a number', () => validateInstanceType(1), { field: 'instanceType', rule: 'type' }],
]);

// ---------------------------------------------------------------------------------------------
// Secrets

describe('environment variable values never appear in an issue', () => {
  const SECRET = 'sk-live-DO-NOT-PRINT-1234567890';
  it.each([
    ['reserved key', { FC_TOKEN: SECRET }],
    ['bad key', { 'bad key': SECRET }],
    ['over 4 KB', { TOKEN: SECRET + 'x'.repeat(5000) }],
  ])('%s', (_name, env) => {
    const single = validateEnvironmentVariables(env);
    expect(single).toBeDefined();
    expect(JSON.stringify(single)).not.toContain(SECRET);
    const all = validateCreateFunction({ ...validCreate(), environmentVariables: env as Record<string, string> });
    expect(hasErrors(all)).toBe(true);
    expect(JSON.stringify(all)).not.toContain(SECRET);
    expect(formatIssues(all)).not.toContain(SECRET);
  });

  it('a non-string value is named by its key only', () => {
    const got = validateEnvironmentVariables({ PORT: 987654321 });
    expect(got?.value).toBe('PORT');
    expect(got?.message).not.toContain('987654321');
  });
});

// ---------------------------------------------------------------------------------------------
// Whole requests and combinations

function validCreate(): CreateFunctionRequest {
  return { functionName: 'hello', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: EMPTY_ZIP } };
}

const rulesOf = (issues: ValidationIssue[]): string[] => issues.map((i) => `${i.severity}:${i.field}/${i.rule}`);

describe('validateCreateFunction', () => {
  it('accepts a minimal valid request', () => {
    expect(validateCreateFunction(validCreate())).toEqual([]);
  });

  it('accepts the sample request of the API reference (minus the double code source)', () => {
    const sample = {
      code: { ossBucketName: 'demo-bucket', ossObjectName: 'demo-key' },
      layers: ['02f81d283888f5ec63442a88fe82b260#Layer-name#1'],
      description: 'test_description',
      functionName: 'function_name',
      handler: 'index.handler',
      initializationTimeout: 30,
      initializer: 'index.initializer',
      memorySize: 256,
      runtime: 'python3',
      timeout: 60,
    };
    expect(validateCreateFunction(sample)).toEqual([]);
  });

  it('accepts a custom-container request with an image and no code', () => {
    const req = {
      functionName: 'web',
      runtime: 'custom-container',
      handler: 'not-used',
      caPort: 8080,
      customContainerConfig: {
        image: 'registry.cn-hangzhou.aliyuncs.com/fc-demo/helloworld:v1beta1',
        command: '["/code/myserver"]',
        args: '["-arg1", "value1"]',
        accelerationType: 'Default' as const,
      },
    };
    expect(validateCreateFunction(req)).toEqual([]);
  });

  it('custom-container needs an image and no code', () => {
    const issues = validateCreateFunction({
      functionName: 'web',
      runtime: 'custom-container',
      handler: 'x',
      code: { zipFile: EMPTY_ZIP },
    });
    expect(rulesOf(issues)).toEqual(['error:customContainerConfig.image/required', 'error:code/not-allowed']);
  });

  it('a zip runtime needs code and refuses customContainerConfig', () => {
    const issues = validateCreateFunction({
      functionName: 'f',
      runtime: 'python3',
      handler: 'index.handler',
      customContainerConfig: { image: 'x' },
    });
    expect(rulesOf(issues)).toEqual(['error:customContainerConfig/not-allowed', 'error:code/required']);
  });

  it('reports every broken field, each once', () => {
    const issues = validateCreateFunction({
      functionName: '1bad',
      runtime: 'nodejs8',
      handler: 'index',
      memorySize: 100,
      timeout: 601,
      initializer: 'init',
      initializationTimeout: 301,
      caPort: 9000,
      environmentVariables: { FC_X: 'v' },
      layers: ['nope'],
      code: { zipFile: EMPTY_ZIP, ossBucketName: 'b', ossObjectName: 'o' },
    });
    expect(rulesOf(issues)).toEqual([
      'error:functionName/first-char',
      'error:runtime/deprecated',
      'error:handler/format',
      'error:initializer/format',
      'error:initializationTimeout/range',
      'error:memorySize/multiple',
      'error:timeout/range',
      'error:caPort/not-allowed',
      'error:environmentVariables/reserved-prefix',
      'error:layers/format',
      'error:code/exclusive',
    ]);
  });

  it('initializationTimeout without an initializer is a warning, not an error', () => {
    const issues = validateCreateFunction({ ...validCreate(), initializationTimeout: 10 });
    expect(rulesOf(issues)).toEqual(['warning:initializationTimeout/needs-initializer']);
    expect(hasErrors(issues)).toBe(false);
    expect(validateCreateFunction({ ...validCreate(), initializer: 'index.init', initializationTimeout: 10 })).toEqual(
      [],
    );
  });

  it("judges memory and timeout against the request's instance type", () => {
    expect(validateCreateFunction({ ...validCreate(), instanceType: 'c1', memorySize: 4096, timeout: 3600 })).toEqual(
      [],
    );
    expect(rulesOf(validateCreateFunction({ ...validCreate(), memorySize: 4096, timeout: 3600 }))).toEqual([
      'error:memorySize/range',
      'error:timeout/range',
    ]);
  });

  it('a large inline zip is judged by its raw size', () => {
    // 60 MB of base64-looking text that starts as a zip: only its length matters to the size check.
    const b64 = EMPTY_ZIP.slice(0, 4) + 'A'.repeat(Math.ceil((60 * MB * 4) / 3 / 4) * 4 - 4);
    const issues = validateCreateFunction({ ...validCreate(), code: { zipFile: b64 } });
    expect(rulesOf(issues)).toEqual(['warning:code/size-warning']);
  });

  it('flags unknown fields as warnings, with a near name', () => {
    const issues = validateCreateFunction({ ...validCreate(), memorysize: 256 } as CreateFunctionRequest);
    expect(rulesOf(issues)).toEqual(['warning:memorysize/unknown-field']);
    expect(issues[0]?.message).toContain('Did you mean memorySize?');
  });

  it('refuses a body that is not an object', () => {
    expect(rulesOf(validateCreateFunction('nope'))).toEqual(['error:request/type']);
  });
});

describe('validateUpdateFunction', () => {
  it('accepts an empty update and a partial one', () => {
    expect(validateUpdateFunction('nodejs20', {})).toEqual([]);
    expect(validateUpdateFunction('nodejs20', { memorySize: 512, code: { zipFile: EMPTY_ZIP } })).toEqual([]);
  });

  it("the deployed runtime's deprecation: warn in the no-create phase, refuse in the no-update phase", () => {
    expect(rulesOf(validateUpdateFunction('nodejs8', { timeout: 30 }))).toEqual(['warning:runtime/deprecated']);
    expect(rulesOf(validateUpdateFunction('nodejs6', { timeout: 30 }))).toEqual(['error:runtime/deprecated']);
  });

  it('moving to another runtime is checked like a create; moving off a dead one is fine', () => {
    expect(rulesOf(validateUpdateFunction('nodejs20', { runtime: 'nodejs8' }))).toEqual(['error:runtime/deprecated']);
    expect(validateUpdateFunction('nodejs6', { runtime: 'nodejs20' })).toEqual([]);
  });

  it('checks the handler and initializer against the target runtime', () => {
    expect(rulesOf(validateUpdateFunction('java11', { handler: 'index.handler' }))).toEqual(['error:handler/format']);
    expect(validateUpdateFunction('java11', { runtime: 'nodejs20', handler: 'index.handler' })).toEqual([]);
    expect(rulesOf(validateUpdateFunction('python3', { initializer: 'example.App::init' }))).toEqual([
      'error:initializer/format',
    ]);
    expect(rulesOf(validateUpdateFunction('python3', { handler: '' }))).toEqual(['error:handler/required']);
  });

  it('functionName cannot change', () => {
    expect(rulesOf(validateUpdateFunction('nodejs20', { functionName: 'x' } as never))).toEqual([
      'error:functionName/not-allowed',
    ]);
  });

  it('combinations: caPort, container config and code follow the target runtime', () => {
    expect(rulesOf(validateUpdateFunction('python3', { caPort: 9000 }))).toEqual(['error:caPort/not-allowed']);
    expect(validateUpdateFunction('custom', { caPort: 9000 })).toEqual([]);
    expect(rulesOf(validateUpdateFunction('custom-container', { code: { zipFile: EMPTY_ZIP } }))).toEqual([
      'error:code/not-allowed',
    ]);
    expect(rulesOf(validateUpdateFunction('python3', { runtime: 'custom-container' }))).toEqual([
      'error:customContainerConfig.image/required',
    ]);
    expect(rulesOf(validateUpdateFunction('custom-container', { runtime: 'custom' }))).toEqual(['error:code/required']);
    expect(rulesOf(validateUpdateFunction('nodejs20', { code: { ossBucketName: 'bkt' } }))).toEqual([
      'error:code.ossObjectName/oss-pair',
    ]);
  });

  it('uses the deployed instance type for memory when the update does not set one', () => {
    expect(validateUpdateFunction('nodejs20', { memorySize: 8192 }, { instanceType: 'c1' })).toEqual([]);
    expect(rulesOf(validateUpdateFunction('nodejs20', { memorySize: 8192 }))).toEqual(['error:memorySize/range']);
  });

  it('a runtime fcw does not know is a warning on update (the function exists on it)', () => {
    expect(rulesOf(validateUpdateFunction('nodejs22', { timeout: 10 }))).toEqual(['warning:runtime/enum']);
  });
});

describe('validateCreateService', () => {
  it('accepts a name alone and a full request', () => {
    expect(validateCreateService({ serviceName: 'demo' })).toEqual([]);
    expect(
      validateCreateService({
        serviceName: 'demo',
        description: 'd',
        role: 'acs:ram::123456789012:role/AliyunFCDefaultRole',
        internetAccess: true,
        logConfig: { project: 'p', logstore: 's' },
      }),
    ).toEqual([]);
  });

  it('reports a bad name, role, internetAccess and a half log config', () => {
    const issues = validateCreateService({
      serviceName: '-x',
      role: 'AliyunFCDefaultRole',
      internetAccess: 'yes' as unknown as boolean,
      logConfig: { project: 'p' },
    });
    expect(rulesOf(issues)).toEqual([
      'error:serviceName/first-char',
      'error:role/format',
      'error:internetAccess/type',
      'error:logConfig.logstore/pair',
    ]);
  });
});

describe('helpers', () => {
  it('formatIssues lists errors first, one line each, and nothing for no issues', () => {
    const issues = validateCreateFunction({ ...validCreate(), initializationTimeout: 5, memorySize: 100 });
    expect(formatIssues(issues).split('\n')).toEqual([
      'error: memorySize: must be a multiple of 64 MB between 128 and 3072 (elastic instance); got 100. Try 128.',
      'warning: initializationTimeout: only applies with an initializer; got 5 and no initializer. Set initializer or drop initializationTimeout.',
    ]);
    expect(formatIssues([])).toBe('');
  });

  it('base64DecodedBytes matches Buffer for every padding', () => {
    for (const n of [0, 1, 2, 3, 4, 22, 1000]) {
      const b64 = Buffer.alloc(n, 7).toString('base64');
      expect(base64DecodedBytes(b64)).toBe(n);
    }
  });

  it('suggestRuntime finds near ids and refuses far ones', () => {
    expect(suggestRuntime('Python3.10')).toBe('python3.10');
    expect(suggestRuntime('java')).toBe('java8');
    expect(suggestRuntime('rust')).toBeUndefined();
  });
});
