// The FC 2.0 rules as data: runtimes, handler formats and the per-field rule texts.
// One source of truth: the validators (validate.ts), the wizard's hints, the CLI's
// errors and the sandbox's checks all read these tables, and every number comes from limits.ts.

import {
  CA_PORT_DEFAULT,
  CA_PORT_MAX,
  CA_PORT_MIN,
  CODE_INLINE_MAX_BYTES,
  CODE_INLINE_WARN_BYTES,
  CODE_OSS_MAX_BYTES,
  ENV_RESERVED_PREFIX,
  ENV_TOTAL_MAX_BYTES,
  FUNCTION_NAME_MAX_LENGTH,
  INIT_TIMEOUT_DEFAULT_S,
  INIT_TIMEOUT_MAX_S,
  INIT_TIMEOUT_MIN_S,
  LAYERS_MAX,
  MEMORY_DEFAULT_MB,
  MEMORY_ELASTIC_MAX_MB,
  MEMORY_ELASTIC_MIN_MB,
  MEMORY_PERFORMANCE_SIZES_MB,
  MEMORY_STEP_MB,
  SERVICE_NAME_MAX_LENGTH,
  TIMEOUT_DEFAULT_S,
  TIMEOUT_MAX_S,
  TIMEOUT_MIN_S,
  TIMEOUT_PERFORMANCE_MAX_S,
} from './limits.js';

// ---------------------------------------------------------------------------------------------
// Handler formats

export type HandlerFormatId = 'file.function' | 'java' | 'dotnet' | 'go' | 'any';

export interface HandlerFormat {
  /** The shape in a few characters: `[dir/]file.function`. */
  form: string;
  /** One line, shown beside the handler field and in errors. */
  description: string;
  example: string;
  pattern: RegExp;
}

// A path segment of a file or directory: no leading dot, so `..` and hidden paths cannot sneak in.
const SEGMENT = '[A-Za-z0-9_-][A-Za-z0-9_.-]*';
const IDENT = '[A-Za-z_$][A-Za-z0-9_$]*';
const CS_IDENT = '[A-Za-z_][A-Za-z0-9_]*';

