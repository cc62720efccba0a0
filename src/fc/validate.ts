// Validators for every CreateFunction / UpdateFunction / CreateService field and their combinations.
// They read rules.ts and limits.ts only, so the wizard, the CLI and the sandbox give the same verdict
// with the same words. Each message names the field, the rule, the value given and the fix, e.g.
//   memorySize: must be a multiple of 64 MB between 128 and 3072 (elastic instance); got 100. Try 128.
// Environment variable VALUES are never put into a message or an issue's `value` (they may be secrets).

import { isStandardBase64 } from '../core/base64.js';
import { formatBytes } from '../core/bytes.js';
import { isRecord } from '../core/is-record.js';
import {
  CA_PORT_MAX,
  CA_PORT_MIN,
  CODE_INLINE_MAX_BYTES,
  CODE_INLINE_WARN_BYTES,
  CODE_OSS_MAX_BYTES,
  CPU_MAX,
  CPU_MIN,
  CPU_STEP,
  DISK_SIZES_MB,
  ENV_RESERVED_PREFIX,
  ENV_TOTAL_MAX_BYTES,
  FUNCTION_NAME_MAX_LENGTH,
  INIT_TIMEOUT_MAX_S,
  INIT_TIMEOUT_MIN_S,
  INSTANCE_CONCURRENCY_MAX,
  INSTANCE_CONCURRENCY_MIN,
  LAYERS_MAX,
  MEMORY_ELASTIC_MAX_MB,
  MEMORY_ELASTIC_MIN_MB,
  MEMORY_PER_CPU_MAX_MB,
  MEMORY_PER_CPU_MIN_MB,
  MEMORY_PERFORMANCE_SIZES_MB,
  MEMORY_STEP_MB,
  SERVICE_NAME_MAX_LENGTH,
  TIMEOUT_MIN_S,
  TIMEOUT_PERFORMANCE_MAX_S,
} from './limits.js';
import {
  ACCELERATION_TYPES,
  DEFAULT_RUNTIME,
  ENV_KEY_PATTERN,
  HANDLER_FORMATS,
  INSTANCE_TYPES,
  LAYER_ARN_PATTERN,
  LAYER_REF_PATTERN,
  NAME_PATTERN,
  OSS_BUCKET_PATTERN,
  OSS_OBJECT_MAX_BYTES,
  RUNTIMES,
  getRuntime,
  initializerExample,
  instanceKind,
  memoryRuleText,
  runtimeAllows,
  timeoutMax,
  timeoutRuleText,
  type RuntimeInfo,
} from './rules.js';
import { FUNCTION_CONFIG_FIELDS, SERVICE_CONFIG_FIELDS } from './config-fields.js';
import type { CreateFunctionRequest, CreateServiceRequest, UpdateFunctionRequest } from './types.js';

export interface ValidationIssue {
  /** The request field, dotted for nested ones: `customContainerConfig.image`. */
  field: string;
  /** A short rule id: required, type, integer, range, multiple, length, pattern, first-char, enum,
   *  deprecated, format, not-allowed, exclusive, oss-pair, json-array, reserved-prefix, total-size,
   *  count, size, base64, zip, needs-initializer, unknown-field, … */
  rule: string;
  /** The value given (for environment variables: the key or the byte count, never a value). */
  value: unknown;
  message: string;
  severity: 'error' | 'warning';
}

export type Mode = 'create' | 'update';

// ---------------------------------------------------------------------------------------------
// Message helpers

const SHOW_MAX = 60;

/** The value as a message shows it: strings quoted and cut, `nothing` for a missing value. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const cut = value.length > SHOW_MAX ? `${value.slice(0, SHOW_MAX)}…` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX)}…` : text;
}

function issue(
  field: string,
  rule: string,
  value: unknown,
  message: string,
  severity: 'error' | 'warning' = 'error',
): ValidationIssue {
  return { field, rule, value, message, severity };
}

/** `field: must be RULE; got VALUE. FIX` */
function must(
  field: string,
  rule: string,
  value: unknown,
  ruleText: string,
  fix?: string,
  label = field,
): ValidationIssue {
  return issue(field, rule, value, `${label}: must be ${ruleText}; got ${showValue(value)}.${fix ? ` ${fix}` : ''}`);
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/**
 * The JSON-integer check shared by memorySize, timeout, initializationTimeout and caPort: the API
 * wants a JSON number without a fraction, and a quoted "128" is the commonest slip.
 */
function checkInteger(field: string, v: unknown, ruleText: string): ValidationIssue | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return undefined;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) {
    return must(field, 'integer', v, 'a JSON integer, not a string', `Send ${Number(v)} without quotes.`);
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    return must(field, 'integer', v, `a whole number (${ruleText})`, `Try ${Math.round(v)}.`);
  }
  return must(field, 'integer', v, `a JSON integer (${ruleText})`);
}

// ---------------------------------------------------------------------------------------------
// Names

/** A valid name close to what was typed: invalid characters to `-`, a prefix if the start is wrong. */
export function suggestName(v: string, prefix: string, max: number): string {
  let s = v.trim().replace(/[^A-Za-z0-9_-]+/g, '-');
  if (!/^[A-Za-z_]/.test(s)) s = `${prefix}${s.replace(/^-+/, '')}`;
  s = s.slice(0, max).replace(/-+$/, '');
  return NAME_PATTERN.test(s) ? s : prefix.replace(/-$/, '');
}

