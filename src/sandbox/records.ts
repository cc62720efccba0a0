// Pure building of the records the sandbox stores and answers: defaults filled the way FC fills
// them (CreateFunction's documented defaults: memorySize 128, timeout 60, initializationTimeout 3; caPort 9000 for
// custom runtimes), the update merge, the etag, and the public view without internal fields.
import { createHash, randomUUID } from 'node:crypto';

// The sandbox keeps exactly these fields; others in a request are ignored, as unknown JSON fields.
import { FUNCTION_CONFIG_FIELDS, SERVICE_CONFIG_FIELDS } from '../fc/config-fields.js';
import { getRuntime } from '../fc/rules.js';
import {
  CA_PORT_DEFAULT,
  DISK_SIZE_DEFAULT_MB,
  INIT_TIMEOUT_DEFAULT_S,
  INSTANCE_CONCURRENCY_DEFAULT,
  MEMORY_DEFAULT_MB,
  TIMEOUT_DEFAULT_S,
} from '../fc/limits.js';
import type {
  CreateFunctionRequest,
  CreateServiceRequest,
  FunctionConfig,
  FunctionInfo,
  ServiceInfo,
  UpdateFunctionRequest,
} from '../fc/types.js';
import type { FunctionRecord, ServiceRecord } from './store.js';

/** FC's time format: ISO 8601 in UTC, whole seconds (`2020-04-01T08:15:27Z`). */
export function fcTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The configuration objects FC answers with every service, in FC's shapes, as they read when unset
 * (FC answers them present and empty, never absent). A given object is laid over its default, so a
 * `logConfig` of only project and logstore reads back with the metrics switches off.
 */
export const SERVICE_CONFIG_DEFAULTS = {
  logConfig: {
    project: '',
    logstore: '',
    enableRequestMetrics: false,
    enableInstanceMetrics: false,
    logBeginRule: 'None',
  },
  vpcConfig: { vpcId: '', vSwitchIds: [], securityGroupId: '' },
  nasConfig: { userId: -1, groupId: -1, mountPoints: [] },
  tracingConfig: {},
  ossMountConfig: { mountPoints: [] },
} as const;

/** What FC answers for a function's lifecycle hooks when none are set. */
const LIFECYCLE_DEFAULT = { preFreeze: { handler: '', timeout: 3 }, preStop: { handler: '', timeout: 3 } };

/** A sandbox function is ready as soon as it is written: FC's answer for a function that is. */
const READY_STATE = {
  state: 'Active',
  stateReason: '',
  stateReasonCode: '',
  lastUpdateStatus: 'Successful',
  lastUpdateStatusReason: '',
  lastUpdateStatusReasonCode: '',
} as const;

/** A new etag for a record's content (the record's own etag excluded). */
export function etagOf(record: object): string {
  const { etag: _etag, ...rest } = record as { etag?: string };
  return createHash('md5').update(JSON.stringify(rest)).digest('hex');
}

