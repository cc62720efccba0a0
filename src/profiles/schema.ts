// The shape of a saved profile and of the file that holds them, with a structural check for what
// comes back from disk (a person may have edited it). Field VALUES (memory a multiple of 64, ...)
// are checked by the shared validators in deploy/plan.ts, so the rules live in one place.
// A profile never holds a secret: only where the credentials come FROM.
import { isRecord } from '../core/is-record.js';
import type { FunctionConfig } from '../fc/types.js';

/** The schema version this build writes. Older files are migrated (migrate.ts), newer ones refused. */
export const PROFILE_SCHEMA_VERSION = 1;

export const PROFILE_NAME_MAX_LENGTH = 64;
/** A remembered event longer than this is not kept (the profile file stays small). */
export const LAST_EVENT_MAX_BYTES = 64 * 1024;
// Letters, digits, `-` and `_`, starting with a letter or digit. Dots are refused on purpose: they
// are conf's path separator in keys, and a name like "prod.eu" reads as a nested path elsewhere.
const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// Names that are also Object.prototype's: storing them in a plain record would be a trap.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);

export type TargetKind = 'cloud' | 'local' | 'endpoint';

/**
 * Where credentials come from: never the credentials themselves. `chosen`: the user named this
 * source (--credentials, or the wizard's list), so it is the only one used, and it may go to a
 * loopback or plain-http endpoint. Without it the source is the one fcw found last time: tried first.
 * `sandbox` is the key of the sandbox at the endpoint (its key file), only ever chosen.
 */
export type CredentialSourceRef = (
  { kind: 'env' } | { kind: 'aliyun-cli'; profileName?: string } | { kind: 'fcli' } | { kind: 'sandbox' }
) & { chosen?: boolean };

export interface ProfileTarget {
  kind: TargetKind;
  /** For `endpoint` (any FC 2.0 compatible URL); unused for `cloud` (derived) and `local` (started on demand). */
  endpoint?: string;
  region?: string;
  accountId?: string;
  credentialSource?: CredentialSourceRef;
}

export interface ProfileService {
  name: string;
  /** Create the service when it does not exist yet. */
  create?: boolean;
  /** The description CreateService gets when `create` applies. */
  description?: string;
}

/**
 * Where the code comes from. Paths are stored absolute, so `fcw deploy --profile X` works from any
 * directory. A custom-container function has no code: its image is in `customContainerConfig`.
 */
export type CodeSource =
  | { kind: 'folder'; path: string }
  | { kind: 'zip'; path: string }
  | { kind: 'oss'; bucket: string; object: string }
  | { kind: 'image' };

export type DeployStatus = 'created' | 'updated' | 'unchanged' | 'failed';

export interface LastDeploy {
  /** ISO 8601. */
  time: string;
  status: DeployStatus;
  functionId?: string;
  codeChecksum?: string;
  etag?: string;
  /** Why it failed: the message only (never a request body or a header). */
  error?: string;
  requestIds?: string[];
}