function validateName(
  field: string,
  v: unknown,
  max: number,
  prefix: string,
  example: string,
): ValidationIssue | undefined {
  const rule = `letters, digits, _ and -, starting with a letter or _, 1–${max} characters`;
  if (isMissing(v) || v === '') {
    return issue(
      field,
      'required',
      v,
      `${field}: is required (${rule}); got ${showValue(v === '' ? '' : undefined)}. Try "${example}".`,
    );
  }
  if (typeof v !== 'string') return must(field, 'type', v, `a string (${rule})`);
  const fix = `Try "${suggestName(v, prefix, max)}".`;
  if (v.length > max) {
    return issue(
      field,
      'length',
      v,
      `${field}: must be 1–${max} characters; got ${v.length} characters (${showValue(v)}). ${fix}`,
    );
  }
  const bad = /[^A-Za-z0-9_-]/.exec(v);
  if (bad) {
    const what = bad[0] === ' ' ? 'a space' : JSON.stringify(bad[0]);
    return issue(
      field,
      'pattern',
      v,
      `${field}: may hold only letters, digits, _ and -; got ${showValue(v)} (${what} at position ${bad.index + 1}). ${fix}`,
    );
  }
  if (!NAME_PATTERN.test(v)) {
    return issue(
      field,
      'first-char',
      v,
      `${field}: must start with a letter or _ (not a digit or -); got ${showValue(v)}. ${fix}`,
    );
  }
  return undefined;
}

export function validateServiceName(v: unknown): ValidationIssue | undefined {
  return validateName('serviceName', v, SERVICE_NAME_MAX_LENGTH, 'svc-', 'my-service');
}

export function validateFunctionName(v: unknown): ValidationIssue | undefined {
  return validateName('functionName', v, FUNCTION_NAME_MAX_LENGTH, 'fn-', 'my-function');
}

// ---------------------------------------------------------------------------------------------
// Runtime

function editDistance(a: string, b: string): number {
  // One row of the table at a time: above[j] is the distance from a's prefix so far to b's first j
  // characters, so it has b.length + 1 entries and every index below is in range.
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    above = row;
  }
  return above[b.length]!;
}

const STATUS_ORDER = ['current', 'preview', 'deprecated-no-create', 'deprecated-no-update'];

/** The closest runtime id to a typo ("node20" → nodejs20), preferring usable ones; or undefined. */
export function suggestRuntime(v: string): string | undefined {
  const wanted = v.trim().toLowerCase();
  let best: { id: string; d: number; rank: number } | undefined;
  for (const r of RUNTIMES) {
    const d = editDistance(wanted, r.id);
    const rank = STATUS_ORDER.indexOf(r.status);
    if (!best || d < best.d || (d === best.d && rank < best.rank)) best = { id: r.id, d, rank };
  }
  if (!best) return undefined;
  return best.d <= Math.max(2, Math.floor(wanted.length / 3)) ? best.id : undefined;
}

/** The newest current runtime of the same language (what to move a deprecated function to). */
export function successorRuntime(info: RuntimeInfo): string {
  return RUNTIMES.find((r) => r.language === info.language && r.status === 'current')?.id ?? DEFAULT_RUNTIME;
}

function currentRuntimeList(): string {
  return RUNTIMES.filter((r) => r.status === 'current' || r.status === 'preview')
    .map((r) => r.id)
    .join(', ');
}