export const HANDLER_FORMATS: Readonly<Record<HandlerFormatId, HandlerFormat>> = {
  'file.function': {
    form: '[dir/]file.function',
    description: 'the file path from the package root without its extension, a dot, then the exported function',
    example: 'index.handler',
    // The LAST dot separates the file from the function, so `dir/my.module.handler` is file
    // `dir/my.module`. The function part is an identifier (JS/Python/PHP).
    pattern: new RegExp(`^(?:${SEGMENT}/)*[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.${IDENT}$`),
  },
  java: {
    form: 'package.Class::method',
    description: 'the fully qualified class, two colons, then the method',
    example: 'example.App::handleRequest',
    pattern: new RegExp(`^${IDENT}(?:\\.${IDENT})*::${IDENT}$`),
  },
  dotnet: {
    form: 'Assembly::Namespace.Class::Method',
    description: 'the assembly, the fully qualified class and the method, joined by two colons',
    example: 'HelloFcApp::Example.Hello::StreamHandler',
    pattern: new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.-]*::${CS_IDENT}(?:\\.${CS_IDENT})*::${CS_IDENT}$`),
  },
  go: {
    form: 'path/to/binary',
    description: "the compiled binary's path inside the package, relative to its root",
    example: 'main',
    pattern: new RegExp(`^(?:${SEGMENT}/)*${SEGMENT}$`),
  },
  any: {
    form: 'any text',
    description: 'any non-empty text: the server in your code decides what it means',
    example: 'index.handler',
    pattern: /\S/,
  },
};

// ---------------------------------------------------------------------------------------------
// Runtimes

export type RuntimeLanguage = 'nodejs' | 'python' | 'java' | 'php' | 'dotnet' | 'go' | 'custom' | 'container';
export type RuntimeStatus = 'current' | 'preview' | 'deprecated-no-create' | 'deprecated-no-update';

export interface RuntimeInfo {
  id: string;
  language: RuntimeLanguage;
  /** The language's display name: "Node.js", "Python", … */
  languageLabel: string;
  /** The runtime's display name: "Node.js 20". */
  label: string;
  defaultHandler: string;
  handlerFormat: HandlerFormatId;
  status: RuntimeStatus;
  /** What the status means for creating and updating a function on this runtime. */
  statusNote: string;
  /** custom, custom.debian*, custom-container: the code is an HTTP server, caPort applies. */
  isCustom: boolean;
  /** custom-container: code comes from an image, never from a zip. */
  usesImage: boolean;
}

export const LANGUAGE_LABELS: Readonly<Record<RuntimeLanguage, string>> = {
  nodejs: 'Node.js',
  python: 'Python',
  java: 'Java',
  php: 'PHP',
  dotnet: '.NET',
  go: 'Go',
  custom: 'Custom runtime',
  container: 'Custom container',
};

/** The wizard's order of languages. */
const LANGUAGE_ORDER: readonly RuntimeLanguage[] = [
  'nodejs',
  'python',
  'java',
  'php',
  'dotnet',
  'go',
  'custom',
  'container',
];

/**
 * Which runtimes are deprecated, and how far. This reflects FC's public runtime deprecation
 * schedule as best known (two phases: first no new functions, then no updates either); it is
 * the ONE place to change when FC moves a runtime along. Runtimes not listed are current unless
 * marked preview in the table below.
 * - nodejs4.4 and nodejs6: long past end of life; FC has reached the second phase.
 * - nodejs8, python2.7, dotnetcore2.1: end of life; FC refuses new functions, updates still work.
 */
export const RUNTIME_DEPRECATIONS: Readonly<Record<string, 'deprecated-no-create' | 'deprecated-no-update'>> = {
  'nodejs4.4': 'deprecated-no-update',
  nodejs6: 'deprecated-no-update',
  nodejs8: 'deprecated-no-create',
  'python2.7': 'deprecated-no-create',
  'dotnetcore2.1': 'deprecated-no-create',
};

/** Runtimes FC offers in preview: usable, but their behaviour and availability may still change. */
export const RUNTIME_PREVIEWS: ReadonlySet<string> = new Set(['python3.12', 'custom.debian11', 'custom.debian12']);

interface RuntimeSeed {
  id: string;
  language: RuntimeLanguage;
  label: string;
}

// Within a language, newest first: that is the order the wizard shows among equal statuses.
const RUNTIME_SEEDS: readonly RuntimeSeed[] = [
  { id: 'nodejs20', language: 'nodejs', label: 'Node.js 20' },
  { id: 'nodejs18', language: 'nodejs', label: 'Node.js 18' },
  { id: 'nodejs16', language: 'nodejs', label: 'Node.js 16' },
  { id: 'nodejs14', language: 'nodejs', label: 'Node.js 14' },
  { id: 'nodejs12', language: 'nodejs', label: 'Node.js 12' },
  { id: 'nodejs10', language: 'nodejs', label: 'Node.js 10' },
  { id: 'nodejs8', language: 'nodejs', label: 'Node.js 8' },
  { id: 'nodejs6', language: 'nodejs', label: 'Node.js 6' },
  { id: 'nodejs4.4', language: 'nodejs', label: 'Node.js 4.4' },
  { id: 'python3.12', language: 'python', label: 'Python 3.12' },
  { id: 'python3.10', language: 'python', label: 'Python 3.10' },
  { id: 'python3.9', language: 'python', label: 'Python 3.9' },
  { id: 'python3', language: 'python', label: 'Python 3.6' },
  { id: 'python2.7', language: 'python', label: 'Python 2.7' },
  { id: 'java11', language: 'java', label: 'Java 11' },
  { id: 'java8', language: 'java', label: 'Java 8' },
  { id: 'php7.2', language: 'php', label: 'PHP 7.2' },
  { id: 'dotnetcore3.1', language: 'dotnet', label: '.NET Core 3.1' },
  { id: 'dotnetcore2.1', language: 'dotnet', label: '.NET Core 2.1' },
  { id: 'go1', language: 'go', label: 'Go 1' },
  { id: 'custom.debian12', language: 'custom', label: 'Custom runtime (Debian 12)' },
  { id: 'custom.debian11', language: 'custom', label: 'Custom runtime (Debian 11)' },
  { id: 'custom.debian10', language: 'custom', label: 'Custom runtime (Debian 10)' },
  { id: 'custom', language: 'custom', label: 'Custom runtime (Debian 9)' },
  { id: 'custom-container', language: 'container', label: 'Custom container image' },
];

const HANDLER_FORMAT_BY_LANGUAGE: Readonly<Record<RuntimeLanguage, HandlerFormatId>> = {
  nodejs: 'file.function',
  python: 'file.function',
  php: 'file.function',
  java: 'java',
  dotnet: 'dotnet',
  go: 'go',
  custom: 'any',
  container: 'any',
};

const DEFAULT_HANDLER_BY_FORMAT: Readonly<Record<HandlerFormatId, string>> = {
  'file.function': 'index.handler',
  java: 'example.App::handleRequest',
  dotnet: 'HelloFcApp::Example.Hello::StreamHandler',
  go: 'main',
  any: 'index.handler',
};

function statusOf(id: string): RuntimeStatus {
  return RUNTIME_DEPRECATIONS[id] ?? (RUNTIME_PREVIEWS.has(id) ? 'preview' : 'current');
}

function statusNoteOf(id: string, status: RuntimeStatus): string {
  switch (status) {
    case 'current':
      return `current: new functions can be created on ${id} and existing ones updated`;
    case 'preview':
      return `preview: functions can be created on ${id} and updated, but FC may still change or withdraw it`;
    case 'deprecated-no-create':
      return `deprecated: FC no longer accepts new functions on ${id}; existing ones can still be updated`;
    case 'deprecated-no-update':
      return `deprecated: FC accepts neither new functions nor updates on ${id}; move existing functions to a current runtime`;
  }
}

export const RUNTIMES: readonly RuntimeInfo[] = RUNTIME_SEEDS.map((seed): RuntimeInfo => {
  const handlerFormat = HANDLER_FORMAT_BY_LANGUAGE[seed.language];
  const status = statusOf(seed.id);
  return Object.freeze({
    id: seed.id,
    language: seed.language,
    languageLabel: LANGUAGE_LABELS[seed.language],
    label: seed.label,
    defaultHandler: DEFAULT_HANDLER_BY_FORMAT[handlerFormat],
    handlerFormat,
    status,
    statusNote: statusNoteOf(seed.id, status),
    isCustom: seed.language === 'custom' || seed.language === 'container',
    usesImage: seed.language === 'container',
  });
});

const RUNTIME_BY_ID: ReadonlyMap<string, RuntimeInfo> = new Map(RUNTIMES.map((r) => [r.id, r]));

export const DEFAULT_RUNTIME = 'nodejs20';

export function getRuntime(id: unknown): RuntimeInfo | undefined {
  return typeof id === 'string' ? RUNTIME_BY_ID.get(id) : undefined;
}

/** Whether a runtime accepts the operation (unknown runtimes accept nothing). */
export function runtimeAllows(id: string, mode: 'create' | 'update'): boolean {
  const info = getRuntime(id);
  if (!info) return false;
  if (info.status === 'deprecated-no-update') return false;
  if (info.status === 'deprecated-no-create') return mode === 'update';
  return true;
}

export interface RuntimeGroup {
  language: RuntimeLanguage;
  label: string;
  runtimes: RuntimeInfo[];
}

const STATUS_RANK: Readonly<Record<RuntimeStatus, number>> = {
  current: 0,
  preview: 1,
  'deprecated-no-create': 2,
  'deprecated-no-update': 3,
};

/**
 * The runtimes grouped by language for the wizard: languages in a fixed order; inside a group
 * current ones first (newest first), then preview, then deprecated ones last.
 */
export function runtimesByLanguage(): RuntimeGroup[] {
  return LANGUAGE_ORDER.map((language) => ({
    language,
    label: LANGUAGE_LABELS[language],
    runtimes: RUNTIMES.filter((r) => r.language === language)
      // Deprecated ones last; the others newest version first, compared as versions (python3.12
      // before python3.10 before python3.9 before python3), whether current or preview.
      .sort((a, b) => deprecatedRank(a) - deprecatedRank(b) || compareVersionsDescending(a.id, b.id)),
  })).filter((g) => g.runtimes.length > 0);
}

function deprecatedRank(r: RuntimeInfo): number {
  return r.status.startsWith('deprecated') ? STATUS_RANK[r.status] : 0;
}

/** The numbers in a runtime id, in order: python3.10 → [3, 10], custom.debian12 → [12], custom → []. */
function versionOf(id: string): number[] {
  return (id.match(/\d+/g) ?? []).map(Number);
}

/** Newer first, number by number; an id with fewer numbers (python3, custom) is the older. */
export function compareVersionsDescending(a: string, b: string): number {
  const va = versionOf(a);
  const vb = versionOf(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const x = va[i] ?? -1;
    const y = vb[i] ?? -1;
    if (x !== y) return y - x;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Instance types, memory and timeout ranges

/** `e1` elastic (the default) and `c1` performance are the instance types whose limits fcw knows. */
export const INSTANCE_TYPES = ['e1', 'c1'] as const;
export type KnownInstanceType = (typeof INSTANCE_TYPES)[number];
export const DEFAULT_INSTANCE_TYPE: KnownInstanceType = 'e1';

export function instanceKind(instanceType?: string): 'elastic' | 'performance' | 'unknown' {
  if (instanceType === undefined || instanceType === '' || instanceType === 'e1') return 'elastic';
  if (instanceType === 'c1') return 'performance';
  return 'unknown';
}

/** The memory sizes (MB) an instance type accepts; unknown types get the elastic list. */
export function memoryChoices(instanceType?: string): number[] {
  if (instanceKind(instanceType) === 'performance') return [...MEMORY_PERFORMANCE_SIZES_MB];
  const sizes: number[] = [];
  for (let mb = MEMORY_ELASTIC_MIN_MB; mb <= MEMORY_ELASTIC_MAX_MB; mb += MEMORY_STEP_MB) sizes.push(mb);
  return sizes;
}

export function timeoutMax(instanceType?: string): number {
  return instanceKind(instanceType) === 'elastic' ? TIMEOUT_MAX_S : TIMEOUT_PERFORMANCE_MAX_S;
}

export function memoryRuleText(instanceType?: string): string {
  if (instanceKind(instanceType) === 'performance') {
    return `one of ${MEMORY_PERFORMANCE_SIZES_MB.join(', ')} MB (performance instance)`;
  }
  return `a multiple of ${MEMORY_STEP_MB} MB between ${MEMORY_ELASTIC_MIN_MB} and ${MEMORY_ELASTIC_MAX_MB} (elastic instance)`;
}

export function timeoutRuleText(instanceType?: string): string {
  const kind = instanceKind(instanceType);
  const label =
    kind === 'elastic'
      ? 'elastic instance'
      : kind === 'performance'
        ? 'performance instance'
        : `instance type ${instanceType}`;
  return `whole seconds from ${TIMEOUT_MIN_S} to ${timeoutMax(instanceType)} (${label})`;
}

// ---------------------------------------------------------------------------------------------
// Name, environment, layer and OSS patterns (not caps, so they live here rather than in limits.ts)

/** Service and function names: letters, digits, `_`, `-`; the first is a letter or `_`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** An environment variable's key: a letter, then letters, digits, `_`. */
export const ENV_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
/** `{hash}#{layerName}#{version}`. */
export const LAYER_REF_PATTERN = /^[A-Za-z0-9]+#[A-Za-z0-9_-]+#[1-9][0-9]*$/;
/** `acs:fc:{region}:{accountId}:layers/{name}/versions/{n}` (accountId may be `official`). */
export const LAYER_ARN_PATTERN = /^acs:fc:[a-z0-9-]+:[A-Za-z0-9_-]+:layers\/[A-Za-z0-9_-]+\/versions\/[1-9][0-9]*$/;
/** OSS bucket names: 3–63 lower-case letters, digits, `-`, starting and ending with a letter or digit. */
export const OSS_BUCKET_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export const OSS_OBJECT_MAX_BYTES = 1023;
export const ACCELERATION_TYPES = ['Default', 'None'] as const;

// ---------------------------------------------------------------------------------------------
// Field rules: label, one-line rule and default, for hints, errors and checks alike

export type FieldName =
  | 'serviceName'
  | 'functionName'
  | 'runtime'
  | 'handler'
  | 'memorySize'
  | 'timeout'
  | 'initializer'
  | 'initializationTimeout'
  | 'caPort'
  | 'environmentVariables'
  | 'layers'
  | 'code'
  | 'instanceType'
  | 'customContainerConfig.image'
  | 'customContainerConfig.command'
  | 'customContainerConfig.args'
  | 'customContainerConfig.accelerationType';

export interface FieldRule {
  label: string;
  rule: string;
  default?: string | number;
}

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

export const FIELD_RULES: Readonly<Record<FieldName, FieldRule>> = {
  serviceName: {
    label: 'Service name',
    rule: `letters, digits, _ and -; starts with a letter or _; 1–${SERVICE_NAME_MAX_LENGTH} characters`,
  },
  functionName: {
    label: 'Function name',
    rule: `letters, digits, _ and -; starts with a letter or _; 1–${FUNCTION_NAME_MAX_LENGTH} characters`,
  },
  runtime: {
    label: 'Runtime',
    rule: 'one of the FC 2.0 runtimes; deprecated ones refuse new functions, then updates',
    default: DEFAULT_RUNTIME,
  },
  handler: {
    label: 'Handler',
    rule: 'required; its format depends on the runtime (Node.js, Python, PHP: file.function)',
    default: 'index.handler',
  },
  memorySize: { label: 'Memory (MB)', rule: memoryRuleText(), default: MEMORY_DEFAULT_MB },
  timeout: { label: 'Timeout (s)', rule: timeoutRuleText(), default: TIMEOUT_DEFAULT_S },
  initializer: {
    label: 'Initializer',
    rule: 'optional; the same format as the handler; runs once per instance before the first request',
  },
  initializationTimeout: {
    label: 'Initializer timeout (s)',
    rule: `whole seconds from ${INIT_TIMEOUT_MIN_S} to ${INIT_TIMEOUT_MAX_S}; only used with an initializer`,
    default: INIT_TIMEOUT_DEFAULT_S,
  },
  caPort: {
    label: 'Listening port',
    rule: `custom runtimes only; ${CA_PORT_MIN}–${CA_PORT_MAX}; the server must listen on 0.0.0.0`,
    default: CA_PORT_DEFAULT,
  },
  environmentVariables: {
    label: 'Environment variables',
    rule: `KEY=value; a key starts with a letter, then letters, digits, _; ${ENV_RESERVED_PREFIX} is reserved; at most ${ENV_TOTAL_MAX_BYTES} bytes in all`,
  },
  layers: {
    label: 'Layers',
    rule: `at most ${LAYERS_MAX}, each {hash}#{name}#{version} or acs:fc:{region}:{accountId}:layers/{name}/versions/{n}; earlier ones win on file clashes`,
  },
  code: {
    label: 'Code',
    rule: `exactly one of a zip (at most ${mb(CODE_INLINE_MAX_BYTES)} inline, OSS advised from ${mb(CODE_INLINE_WARN_BYTES)}) or an OSS bucket and object (at most ${mb(CODE_OSS_MAX_BYTES)}); none for custom-container`,
  },
  instanceType: {
    label: 'Instance type',
    rule: 'e1 (elastic, the default) or c1 (performance); it decides the memory and timeout ranges',
    default: DEFAULT_INSTANCE_TYPE,
  },
  'customContainerConfig.image': {
    label: 'Image',
    rule: 'required for custom-container: the image address, e.g. registry.cn-hangzhou.aliyuncs.com/ns/repo:tag',
  },
  'customContainerConfig.command': {
    label: 'Command',
    rule: 'optional; a JSON array of strings, e.g. ["/code/myserver"]',
  },
  'customContainerConfig.args': {
    label: 'Arguments',
    rule: 'optional; a JSON array of strings, e.g. ["--port", "9000"]',
  },
  'customContainerConfig.accelerationType': {
    label: 'Image acceleration',
    rule: `${ACCELERATION_TYPES.join(' or ')}`,
    default: 'Default',
  },
};

/** The handler rule for one runtime (unknown runtimes: the generic rule). */
export function handlerRuleText(runtimeId: string, field: 'handler' | 'initializer' = 'handler'): string {
  const info = getRuntime(runtimeId);
  if (!info) return FIELD_RULES[field].rule;
  const fmt = HANDLER_FORMATS[info.handlerFormat];
  return `${field === 'handler' ? 'required; ' : 'optional; '}${fmt.form}: ${fmt.description} (e.g. ${field === 'initializer' ? initializerExample(info) : fmt.example})`;
}

/** A plausible initializer for a runtime: the default handler with the function renamed. */
export function initializerExample(info: RuntimeInfo): string {
  switch (info.handlerFormat) {
    case 'file.function':
      return 'index.initializer';
    case 'java':
      return 'example.App::initialize';
    case 'dotnet':
      return 'HelloFcApp::Example.Hello::Initialize';
    default:
      return info.defaultHandler;
  }
}