export interface Profile {
  name: string;
  target: ProfileTarget;
  service: ProfileService;
  function: FunctionConfig;
  code: CodeSource;
  lastDeploy?: LastDeploy;
  /** The event last sent from the wizard's "Invoke it now" (text), offered again next time. */
  lastEvent?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** The file on disk (conf's `config.json` in the config directory). */
export interface ProfileFile {
  version: number;
  profiles: Record<string, Profile>;
}

/** Why a name cannot be a profile name, or undefined when it can. */
export function profileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a profile name is required';
  if (name.length > PROFILE_NAME_MAX_LENGTH) {
    return `profile name "${name.slice(0, 20)}…" is ${name.length} characters; at most ${PROFILE_NAME_MAX_LENGTH} are allowed`;
  }
  if (name.includes('.'))
    return `profile name "${name}" contains a dot; use letters, digits, "-" or "_" (e.g. "${name.replace(/\./g, '-')}")`;
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved and cannot be a profile name`;
  if (!PROFILE_NAME_PATTERN.test(name)) {
    return `profile name "${name}" may hold only letters, digits, "-" and "_", starting with a letter or digit`;
  }
  return undefined;
}

// ---- structural check of what was read from disk ------------------------------------------

type Problems = string[];

function expectType(
  problems: Problems,
  path: string,
  value: unknown,
  type: 'string' | 'number' | 'boolean',
  optional = true,
): void {
  if (value === undefined && optional) return;
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
    problems.push(`${path} should be a ${type}, found ${JSON.stringify(value) ?? 'nothing'}`);
  }
}

function checkTarget(problems: Problems, t: unknown): void {
  if (!isRecord(t)) {
    problems.push('target should be an object');
    return;
  }
  if (t.kind !== 'cloud' && t.kind !== 'local' && t.kind !== 'endpoint') {
    problems.push(`target.kind should be "cloud", "local" or "endpoint", found ${JSON.stringify(t.kind)}`);
  }
  expectType(problems, 'target.endpoint', t.endpoint, 'string');
  expectType(problems, 'target.region', t.region, 'string');
  expectType(problems, 'target.accountId', t.accountId, 'string');
  if (t.kind === 'endpoint' && typeof t.endpoint !== 'string')
    problems.push('target.endpoint is required when target.kind is "endpoint"');
  if (t.credentialSource !== undefined) {
    const c = t.credentialSource;
    if (!isRecord(c) || (c.kind !== 'env' && c.kind !== 'aliyun-cli' && c.kind !== 'fcli' && c.kind !== 'sandbox')) {
      const found = JSON.stringify(isRecord(c) ? c.kind : c);
      problems.push(`target.credentialSource.kind should be "env", "aliyun-cli", "fcli" or "sandbox", found ${found}`);
    } else {
      expectType(problems, 'target.credentialSource.profileName', c.profileName, 'string');
      expectType(problems, 'target.credentialSource.chosen', c.chosen, 'boolean');
    }
  }
}

function checkFunction(problems: Problems, f: unknown): void {
  if (!isRecord(f)) {
    problems.push('function should be an object');
    return;
  }
  for (const key of ['functionName', 'runtime', 'handler'] as const)
    expectType(problems, `function.${key}`, f[key], 'string', false);
  for (const key of ['description', 'initializer', 'instanceType'] as const)
    expectType(problems, `function.${key}`, f[key], 'string');
  for (const key of ['memorySize', 'timeout', 'initializationTimeout', 'caPort'] as const)
    expectType(problems, `function.${key}`, f[key], 'number');
  if (f.environmentVariables !== undefined) {
    if (!isRecord(f.environmentVariables))
      problems.push('function.environmentVariables should be an object of strings');
    else {
      for (const [k, v] of Object.entries(f.environmentVariables))
        expectType(problems, `function.environmentVariables.${k}`, v, 'string', false);
    }
  }
  if (f.layers !== undefined && (!Array.isArray(f.layers) || f.layers.some((l) => typeof l !== 'string'))) {
    problems.push('function.layers should be a list of strings');
  }
  if (f.customContainerConfig !== undefined) {
    const c = f.customContainerConfig;
    if (!isRecord(c)) problems.push('function.customContainerConfig should be an object');
    else {
      expectType(problems, 'function.customContainerConfig.image', c.image, 'string', false);
      for (const key of ['command', 'args', 'accelerationType'] as const)
        expectType(problems, `function.customContainerConfig.${key}`, c[key], 'string');
    }
  }
}

function checkCode(problems: Problems, c: unknown): void {
  if (!isRecord(c)) {
    problems.push('code should be an object');
    return;
  }
  switch (c.kind) {
    case 'folder':
    case 'zip':
      expectType(problems, 'code.path', c.path, 'string', false);
      return;
    case 'oss':
      expectType(problems, 'code.bucket', c.bucket, 'string', false);
      expectType(problems, 'code.object', c.object, 'string', false);
      return;
    case 'image':
      return;
    default:
      problems.push(`code.kind should be "folder", "zip", "oss" or "image", found ${JSON.stringify(c.kind)}`);
  }
}

/** The structural problems of one stored profile (empty when it is well formed). */
export function profileProblems(value: unknown): string[] {
  const problems: Problems = [];
  if (!isRecord(value)) return ['the profile should be an object'];
  const nameProblem = profileNameProblem(value.name);
  if (nameProblem) problems.push(`name: ${nameProblem}`);
  checkTarget(problems, value.target);
  if (!isRecord(value.service)) problems.push('service should be an object');
  else {
    expectType(problems, 'service.name', value.service.name, 'string', false);
    expectType(problems, 'service.create', value.service.create, 'boolean');
    expectType(problems, 'service.description', value.service.description, 'string');
  }
  checkFunction(problems, value.function);
  checkCode(problems, value.code);
  if (value.lastDeploy !== undefined && !isRecord(value.lastDeploy)) problems.push('lastDeploy should be an object');
  expectType(problems, 'lastEvent', value.lastEvent, 'string');
  return problems;
}