export function validateRuntime(v: unknown, mode: Mode): ValidationIssue | undefined {
  if (isMissing(v) || v === '') {
    return issue(
      'runtime',
      'required',
      v,
      `runtime: is required (one of ${currentRuntimeList()}); got nothing. Try ${DEFAULT_RUNTIME}.`,
    );
  }
  if (typeof v !== 'string') return must('runtime', 'type', v, 'a runtime id string', `Try "${DEFAULT_RUNTIME}".`);
  const info = getRuntime(v);
  if (!info) {
    const near = suggestRuntime(v);
    return must(
      'runtime',
      'enum',
      v,
      `one of the FC 2.0 runtimes (${currentRuntimeList()}, or a deprecated one)`,
      near ? `Did you mean ${near}?` : `Try ${DEFAULT_RUNTIME}.`,
    );
  }
  if (!runtimeAllows(v, mode)) {
    return issue(
      'runtime',
      'deprecated',
      v,
      `runtime: ${info.statusNote}; got ${showValue(v)}. Use ${successorRuntime(info)} instead.`,
    );
  }
  if (info.status === 'deprecated-no-create') {
    // Update mode on a runtime that refuses new functions: allowed, but the next phase will refuse updates.
    return issue(
      'runtime',
      'deprecated',
      v,
      `runtime: ${info.statusNote}; got ${showValue(v)}. Plan a move to ${successorRuntime(info)} before updates are refused too.`,
      'warning',
    );
  }
  if (info.status === 'preview') {
    return issue('runtime', 'preview', v, `runtime: ${info.statusNote}; got ${showValue(v)}.`, 'warning');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Handler and initializer

const SOURCE_EXTENSIONS = /\.(?:js|mjs|cjs|ts|py|php)$/;

function suggestHandler(info: RuntimeInfo, v: string, field: 'handler' | 'initializer'): string {
  const fallback = field === 'initializer' ? initializerExample(info) : info.defaultHandler;
  const fnName = field === 'initializer' ? 'initializer' : 'handler';
  const t = v.trim();
  switch (info.handlerFormat) {
    case 'file.function': {
      if (t.includes('::')) return fallback;
      if (!t.includes('.')) {
        const file = t.replace(/^\.?\/+/, '').replace(/[^A-Za-z0-9_./-]/g, '');
        return file ? `${file}.${fnName}` : fallback;
      }
      const fixed = t.replace(/^\.?\/+/, '');
      return HANDLER_FORMATS['file.function'].pattern.test(fixed) ? fixed : fallback;
    }
    case 'java': {
      const dot = t.lastIndexOf('.');
      if (!t.includes('::') && dot > 0) {
        const candidate = `${t.slice(0, dot)}::${t.slice(dot + 1)}`;
        if (HANDLER_FORMATS.java.pattern.test(candidate)) return candidate;
      }
      return fallback;
    }
    case 'go': {
      const fixed = t.replace(/^(?:\.?\/)+/, '');
      return HANDLER_FORMATS.go.pattern.test(fixed) ? fixed : fallback;
    }
    default:
      return fallback;
  }
}

export function validateHandler(
  runtime: unknown,
  v: unknown,
  field: 'handler' | 'initializer' = 'handler',
): ValidationIssue | undefined {
  const info = getRuntime(runtime);
  const fmt = info ? HANDLER_FORMATS[info.handlerFormat] : undefined;
  const ruleText = fmt ? `${fmt.form}: ${fmt.description}` : 'a handler string';
  const example = info ? (field === 'initializer' ? initializerExample(info) : info.defaultHandler) : 'index.handler';
  if (isMissing(v) || (v === '' && field === 'handler')) {
    if (field === 'initializer') return undefined; // optional; '' clears it on update
    const forRuntime = info && fmt ? ` for ${info.id} (${fmt.form})` : '';
    return issue(
      field,
      'required',
      v,
      `${field}: is required${forRuntime}; got ${showValue(v === '' ? '' : undefined)}. Try ${example}.`,
    );
  }
  if (typeof v !== 'string') return must(field, 'type', v, `a string (${ruleText})`, `Try "${example}".`);
  if (v === '') return undefined; // an empty initializer: none
  if (v !== v.trim()) {
    return issue(
      field,
      'whitespace',
      v,
      `${field}: must not start or end with spaces; got ${showValue(v)}. Try ${JSON.stringify(v.trim())}.`,
      info?.handlerFormat === 'any' ? 'warning' : 'error',
    );
  }
  if (!info || !fmt) return undefined; // the runtime's own issue says what is wrong
  if (!fmt.pattern.test(v)) {
    return issue(
      field,
      'format',
      v,
      `${field}: must have the form ${fmt.form} for ${info.id} (${fmt.description}); got ${showValue(v)}. Try ${suggestHandler(info, v, field)}.`,
    );
  }
  if (info.handlerFormat === 'file.function') {
    const file = v.slice(0, v.lastIndexOf('.'));
    if (SOURCE_EXTENSIONS.test(file)) {
      const fixed = `${file.replace(SOURCE_EXTENSIONS, '')}${v.slice(v.lastIndexOf('.'))}`;
      return issue(
        field,
        'extension',
        v,
        `${field}: names the file without its extension (index.handler means index.js / index.py / index.php); got ${showValue(v)}. Try ${fixed}.`,
        'warning',
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Instance type, memory, timeouts, port

export function validateInstanceType(v: unknown): ValidationIssue | undefined {
  if (isMissing(v) || v === '') return undefined;
  if (typeof v !== 'string')
    return must('instanceType', 'type', v, `a string (${INSTANCE_TYPES.join(' or ')})`, 'Try "e1".');
  if ((INSTANCE_TYPES as readonly string[]).includes(v)) return undefined;
  return issue(
    'instanceType',
    'unknown',
    v,
    `instanceType: fcw knows e1 (elastic) and c1 (performance); got ${showValue(v)}. Memory and timeout are checked only loosely for it.`,
    'warning',
  );
}

export function validateMemorySize(v: unknown, instanceType?: string): ValidationIssue | undefined {
  if (isMissing(v)) return undefined; // default applies
  const kind = instanceKind(instanceType);
  const ruleText =
    kind === 'unknown'
      ? `a multiple of ${MEMORY_STEP_MB} MB, at least ${MEMORY_ELASTIC_MIN_MB} (instance type ${instanceType})`
      : memoryRuleText(instanceType);
  const notInt = checkInteger('memorySize', v, ruleText);
  if (notInt) return notInt;
  const n = v as number;
  if (kind === 'performance') {
    if ((MEMORY_PERFORMANCE_SIZES_MB as readonly number[]).includes(n)) return undefined;
    const up =
      MEMORY_PERFORMANCE_SIZES_MB.find((s) => s >= n) ??
      MEMORY_PERFORMANCE_SIZES_MB[MEMORY_PERFORMANCE_SIZES_MB.length - 1];
    const elasticHint =
      n <= MEMORY_ELASTIC_MAX_MB ? ', or an elastic instance (instanceType e1) for smaller sizes' : '';
    return must('memorySize', 'enum', v, ruleText, `Try ${up}${elasticHint}.`);
  }
  const roundedUp = Math.ceil(n / MEMORY_STEP_MB) * MEMORY_STEP_MB;
  if (kind === 'unknown') {
    if (n % MEMORY_STEP_MB === 0 && n >= MEMORY_ELASTIC_MIN_MB) return undefined;
    return must('memorySize', 'multiple', v, ruleText, `Try ${Math.max(MEMORY_ELASTIC_MIN_MB, roundedUp)}.`);
  }
  if (n % MEMORY_STEP_MB === 0 && n >= MEMORY_ELASTIC_MIN_MB && n <= MEMORY_ELASTIC_MAX_MB) return undefined;
  const rule = n % MEMORY_STEP_MB !== 0 ? 'multiple' : 'range';
  const suggestion = clamp(roundedUp, MEMORY_ELASTIC_MIN_MB, MEMORY_ELASTIC_MAX_MB);
  const perf =
    n > MEMORY_ELASTIC_MAX_MB
      ? `, or a performance instance (instanceType c1) for ${MEMORY_PERFORMANCE_SIZES_MB.join(', ')} MB`
      : '';
  return { ...must('memorySize', rule, v, ruleText, `Try ${suggestion}${perf}.`) };
}

export function validateTimeout(v: unknown, instanceType?: string): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const ruleText = timeoutRuleText(instanceType);
  const notInt = checkInteger('timeout', v, ruleText);
  if (notInt) return notInt;
  const n = v as number;
  const max = timeoutMax(instanceType);
  if (n >= TIMEOUT_MIN_S && n <= max) return undefined;
  const perf =
    n > max && instanceKind(instanceType) === 'elastic'
      ? `, or a performance instance (instanceType c1) for up to ${TIMEOUT_PERFORMANCE_MAX_S}`
      : '';
  return must('timeout', 'range', v, ruleText, `Try ${clamp(n, TIMEOUT_MIN_S, max)}${perf}.`);
}

export function validateInitializationTimeout(v: unknown): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const ruleText = `whole seconds from ${INIT_TIMEOUT_MIN_S} to ${INIT_TIMEOUT_MAX_S}`;
  const notInt = checkInteger('initializationTimeout', v, ruleText);
  if (notInt) return notInt;
  const n = v as number;
  if (n >= INIT_TIMEOUT_MIN_S && n <= INIT_TIMEOUT_MAX_S) return undefined;
  return must(
    'initializationTimeout',
    'range',
    v,
    ruleText,
    `Try ${clamp(n, INIT_TIMEOUT_MIN_S, INIT_TIMEOUT_MAX_S)}.`,
  );
}

function customRuntimeIds(): string {
  return RUNTIMES.filter((r) => r.isCustom)
    .map((r) => r.id)
    .join(', ');
}

export function validateCaPort(runtime: unknown, v: unknown): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const info = getRuntime(runtime);
  if (info && !info.isCustom) {
    return issue(
      'caPort',
      'not-allowed',
      v,
      `caPort: is only for custom runtimes (${customRuntimeIds()}); got ${showValue(v)} with runtime ${info.id}. Remove caPort.`,
    );
  }
  const ruleText = `a port from ${CA_PORT_MIN} to ${CA_PORT_MAX}`;
  const notInt = checkInteger('caPort', v, ruleText);
  if (notInt) return notInt;
  const n = v as number;
  if (n >= CA_PORT_MIN && n <= CA_PORT_MAX) return undefined;
  return must('caPort', 'range', v, ruleText, 'Try 9000 (and listen on 0.0.0.0).');
}

export function validateInstanceConcurrency(v: unknown, field = 'instanceConcurrency'): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const ruleText = `requests one instance serves at once, ${INSTANCE_CONCURRENCY_MIN} to ${INSTANCE_CONCURRENCY_MAX}`;
  const notInt = checkInteger(field, v, ruleText);
  if (notInt) return notInt;
  const n = v as number;
  if (n >= INSTANCE_CONCURRENCY_MIN && n <= INSTANCE_CONCURRENCY_MAX) return undefined;
  return must(field, 'range', v, ruleText, `Try ${clamp(n, INSTANCE_CONCURRENCY_MIN, INSTANCE_CONCURRENCY_MAX)}.`);
}

/** `cpu` in vCPUs; with a memorySize (given or deployed) memory per vCPU must be 1–4 GB. */
export function validateCpu(v: unknown, memorySize: unknown): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const ruleText = `vCPUs, a multiple of ${CPU_STEP} from ${CPU_MIN} to ${CPU_MAX}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return must('cpu', 'type', v, `a JSON number (${ruleText})`);
  const steps = v / CPU_STEP;
  if (v < CPU_MIN || v > CPU_MAX || Math.abs(steps - Math.round(steps)) > 1e-9) {
    const nearest = clamp(Math.round(steps) * CPU_STEP, CPU_MIN, CPU_MAX);
    return must('cpu', 'range', v, ruleText, `Try ${nearest.toFixed(2)}.`);
  }
  if (typeof memorySize === 'number') {
    const perCpu = memorySize / v;
    if (perCpu < MEMORY_PER_CPU_MIN_MB || perCpu > MEMORY_PER_CPU_MAX_MB) {
      return must(
        'cpu',
        'ratio',
        v,
        `such that memorySize / cpu is ${MEMORY_PER_CPU_MIN_MB / 1024}–${MEMORY_PER_CPU_MAX_MB / 1024} GB ` +
          `per vCPU (memorySize ${memorySize})`,
        `Try cpu ${(Math.ceil(memorySize / MEMORY_PER_CPU_MAX_MB / CPU_STEP) * CPU_STEP).toFixed(2)}.`,
      );
    }
  }
  return undefined;
}

export function validateDiskSize(v: unknown): ValidationIssue | undefined {
  if (isMissing(v)) return undefined;
  const ruleText = `one of ${DISK_SIZES_MB.join(' or ')} (MB)`;
  const notInt = checkInteger('diskSize', v, ruleText);
  if (notInt) return notInt;
  if ((DISK_SIZES_MB as readonly number[]).includes(v as number)) return undefined;
  return must('diskSize', 'enum', v, ruleText, `Try ${DISK_SIZES_MB[0]}.`);
}

/** The object-valued FC fields fcw passes through: only their JSON type is checked. */
function validateObjectField(field: string, v: unknown): ValidationIssue | undefined {
  if (isMissing(v) || isRecord(v)) return undefined;
  return must(field, 'type', v, 'a JSON object');
}

// ---------------------------------------------------------------------------------------------
// Environment variables and layers

/** One key, as the wizard checks it while it is typed (`KEY` of `KEY=value`). */
export function validateEnvKey(key: unknown): ValidationIssue | undefined {
  const field = 'environmentVariables';
  if (typeof key !== 'string' || !ENV_KEY_PATTERN.test(key)) {
    const fixed = typeof key === 'string' ? key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '') : '';
    const fix = fixed ? ` Try ${fixed}.` : '';
    return issue(
      field,
      'key-format',
      key,
      `${field}: key must start with a letter, then letters, digits or _; got key ${showValue(key)}.${fix}`,
    );
  }
  if (key.startsWith(ENV_RESERVED_PREFIX)) {
    return issue(
      field,
      'reserved-prefix',
      key,
      `${field}: keys starting with ${ENV_RESERVED_PREFIX} are reserved by FC; got key ${showValue(key)}. Rename it, e.g. APP_${key.slice(ENV_RESERVED_PREFIX.length)}.`,
    );
  }
  return undefined;
}

/** Only the key is ever shown: the values may be secrets. */
export function validateEnvironmentVariables(obj: unknown): ValidationIssue | undefined {
  const field = 'environmentVariables';
  if (isMissing(obj)) return undefined;
  if (!isRecord(obj)) {
    const kind = Array.isArray(obj) ? 'an array' : `a ${typeof obj}`;
    return issue(
      field,
      'type',
      kind,
      `${field}: must be an object of string keys to string values; got ${kind}. Send {"KEY": "value"}.`,
    );
  }
  for (const [key, value] of Object.entries(obj)) {
    const keyIssue = validateEnvKey(key);
    if (keyIssue) return keyIssue;
    if (typeof value !== 'string') {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      return issue(
        field,
        'type',
        key,
        `${field}: the value of key ${showValue(key)} must be a string; got ${kind}. Quote it.`,
      );
    }
  }
  const total = Buffer.byteLength(JSON.stringify(obj), 'utf8');
  if (total > ENV_TOTAL_MAX_BYTES) {
    return issue(
      field,
      'total-size',
      total,
      `${field}: must be at most ${ENV_TOTAL_MAX_BYTES} bytes in all (as JSON); got ${total} bytes over ${plural(Object.keys(obj).length, 'key')}. Move large values into a file in the package or a config service.`,
    );
  }
  return undefined;
}

export function validateLayers(arr: unknown): ValidationIssue | undefined {
  const field = 'layers';
  const ruleText = '{hash}#{layerName}#{version} or acs:fc:{region}:{accountId}:layers/{name}/versions/{n}';
  if (isMissing(arr)) return undefined;
  if (!Array.isArray(arr)) return must(field, 'type', arr, `an array of layer strings (${ruleText})`);
  if (arr.length > LAYERS_MAX) {
    return issue(
      field,
      'count',
      arr.length,
      `${field}: must be at most ${LAYERS_MAX} layers; got ${arr.length}. Merge layers or drop ${arr.length - LAYERS_MAX}.`,
    );
  }
  const seen = new Set<string>();
  for (let i = 0; i < arr.length; i++) {
    const layer: unknown = arr[i];
    const label = `${field}[${i}]`;
    if (typeof layer !== 'string') return must(field, 'type', layer, `a string (${ruleText})`, undefined, label);
    if (!LAYER_REF_PATTERN.test(layer) && !LAYER_ARN_PATTERN.test(layer)) {
      return must(
        field,
        'format',
        layer,
        ruleText,
        "Copy the layer reference from the FC console's layer page.",
        label,
      );
    }
    if (seen.has(layer)) {
      return issue(
        field,
        'duplicate',
        layer,
        `${label}: is listed twice; got ${showValue(layer)}. Remove the second entry.`,
        'warning',
      );
    }
    seen.add(layer);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Custom container

function checkJsonArrayString(field: string, v: unknown): ValidationIssue | undefined {
  if (isMissing(v) || v === '') return undefined;
  const ruleText = 'a string holding a JSON array of strings';
  if (Array.isArray(v)) {
    return must(field, 'json-array', v, `${ruleText}, not an array`, `Send it as the string '${JSON.stringify(v)}'.`);
  }
  if (typeof v !== 'string') return must(field, 'json-array', v, ruleText);
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return undefined;
  const words = v.trim().split(/\s+/).filter(Boolean);
  return must(field, 'json-array', v, ruleText, `Try '${JSON.stringify(words)}'.`);
}

export function validateCustomContainerConfig(runtime: unknown, cfg: unknown): ValidationIssue | undefined {
  const info = getRuntime(runtime);
  if (info && !info.usesImage) {
    if (isMissing(cfg)) return undefined;
    return issue(
      'customContainerConfig',
      'not-allowed',
      cfg,
      `customContainerConfig: is only for runtime custom-container; got one with runtime ${info.id}. Remove it, or set runtime to custom-container.`,
    );
  }
  if (isMissing(cfg)) {
    if (!info) return undefined;
    return issue(
      'customContainerConfig.image',
      'required',
      undefined,
      'customContainerConfig.image: is required for runtime custom-container; got nothing. Give the image address, e.g. registry.cn-hangzhou.aliyuncs.com/ns/repo:tag.',
    );
  }
  if (!isRecord(cfg))
    return must('customContainerConfig', 'type', cfg, 'an object {image, command?, args?, accelerationType?}');
  const image = cfg.image;
  if (isMissing(image) || image === '') {
    return issue(
      'customContainerConfig.image',
      'required',
      image,
      `customContainerConfig.image: is required for runtime custom-container; got ${showValue(image === '' ? '' : undefined)}. Give the image address, e.g. registry.cn-hangzhou.aliyuncs.com/ns/repo:tag.`,
    );
  }
  if (typeof image !== 'string') return must('customContainerConfig.image', 'type', image, 'an image address string');
  if (/\s/.test(image)) {
    return must(
      'customContainerConfig.image',
      'format',
      image,
      'an image address without spaces',
      `Try ${JSON.stringify(image.trim().replace(/\s+/g, ''))}.`,
    );
  }
  const command = checkJsonArrayString('customContainerConfig.command', cfg.command);
  if (command) return command;
  const args = checkJsonArrayString('customContainerConfig.args', cfg.args);
  if (args) return args;
  const accel = cfg.accelerationType;
  if (!isMissing(accel) && !(ACCELERATION_TYPES as readonly unknown[]).includes(accel)) {
    const near =
      typeof accel === 'string'
        ? ACCELERATION_TYPES.find((a) => a.toLowerCase() === accel.trim().toLowerCase())
        : undefined;
    return must(
      'customContainerConfig.accelerationType',
      'enum',
      accel,
      ACCELERATION_TYPES.join(' or '),
      `Try ${near ?? 'Default'}.`,
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Code

/** The raw size of a base64 text, without decoding it. */
export function base64DecodedBytes(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

export function validateCode(runtime: unknown, code: unknown): ValidationIssue | undefined {
  if (getRuntime(runtime)?.usesImage) return checkNoCode(code);
  if (isMissing(code)) {
    return issue(
      'code',
      'required',
      undefined,
      'code: is required: a zip (zipFile, base64) or an OSS bucket and object; got nothing. Point fcw at your code folder or a .zip.',
    );
  }
  if (!isRecord(code)) return must('code', 'type', code, 'an object {zipFile} or {ossBucketName, ossObjectName}');
  return checkOneSource(code) ?? (isMissing(code.zipFile) ? checkOssCode(code) : checkZipFile(code));
}

/** custom-container: the image holds the code, so a code field with anything in it is refused. */
function checkNoCode(code: unknown): ValidationIssue | undefined {
  const given = isRecord(code) && Object.values(code).some((x) => !isMissing(x) && x !== '');
  if (!given) return undefined;
  return issue(
    'code',
    'not-allowed',
    summarizeCode(code),
    `code: must be absent for runtime custom-container (the image holds the code); got ${describeCode(code)}. Remove code and set customContainerConfig.image.`,
  );
}

/** Exactly one source: zipFile, or ossBucketName with ossObjectName. */
function checkOneSource(code: Record<string, unknown>): ValidationIssue | undefined {
  const { zipFile, ossBucketName, ossObjectName } = code;
  const hasZip = !isMissing(zipFile);
  const hasBucket = !isMissing(ossBucketName) && ossBucketName !== '';
  const hasObject = !isMissing(ossObjectName) && ossObjectName !== '';
  if (hasZip && (hasBucket || hasObject)) {
    return issue(
      'code',
      'exclusive',
      summarizeCode(code),
      `code: must be exactly one of zipFile or ossBucketName + ossObjectName; got ${describeCode(code)}. Keep one source.`,
    );
  }
  if (hasBucket !== hasObject) {
    const missing = hasBucket ? 'ossObjectName' : 'ossBucketName';
    return issue(
      `code.${missing}`,
      'oss-pair',
      summarizeCode(code),
      `code.${missing}: ossBucketName and ossObjectName go together; got ${describeCode(code)}. Add ${missing}.`,
    );
  }
  if (!hasZip && !hasBucket) {
    return issue(
      'code',
      'required',
      summarizeCode(code),
      `code: must hold zipFile or ossBucketName + ossObjectName; got ${describeCode(code)}. Add one source.`,
    );
  }
  return undefined;
}

/** An inline zip: a non-empty standard base64 string whose bytes start like a zip ("PK"). */
function checkZipFile(code: Record<string, unknown>): ValidationIssue | undefined {
  const { zipFile } = code;
  if (typeof zipFile !== 'string')
    return must('code.zipFile', 'type', summarizeCode(code), 'a base64 string of a zip file');
  if (zipFile === '')
    return issue(
      'code.zipFile',
      'required',
      '',
      'code.zipFile: must be a base64 zip; got an empty string. Build the package first.',
    );
  if (!isStandardBase64(zipFile)) {
    return issue(
      'code.zipFile',
      'base64',
      `${zipFile.length} characters`,
      `code.zipFile: must be standard base64 (A–Z a–z 0–9 + /, = padding, no line breaks); got ${zipFile.length} characters that are not. Encode the zip with base64 once.`,
    );
  }
  const head = Buffer.from(zipFile.slice(0, 8), 'base64');
  if (head.length < 2 || head[0] !== 0x50 || head[1] !== 0x4b) {
    return issue(
      'code.zipFile',
      'zip',
      `${base64DecodedBytes(zipFile)} bytes`,
      'code.zipFile: must be a zip file (it starts with "PK"); got bytes that are not a zip. Zip the code folder (fcw package does) rather than sending a file as is.',
    );
  }
  return undefined;
}

/** Code in OSS: a valid bucket name, and an object key that is not too long and has no leading /. */
function checkOssCode({ ossBucketName, ossObjectName }: Record<string, unknown>): ValidationIssue | undefined {
  if (typeof ossBucketName !== 'string' || !OSS_BUCKET_PATTERN.test(ossBucketName)) {
    return must(
      'code.ossBucketName',
      'format',
      ossBucketName,
      'an OSS bucket name: 3–63 lower-case letters, digits and -, starting and ending with a letter or digit',
    );
  }
  if (
    typeof ossObjectName !== 'string' ||
    ossObjectName.startsWith('/') ||
    Buffer.byteLength(ossObjectName) > OSS_OBJECT_MAX_BYTES
  ) {
    const fix =
      typeof ossObjectName === 'string' && ossObjectName.startsWith('/')
        ? `Try ${JSON.stringify(ossObjectName.replace(/^\/+/, ''))}.`
        : undefined;
    return must(
      'code.ossObjectName',
      'format',
      ossObjectName,
      `an OSS object key of 1–${OSS_OBJECT_MAX_BYTES} bytes not starting with /`,
      fix,
    );
  }
  return undefined;
}

/** What an issue's `value` holds for code: never the base64 itself (too big to carry around). */
function summarizeCode(code: unknown): unknown {
  if (!isRecord(code)) return code;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(code)) {
    out[k] = k === 'zipFile' && typeof v === 'string' ? `<${v.length} base64 characters>` : v;
  }
  return out;
}

function describeCode(code: unknown): string {
  if (!isRecord(code)) return showValue(code);
  const parts = Object.entries(code)
    .filter(([, v]) => !isMissing(v) && v !== '')
    .map(([k, v]) => (k === 'zipFile' ? 'zipFile' : `${k} ${showValue(v)}`));
  return parts.length ? parts.join(' and ') : 'no source';
}

export function validateCodeSize(bytes: unknown, via: 'inline' | 'oss'): ValidationIssue | undefined {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    return must('code', 'type', bytes, 'a size in bytes');
  }
  if (via === 'oss') {
    if (bytes <= CODE_OSS_MAX_BYTES) return undefined;
    return issue(
      'code',
      'size',
      bytes,
      `code: must be at most ${formatBytes(CODE_OSS_MAX_BYTES)} through OSS; got ${formatBytes(bytes)}. Shrink the package (.fcignore, move dependencies to a layer) or use a custom container image.`,
    );
  }
  if (bytes > CODE_INLINE_MAX_BYTES) {
    return issue(
      'code',
      'size',
      bytes,
      `code: must be at most ${formatBytes(CODE_INLINE_MAX_BYTES)} as an inline zip; got ${formatBytes(bytes)}. Upload it through OSS (up to ${formatBytes(CODE_OSS_MAX_BYTES)}) or shrink the package (.fcignore).`,
    );
  }
  if (bytes > CODE_INLINE_WARN_BYTES) {
    return issue(
      'code',
      'size-warning',
      bytes,
      `code: a ${formatBytes(bytes)} inline zip is over ${formatBytes(CODE_INLINE_WARN_BYTES)}, where the official tools switch to OSS; the upload may be slow or time out. Consider OSS.`,
      'warning',
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Whole requests

const FUNCTION_FIELDS = new Set<string>(['functionName', 'code', ...FUNCTION_CONFIG_FIELDS]);

function unknownFieldIssues(req: Record<string, unknown>, known: ReadonlySet<string>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const key of Object.keys(req)) {
    if (known.has(key)) continue;
    const near = [...known].find((k) => k.toLowerCase() === key.toLowerCase());
    out.push(
      issue(
        key,
        'unknown-field',
        key,
        `${key}: is not a field FC knows; got it in the request. ${near ? `Did you mean ${near}?` : 'It will be ignored.'}`,
        'warning',
      ),
    );
  }
  return out;
}

function push(list: ValidationIssue[], i: ValidationIssue | undefined): void {
  if (i) list.push(i);
}

function checkDescription(v: unknown): ValidationIssue | undefined {
  if (isMissing(v) || typeof v === 'string') return undefined;
  return must('description', 'type', v, 'a string');
}

/** Checks shared by create and update, for the fields present in `req`. */
function checkCommonFields(
  runtime: unknown,
  req: Record<string, unknown>,
  instanceType: string | undefined,
  mode: Mode,
  out: ValidationIssue[],
): void {
  // On update an absent handler keeps the deployed one; on create it is required.
  if (mode === 'create' || 'handler' in req) push(out, validateHandler(runtime, req.handler, 'handler'));
  push(out, validateHandler(runtime, req.initializer, 'initializer'));
  push(out, validateInitializationTimeout(req.initializationTimeout));
  push(out, checkDescription(req.description));
  push(out, validateInstanceType(req.instanceType));
  push(out, validateMemorySize(req.memorySize, instanceType));
  push(out, validateTimeout(req.timeout, instanceType));
  push(out, validateCaPort(runtime, req.caPort));
  push(out, validateEnvironmentVariables(req.environmentVariables));
  push(out, validateLayers(req.layers));
  push(out, validateInstanceConcurrency(req.instanceConcurrency));
  push(out, validateInstanceConcurrency(req.instanceSoftConcurrency, 'instanceSoftConcurrency'));
  push(out, validateCpu(req.cpu, req.memorySize));
  push(out, validateDiskSize(req.diskSize));
  for (const field of ['customDNS', 'customRuntimeConfig', 'customHealthCheckConfig', 'instanceLifecycleConfig']) {
    push(out, validateObjectField(field, req[field]));
  }
}

function checkZipSize(code: unknown, out: ValidationIssue[]): void {
  if (isRecord(code) && typeof code.zipFile === 'string' && code.zipFile !== '') {
    push(out, validateCodeSize(base64DecodedBytes(code.zipFile), 'inline'));
  }
}

function notAnObject(what: string, req: unknown): ValidationIssue[] {
  return [must('request', 'type', req, `a JSON object (the ${what} body)`)];
}

function initTimeoutWithoutInitializer(v: unknown): ValidationIssue {
  return issue(
    'initializationTimeout',
    'needs-initializer',
    v,
    `initializationTimeout: only applies with an initializer; got ${showValue(v)} and no initializer. Set initializer or drop initializationTimeout.`,
    'warning',
  );
}

export function validateCreateFunction(req: CreateFunctionRequest | unknown): ValidationIssue[] {
  if (!isRecord(req)) return notAnObject('CreateFunction', req);
  const out: ValidationIssue[] = [];
  const runtime = req.runtime;
  const instanceType = typeof req.instanceType === 'string' ? req.instanceType : undefined;
  push(out, validateFunctionName(req.functionName));
  push(out, validateRuntime(runtime, 'create'));
  checkCommonFields(runtime, req, instanceType, 'create', out);
  if (!isMissing(req.initializationTimeout) && (isMissing(req.initializer) || req.initializer === '')) {
    out.push(initTimeoutWithoutInitializer(req.initializationTimeout));
  }
  push(out, validateCustomContainerConfig(runtime, req.customContainerConfig));
  // An unknown runtime: whether code is required cannot be known; still check its shape.
  if (getRuntime(runtime) || !isMissing(req.code)) push(out, validateCode(runtime, req.code));
  checkZipSize(req.code, out);
  out.push(...unknownFieldIssues(req, FUNCTION_FIELDS));
  return out;
}

/**
 * `runtime` is the deployed function's runtime; `req.runtime`, when given and different, moves it.
 * Moving is checked like a create (FC refuses to put a function onto a runtime that takes no new
 * ones); staying is checked as an update. `current` may carry the deployed instanceType so memory
 * and timeout are judged against the right range.
 */
export function validateUpdateFunction(
  runtime: string,
  req: UpdateFunctionRequest | unknown,
  current?: { instanceType?: string },
): ValidationIssue[] {
  if (!isRecord(req)) return notAnObject('UpdateFunction', req);
  const out: ValidationIssue[] = [];
  const moving = !isMissing(req.runtime) && req.runtime !== runtime;
  const target: unknown = moving ? req.runtime : runtime;
  if (moving) {
    push(out, validateRuntime(req.runtime, 'create'));
  } else {
    const own = validateRuntime(runtime, 'update');
    if (own?.rule === 'enum') {
      // The function exists on it, so FC knows this runtime even if fcw does not: warn only.
      out.push({
        ...own,
        severity: 'warning',
        message: `runtime: fcw does not know ${showValue(runtime)}, so its handler format is not checked. If it is a typo, check the function's runtime.`,
      });
    } else push(out, own);
  }
  if ('functionName' in req) {
    out.push(
      issue(
        'functionName',
        'not-allowed',
        req.functionName,
        `functionName: cannot be changed by an update; got ${showValue(req.functionName)}. Create a new function instead.`,
      ),
    );
  }
  const instanceType = typeof req.instanceType === 'string' ? req.instanceType : current?.instanceType;
  checkCommonFields(target, req, instanceType, 'update', out);
  if (!isMissing(req.initializationTimeout) && req.initializer === '') {
    out.push(initTimeoutWithoutInitializer(req.initializationTimeout));
  }
  const targetInfo = getRuntime(target);
  const fromInfo = getRuntime(runtime);
  if (!isMissing(req.customContainerConfig) || (moving && targetInfo?.usesImage)) {
    push(out, validateCustomContainerConfig(target, req.customContainerConfig));
  }
  if (!isMissing(req.code)) {
    push(out, validateCode(target, req.code));
    checkZipSize(req.code, out);
  } else if (moving && fromInfo?.usesImage && targetInfo && !targetInfo.usesImage) {
    // A container function has no zip: moving it to a zip runtime needs one.
    push(out, validateCode(target, undefined));
  }
  out.push(...unknownFieldIssues(req, FUNCTION_FIELDS));
  return out;
}

