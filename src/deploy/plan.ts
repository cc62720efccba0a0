// Pure planning for a deploy: whether what is wanted (a DeploySpec) is valid (the shared
// validators, before any network call), and what differs from the function as deployed (field by
// field, and the code by checksum), hence what to send. No I/O here.
import { InvalidFieldsError, type FieldIssue } from '../core/errors.js';
import { getRuntime } from '../fc/rules.js';
import type {
  CreateFunctionRequest,
  CustomContainerConfig,
  FunctionCode,
  FunctionConfig,
  FunctionInfo,
} from '../fc/types.js';
import {
  formatIssues,
  validateCreateFunction,
  validateCreateService,
  validateRuntime,
  type ValidationIssue,
} from '../fc/validate.js';
import type { CodeSource, ProfileService } from '../profiles/schema.js';

/** What a deploy should leave behind: the service, the function's configuration, where its code is. */
export interface DeploySpec {
  service: ProfileService;
  function: FunctionConfig;
  code: CodeSource;
}

export interface FieldChange {
  field: string;
  /** As deployed (undefined when the function does not exist or the field is not set). */
  from: unknown;
  /** As this deploy sets it. */
  to: unknown;
}

export interface ChecksumComparison {
  local?: string;
  remote?: string;
  match: boolean;
}

export type DeployAction = 'create' | 'update' | 'unchanged';

export interface DeployPlan {
  action: DeployAction;
  /** Configuration fields that differ (for create: every field that is set). */
  diff: FieldChange[];
  /** Whether code goes with the request. */
  sendCode: boolean;
  /** Why the code is or is not sent, for a person. */
  codeReason: string;
  checksum: ChecksumComparison;
  /** The body of CreateFunction (create) or UpdateFunction (update) without the code. */
  config: Partial<FunctionConfig>;
}

