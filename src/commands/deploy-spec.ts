// `fcw deploy`'s spec: the profile's fields with the flags on top. It lives with the command
// because its errors name flags (--service, --code ...): a missing field here is a missing flag.
import path from 'node:path';

import { UsageError } from '../core/errors.js';
import type { AccelerationType, CustomContainerConfig, FunctionConfig } from '../fc/types.js';
import type { CodeSource, Profile, ProfileService } from '../profiles/schema.js';
import type { DeploySpec } from '../deploy/plan.js';

/**
 * Field values given as flags; each one replaces the profile's (environment variables merge by key).
 * The function's own fields are FunctionConfig's, so their names and types follow the API's.
 */
export interface FieldOverrides extends Partial<
  Pick<
    FunctionConfig,
    | 'functionName'
    | 'runtime'
    | 'handler'
    | 'memorySize'
    | 'timeout'
    | 'initializer'
    | 'initializationTimeout'
    | 'description'
    | 'environmentVariables'
    | 'layers'
    | 'caPort'
    | 'instanceType'
  >
> {
  service?: string;
  createService?: boolean;
  serviceDescription?: string;
  /** A folder, or a .zip / .jar file. */
  code?: string;
  image?: string;
  command?: string;
  args?: string;
  accelerationType?: string;
  ossBucket?: string;
  ossObject?: string;
}

const ZIP_EXTENSIONS = ['.zip', '.jar'];

/** A `--code` argument as a code source: a .zip/.jar file, else a folder. Relative to `cwd`. */
export function codeSourceFromPath(codePath: string, cwd: string): CodeSource {
  const absolute = path.resolve(cwd, codePath);
  return ZIP_EXTENSIONS.includes(path.extname(absolute).toLowerCase())
    ? { kind: 'zip', path: absolute }
    : { kind: 'folder', path: absolute };
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/**
 * The spec for this deploy: the profile's fields with the flags on top. Missing required fields
 * are a UsageError that names the flag to give.
 */
export function buildSpec(profile: Profile | undefined, o: FieldOverrides, cwd: string): DeploySpec {
  const fn: FunctionConfig = profile ? structuredClone(profile.function) : ({} as FunctionConfig);
  const service: ProfileService = profile ? { ...profile.service } : ({} as ProfileService);
  assign(service, 'name', o.service);
  assign(service, 'create', o.createService);
  assign(service, 'description', o.serviceDescription);

  assign(fn, 'functionName', o.functionName);
  assign(fn, 'runtime', o.runtime);
  assign(fn, 'handler', o.handler);
  assign(fn, 'memorySize', o.memorySize);
  assign(fn, 'timeout', o.timeout);
  assign(fn, 'initializer', o.initializer);
  assign(fn, 'initializationTimeout', o.initializationTimeout);
  assign(fn, 'description', o.description);
  assign(fn, 'layers', o.layers);
  assign(fn, 'caPort', o.caPort);
  assign(fn, 'instanceType', o.instanceType);
  if (o.environmentVariables)
    fn.environmentVariables = { ...(fn.environmentVariables ?? {}), ...o.environmentVariables };

  let code: CodeSource | undefined = profile ? { ...profile.code } : undefined;
  const codeFlags = [
    o.code !== undefined && '--code',
    (o.ossBucket !== undefined || o.ossObject !== undefined) && '--oss-bucket/--oss-object',
    o.image !== undefined && '--image',
  ].filter(Boolean);
  if (codeFlags.length > 1) {
    throw new UsageError(
      `Give one code source, not ${codeFlags.join(' and ')}.`,
      'A function takes a folder or zip (--code), an OSS object (--oss-bucket and --oss-object), or an image (--image, custom-container).',
    );
  }
  if (o.code !== undefined) code = codeSourceFromPath(o.code, cwd);
  if (o.ossBucket !== undefined || o.ossObject !== undefined) {
    const bucket = o.ossBucket ?? (code?.kind === 'oss' ? code.bucket : undefined);
    const object = o.ossObject ?? (code?.kind === 'oss' ? code.object : undefined);
    if (!bucket || !object) throw new UsageError('Code from OSS needs both --oss-bucket and --oss-object.');
    code = { kind: 'oss', bucket, object };
  }
  if (o.image !== undefined || o.command !== undefined || o.args !== undefined || o.accelerationType !== undefined) {
    const base: Partial<CustomContainerConfig> = fn.customContainerConfig ?? {};
    const container: CustomContainerConfig = { ...base, image: o.image ?? base.image ?? '' };
    assign(container, 'command', o.command);
    assign(container, 'args', o.args);
    assign(container, 'accelerationType', o.accelerationType as AccelerationType | undefined);
    if (!container.image)
      throw new UsageError('--command, --args and --acceleration configure a container image: give --image too.');
    fn.customContainerConfig = container;
    code = { kind: 'image' };
  }
  if (code && code.kind !== 'image') delete fn.customContainerConfig;

  const missing: string[] = [];
  if (!service.name) missing.push('--service');
  if (!fn.functionName) missing.push('--function');
  if (!fn.runtime) missing.push('--runtime');
  if (!fn.handler) missing.push('--handler');
  if (!code) missing.push('--code (or --oss-bucket/--oss-object, or --image)');
  if (missing.length > 0) {
    throw new UsageError(
      `Missing ${missing.join(', ')}: ${profile ? `profile "${profile.name}" and the flags do not give` : 'without --profile, every field is a flag, and these are required'}.`,
      'Run `fcw deploy --help` for the flags, or `fcw profiles list` for saved profiles.',
    );
  }
  return { service, function: fn, code: code as CodeSource };
}