const SERVICE_FIELDS = new Set<string>(['serviceName', ...SERVICE_CONFIG_FIELDS]);

/** A RAM role ARN: acs:ram::{accountId}:role/{name}. */
const ROLE_ARN = /^acs:ram::[0-9]+:role\/[A-Za-z0-9._\-/]+$/i;

export function validateCreateService(req: CreateServiceRequest | unknown): ValidationIssue[] {
  if (!isRecord(req)) return notAnObject('CreateService', req);
  const out: ValidationIssue[] = [];
  push(out, validateServiceName(req.serviceName));
  push(out, checkDescription(req.description));
  if (!isMissing(req.role) && req.role !== '') {
    if (typeof req.role !== 'string' || !ROLE_ARN.test(req.role)) {
      push(
        out,
        must(
          'role',
          'format',
          req.role,
          'a RAM role ARN, acs:ram::{accountId}:role/{roleName}',
          'Copy the ARN from the RAM console.',
        ),
      );
    }
  }
  if (!isMissing(req.internetAccess) && typeof req.internetAccess !== 'boolean') {
    push(out, must('internetAccess', 'type', req.internetAccess, 'true or false (a JSON boolean)'));
  }
  for (const key of ['logConfig', 'vpcConfig', 'nasConfig', 'tracingConfig', 'ossMountConfig'] as const) {
    const v = req[key];
    if (!isMissing(v) && !isRecord(v)) push(out, must(key, 'type', v, 'an object'));
  }
  const log = req.logConfig;
  if (isRecord(log)) {
    const hasProject = typeof log.project === 'string' && log.project !== '';
    const hasStore = typeof log.logstore === 'string' && log.logstore !== '';
    if (hasProject !== hasStore) {
      const missing = hasProject ? 'logstore' : 'project';
      push(
        out,
        issue(
          `logConfig.${missing}`,
          'pair',
          log,
          `logConfig.${missing}: project and logstore go together; got only ${hasProject ? 'project' : 'logstore'}. Add ${missing}.`,
        ),
      );
    }
  }
  out.push(...unknownFieldIssues(req, SERVICE_FIELDS));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reporting

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** One line per issue, errors first: `error: memorySize: must be …`. Empty string for none. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  const sorted = [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity === 'warning')];
  return sorted.map((i) => `${i.severity}: ${i.message}`).join('\n');
}