/** A placeholder code object with the right shape, so the request validators check the pairing rules. */
function codeShape(code: CodeSource): FunctionCode | undefined {
  switch (code.kind) {
    case 'folder':
    case 'zip':
      // A valid 22-byte empty zip (docs/fc-api-notes.md, "The empty zip"): the real package is
      // checked after it is built.
      return { zipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' };
    case 'oss':
      return { ossBucketName: code.bucket, ossObjectName: code.object };
    default:
      return undefined;
  }
}

/**
 * Checks the spec with the shared validators, before any network call. Whether the function
 * exists is not known yet, so the runtime is held to the update rule here (a runtime closed for
 * new functions can still be updated); checkCreatable() applies the create rule once it is known.
 * Errors throw a UsageError naming each rule; warnings are returned for the caller to show.
 */
export function validateSpec(spec: DeploySpec, source = 'the flags'): ValidationIssue[] {
  const request: CreateFunctionRequest = { ...spec.function };
  const code = codeShape(spec.code);
  if (code) request.code = code;
  let issues = validateCreateFunction(request);
  const asUpdate = validateRuntime(spec.function.runtime, 'update');
  // A runtime closed for new functions: whether that matters depends on the read. A create is
  // refused by checkCreatable() and an update gets updateOnlyRuntimeWarning(); warning now as well
  // would print "existing ones can still be updated" right before "cannot be created".
  if (issues.some((i) => i.field === 'runtime') && asUpdate?.severity !== 'error')
    issues = issues.filter((i) => i.field !== 'runtime');
  if (spec.service.create)
    issues = issues.concat(
      validateCreateService({ serviceName: spec.service.name, description: spec.service.description }),
    );
  else {
    issues = issues.concat(
      validateCreateService({ serviceName: spec.service.name }).filter((i) => i.field === 'serviceName'),
    );
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new InvalidFieldsError(
      `Invalid ${errors.length === 1 ? 'field' : 'fields'} in ${source}:\n${formatIssues(errors)}`,
      fieldIssues(errors),
      'Nothing was sent. Fix the value and run the deploy again.',
    );
  }
  return issues.filter((i) => i.severity !== 'error');
}

/** The fields and messages of validation issues, as an InvalidFieldsError carries them. */
export function fieldIssues(issues: readonly ValidationIssue[]): FieldIssue[] {
  return issues.map(({ field, message }) => ({ field, message }));
}

/** For an existing function on a runtime closed for new functions: the note to plan a move. */
export function updateOnlyRuntimeWarning(spec: DeploySpec): ValidationIssue | undefined {
  const asCreate = validateRuntime(spec.function.runtime, 'create');
  if (asCreate?.severity !== 'error') return undefined;
  const asUpdate = validateRuntime(spec.function.runtime, 'update');
  return asUpdate?.severity === 'warning' ? asUpdate : undefined;
}

/** The create rule for the runtime, once we know the function does not exist yet. */
export function checkCreatable(spec: DeploySpec): void {
  const issue = validateRuntime(spec.function.runtime, 'create');
  if (issue && issue.severity === 'error') {
    throw new InvalidFieldsError(
      `Cannot create function "${spec.function.functionName}":\n${formatIssues([issue])}`,
      fieldIssues([issue]),
      'Nothing was sent. Pick a current runtime.',
    );
  }
}

// ---- the diff --------------------------------------------------------------------------------

/** Compared fields, in the order a person reads them. functionName is the identity, not a field to change. */
export const DIFF_FIELDS = [
  'runtime',
  'handler',
  'memorySize',
  'timeout',
  'initializer',
  'initializationTimeout',
  'description',
  'environmentVariables',
  'layers',
  'caPort',
  'instanceType',
  'customContainerConfig',
] as const satisfies readonly (keyof FunctionConfig)[];

/** Empty values mean "not set" on both sides: '' and {} and [] equal a field the server left out. */
function normalize(value: unknown): unknown {
  if (value === '' || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (typeof value === 'object' && value !== undefined) {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined && v !== null && v !== '',
    );
    if (entries.length === 0) return undefined;
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/**
 * The fields of `desired` that differ from `deployed`. A field the spec does not set is not
 * compared: the server keeps (or filled in) its value, e.g. memorySize 128 when none was sent.
 * Container settings compare only the sub-fields the spec sets, for the same reason.
 */
export function diffConfig(desired: FunctionConfig, deployed: FunctionInfo): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of DIFF_FIELDS) {
    const want = desired[field];
    if (want === undefined) continue;
    let have: unknown = deployed[field];
    if (field === 'customContainerConfig' && have && typeof have === 'object') {
      const wanted = want as CustomContainerConfig;
      const full = have as CustomContainerConfig;
      have = Object.fromEntries(Object.keys(wanted).map((k) => [k, full[k as keyof CustomContainerConfig]]));
    }
    if (!same(want, have)) changes.push({ field, from: deployed[field], to: want });
  }
  return changes;
}

/** Every set field as a change from nothing: the diff of a create. */
function creationDiff(desired: FunctionConfig): FieldChange[] {
  return DIFF_FIELDS.filter((f) => desired[f] !== undefined).map((field) => ({
    field,
    from: undefined,
    to: desired[field],
  }));
}

/**
 * The plan: create when absent; otherwise update with only the changed fields (and the code only
 * when its checksum differs), or nothing at all when nothing differs.
 * `localChecksum` is the package's CRC-64 (undefined for OSS code and images).
 */
export function planDeploy(
  spec: DeploySpec,
  deployed: FunctionInfo | undefined,
  localChecksum: string | undefined,
): DeployPlan {
  const remote = deployed?.codeChecksum;
  const hasZip = spec.code.kind === 'folder' || spec.code.kind === 'zip';
  const checksum: ChecksumComparison = {
    local: localChecksum,
    remote,
    match: localChecksum !== undefined && localChecksum === remote,
  };
  if (!deployed) {
    return {
      action: 'create',
      diff: creationDiff(spec.function),
      sendCode: spec.code.kind !== 'image',
      codeReason: spec.code.kind === 'image' ? 'the code is the container image' : 'new function',
      checksum,
      config: { ...spec.function },
    };
  }
  const diff = diffConfig(spec.function, deployed);
  let sendCode: boolean;
  let codeReason: string;
  if (hasZip) {
    sendCode = !checksum.match;
    codeReason = checksum.match
      ? `code unchanged (checksum ${localChecksum})`
      : `code changed (checksum ${remote ?? 'none'} → ${localChecksum})`;
  } else if (spec.code.kind === 'oss') {
    // fcw cannot know what the OSS object holds now without downloading it: always send it.
    sendCode = true;
    codeReason = `code from OSS (oss://${spec.code.bucket}/${spec.code.object}) is always sent: its checksum is not known before the upload`;
  } else {
    sendCode = false;
    codeReason = 'the code is the container image';
  }
  const config: Partial<FunctionConfig> = {};
  for (const change of diff) (config as Record<string, unknown>)[change.field] = change.to;
  const action: DeployAction = diff.length > 0 || sendCode ? 'update' : 'unchanged';
  return { action, diff, sendCode, codeReason, checksum, config };
}

/** The fields that changed between two reads of the same function (what someone else did). */
export function changedSince(before: FunctionInfo, after: FunctionInfo): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of [...DIFF_FIELDS, 'codeChecksum'] as const) {
    if (!same(before[field], after[field])) changes.push({ field, from: before[field], to: after[field] });
  }
  return changes;
}

/** A diff as lines for a person: `  memorySize: 128 → 256`. */
export function formatDiff(diff: FieldChange[], indent = '  '): string {
  if (diff.length === 0) return `${indent}(no configuration changes)`;
  const show = (v: unknown) =>
    v === undefined || v === '' ? '(not set)' : typeof v === 'string' ? v : JSON.stringify(v);
  return diff.map((c) => `${indent}${c.field}: ${show(c.from)} → ${show(c.to)}`).join('\n');
}

/** The code reason after a "code" label: "code: changed (…)", not "code: code changed (…)". */
export function codeReasonAfterLabel(reason: string): string {
  return reason.replace(/^code /, '');
}

/** Whether the runtime takes code from an image (custom-container). */
export function usesImage(runtime: string): boolean {
  return getRuntime(runtime)?.usesImage ?? false;
}