/** Does the `If-Match` header allow a change of a resource whose etag is `current`? */
export function ifMatchAllows(header: string | undefined, current: string): boolean {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return true;
  return header.split(',').some(
    (tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1') === current,
  );
}

function isCustom(runtime: string): boolean {
  return getRuntime(runtime)?.isCustom ?? runtime.startsWith('custom');
}

/** Only the fields that were given (null counts as not given). */
function given<T extends object>(source: T, fields: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const field of fields) {
    const value = source[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

export interface StoredCode {
  codeFile?: string;
  codeChecksum?: string;
  codeSize: number;
}

export function newFunctionRecord(req: CreateFunctionRequest, code: StoredCode, now: number): FunctionRecord {
  const fields = given(req as FunctionConfig, FUNCTION_CONFIG_FIELDS);
  const record: FunctionRecord = {
    functionId: randomUUID(),
    functionName: req.functionName,
    description: '',
    memorySize: MEMORY_DEFAULT_MB,
    timeout: TIMEOUT_DEFAULT_S,
    initializationTimeout: INIT_TIMEOUT_DEFAULT_S,
    environmentVariables: {},
    instanceType: 'e1',
    instanceConcurrency: INSTANCE_CONCURRENCY_DEFAULT,
    diskSize: DISK_SIZE_DEFAULT_MB,
    instanceLifecycleConfig: LIFECYCLE_DEFAULT,
    ...fields,
    ...READY_STATE,
    runtime: req.runtime,
    handler: req.handler,
    ...(isCustom(req.runtime) ? { caPort: fields.caPort ?? CA_PORT_DEFAULT } : {}),
    codeChecksum: code.codeChecksum,
    codeSize: code.codeSize,
    codeFile: code.codeFile,
    createdTime: fcTime(now),
    lastModifiedTime: fcTime(now),
    etag: '',
  };
  record.etag = etagOf(record);
  return record;
}

/** The record after an UpdateFunction: given fields replace, absent ones stay; new code replaces the old. */
export function updatedFunctionRecord(
  current: FunctionRecord,
  req: UpdateFunctionRequest,
  code: StoredCode | undefined,
  now: number,
): FunctionRecord {
  const next: FunctionRecord = { ...current, ...given(req as Partial<FunctionConfig>, FUNCTION_CONFIG_FIELDS) };
  if (isCustom(next.runtime) && next.caPort === undefined) next.caPort = CA_PORT_DEFAULT;
  if (!isCustom(next.runtime)) delete next.caPort;
  if (code) {
    next.codeFile = code.codeFile;
    next.codeChecksum = code.codeChecksum;
    next.codeSize = code.codeSize;
  }
  if (getRuntime(next.runtime)?.usesImage) {
    // Moved onto custom-container: the image is the code now, the old zip is no longer its code.
    delete next.codeFile;
    delete next.codeChecksum;
    next.codeSize = 0;
  }
  next.lastModifiedTime = fcTime(now);
  next.etag = etagOf(next);
  return next;
}

/** Each configuration object: the given one over FC's default; not given, the current one (or the default). */
function serviceConfigs(req: Partial<CreateServiceRequest>, current?: ServiceRecord): Partial<CreateServiceRequest> {
  const out: Partial<CreateServiceRequest> = {};
  const defaults = Object.entries(SERVICE_CONFIG_DEFAULTS) as [keyof typeof SERVICE_CONFIG_DEFAULTS, object][];
  for (const [key, fallback] of defaults) {
    const value = req[key];
    out[key] = value !== undefined && value !== null ? { ...fallback, ...value } : (current?.[key] ?? { ...fallback });
  }
  return out;
}

export function newServiceRecord(req: CreateServiceRequest, now: number): ServiceRecord {
  const record: ServiceRecord = {
    serviceId: randomUUID(),
    serviceName: req.serviceName,
    description: '',
    role: '',
    internetAccess: true,
    ...given(req, SERVICE_CONFIG_FIELDS),
    ...serviceConfigs(req),
    createdTime: fcTime(now),
    lastModifiedTime: fcTime(now),
    etag: '',
  };
  record.etag = etagOf(record);
  return record;
}

export function updatedServiceRecord(
  current: ServiceRecord,
  req: Partial<CreateServiceRequest>,
  now: number,
): ServiceRecord {
  const next: ServiceRecord = {
    ...current,
    ...given(req, SERVICE_CONFIG_FIELDS),
    ...serviceConfigs(req, current),
    lastModifiedTime: fcTime(now),
  };
  next.etag = etagOf(next);
  return next;
}

/** What the API answers: the record without the sandbox's bookkeeping. */
export function publicFunction(record: FunctionRecord): FunctionInfo {
  const { etag: _etag, codeFile: _codeFile, ...info } = record;
  // Records written before these fields were kept read back with FC's defaults.
  return {
    instanceConcurrency: INSTANCE_CONCURRENCY_DEFAULT,
    diskSize: DISK_SIZE_DEFAULT_MB,
    instanceLifecycleConfig: LIFECYCLE_DEFAULT,
    ...info,
    ...READY_STATE,
  };
}

export function publicService(record: ServiceRecord): ServiceInfo {
  const { etag: _etag, ...info } = record;
  // The record's own configuration objects, or FC's defaults for records written before they were kept.
  return { ...info, ...serviceConfigs({}, record) };
}
