// Brings a profile file written by an older fcw up to PROFILE_SCHEMA_VERSION, one step at a time.
// Pure: takes the parsed JSON, answers the new JSON. The store writes the result back.
//
// Version 0 is the layout before the file carried a version: every top-level key was a profile
// name, and a profile was flat (`{ endpoint, region, accountId, serviceName, createService,
// functionName, runtime, handler, memorySize, timeout, ..., codeDir | codeZip }`). Version 1
// nests it into target / service / function / code and keeps all profiles in one `profiles` record.
import { isRecord } from '../core/is-record.js';
import { PROFILE_SCHEMA_VERSION, type CodeSource, type Profile, type ProfileFile } from './schema.js';

export class MigrationError extends Error {}

type Json = Record<string, unknown>;

// The fields a version-0 profile could hold, frozen as they were: not FCW_FUNCTION_SETTINGS, which
// grows with fcw, while an old file's meaning must not change when it does.
const FUNCTION_FIELDS_V0 = [
  'runtime',
  'handler',
  'description',
  'memorySize',
  'timeout',
  'initializer',
  'initializationTimeout',
  'environmentVariables',
  'layers',
  'caPort',
  'customContainerConfig',
  'instanceType',
] as const;

function migrateProfileV0(name: string, old: Json): Profile {
  const fn: Json = { functionName: old.functionName };
  for (const key of FUNCTION_FIELDS_V0) if (old[key] !== undefined) fn[key] = old[key];
  let code: CodeSource;
  if (typeof old.codeZip === 'string') code = { kind: 'zip', path: old.codeZip };
  else if (typeof old.ossBucket === 'string' && typeof old.ossObject === 'string')
    code = { kind: 'oss', bucket: old.ossBucket, object: old.ossObject };
  else if (isRecord(old.customContainerConfig)) code = { kind: 'image' };
  else code = { kind: 'folder', path: String(old.codeDir ?? '.') };
  const endpoint = typeof old.endpoint === 'string' ? old.endpoint : undefined;
  const isLocal = endpoint !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint);
  return {
    name,
    target: {
      kind: endpoint === undefined ? 'cloud' : isLocal ? 'local' : 'endpoint',
      ...(endpoint !== undefined && !isLocal ? { endpoint } : {}),
      ...(typeof old.region === 'string' ? { region: old.region } : {}),
      ...(typeof old.accountId === 'string' ? { accountId: old.accountId } : {}),
    },
    service: { name: String(old.serviceName ?? ''), ...(old.createService === true ? { create: true } : {}) },
    function: fn as unknown as Profile['function'],
    code,
  };
}

/** One step per version: MIGRATIONS[n] turns a version-n file into a version-(n+1) file. */
const MIGRATIONS: Record<number, (file: Json) => Json> = {
  0: (file) => {
    const profiles: Record<string, Profile> = {};
    for (const [name, value] of Object.entries(file)) {
      if (name === '__internal__') continue; // conf's own bookkeeping, if any
      if (!isRecord(value)) throw new MigrationError(`profile "${name}" in the old (version 0) file is not an object`);
      profiles[name] = migrateProfileV0(name, value);
    }
    return { version: 1, profiles };
  },
};

/** The version a parsed file says it has; a file without one is version 0. */
export function fileVersion(file: Json): number {
  return typeof file.version === 'number' ? file.version : 0;
}

/** Migrates `file` to the current version. Throws MigrationError for a version newer than this build. */
export function migrateProfileFile(file: Json): { file: ProfileFile; from: number; migrated: boolean } {
  const from = fileVersion(file);
  if (!Number.isInteger(from) || from < 0)
    throw new MigrationError(`its "version" is ${JSON.stringify(file.version)}, not a whole number`);
  if (from > PROFILE_SCHEMA_VERSION) {
    throw new MigrationError(
      `it was written by a newer fcw (schema version ${from}; this fcw knows up to ${PROFILE_SCHEMA_VERSION})`,
    );
  }
  let current = file;
  for (let v = from; v < PROFILE_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new MigrationError(`no migration from schema version ${v}`);
    current = step(current);
  }
  if (!isRecord(current.profiles)) {
    if (current.profiles === undefined) current = { ...current, profiles: {} };
    else throw new MigrationError('its "profiles" is not an object');
  }
  return { file: current as unknown as ProfileFile, from, migrated: from !== PROFILE_SCHEMA_VERSION };
}
