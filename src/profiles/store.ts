// The saved profiles, in `config.json` under the fcw config directory (FCW_CONFIG_DIR or the OS
// config directory). conf is the store: every read is conf's (it reads the file afresh each time and
// parses it with parseProfileFileText), every write is conf's (through `atomically`: a temp file and
// a rename, so a crash mid-write leaves the old file; mode 0600 on every write, also over a file that
// was 0644; the folder made on demand). What conf does not do is ours (measured with conf 15.1.0):
// - A lock around each read-modify-write (withLock). conf has none: two processes each calling set()
//   200 times on distinct keys kept 200 to 236 of the 400 keys. (No read saw a half-written file.)
// - Setting aside a file it cannot use, with a message. conf throws a bare SyntaxError without the
//   file's name on bad JSON, or, with clearInvalidConfig, reads {} and the next write destroys the
//   file; `42` and `null` read as {} and `[1,2]` as {"0":1,"1":2} either way. We move the file to
//   `config.json.corrupt-<time>`: never a crash, never a silent reset that loses someone's profiles.
// - Migrations (migrate.ts). conf's key on the app's semver, kept in an `__internal__` key it writes
//   into the file as soon as it is opened (a read-only `fcw profiles list` too), run outside any
//   lock, keep no backup, and an older build opening a newer file rewrites that key back. Ours key on
//   the file's own `version`, keep `config.json.v<N>.bak`, and refuse a file from a newer fcw.
// - The shape check (schema.ts). conf's `schema` is ajv, compiled on every open (80 to 190 ms for a
//   two-field schema on a loaded 2-core machine, under 1 ms without), and it checks the whole file
//   on every read and write, so one hand-edited profile would lock out all the others. Ours names
//   what is wrong with a profile on get() and leaves the others usable.
// - A file-system refusal at config.json (permission, read-only disk) is the user's to fix, naming
//   the file (asPermissionProblem); conf passes the bare errno error on.
// Also ours: dot notation off (conf would read "a.b" as a path), and save() copies only the known
// fields, so nothing riding along on the object handed in (credentials, say) can land on disk.
// With SNAP set (a snap-packaged Node) conf writes in place, not atomically: the lock still orders
// writers, and a file a crash left half-written is set aside like any other unreadable one.
import { isRecord } from '../core/is-record.js';
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';

import { fcwConfigDir } from '../core/config-dir.js';
import { FailedError, UsageError } from '../core/errors.js';
import { LockBusyError, withFileLockSync } from '../core/lock-file.js';
import { FCW_FUNCTION_FIELDS } from '../fc/config-fields.js';
import type { FunctionConfig } from '../fc/types.js';
import { MigrationError, migrateProfileFile } from './migrate.js';
import { UnreadableProfileFileError, parseProfileFileText } from './parse-file.js';
import {
  PROFILE_SCHEMA_VERSION,
  profileNameProblem,
  profileProblems,
  type CodeSource,
  type LastDeploy,
  LAST_EVENT_MAX_BYTES,
  type Profile,
  type ProfileFile,
  type ProfileTarget,
} from './schema.js';

export interface ProfileStoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides the directory (tests); default fcwConfigDir(env). */
  dir?: string;
  /** Where notices go (the corrupt file set aside, a migration). Default process.stderr. */
  stderr?: NodeJS.WritableStream;
  now?: () => Date;
  /** How long a write waits for another fcw process's lock (default 5 s). */
  lockWaitMs?: number;
}

const CONFIG_NAME = 'config';
/** A lock older than this is left over from a process that died mid-write: writes take milliseconds. */
const STALE_LOCK_MS = 10_000;

/**
 * A file-system refusal (permission, read-only disk, a folder where the file should be) as the
 * user's to fix, naming the file, instead of a bare "EACCES: permission denied, open ..." or
 * "EISDIR: illegal operation on a directory" with exit 1. Anything else is passed on as it is.
 */
function asPermissionProblem(error: unknown, doing: string, file: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EISDIR') {
    return new UsageError(
      `Cannot ${doing} ${file}: it is a folder, not a file.`,
      `Move it out of the way (mv ${file} ${file}.old), or point FCW_CONFIG_DIR at another folder.`,
    );
  }
  if (code === 'ENOTDIR') {
    return new UsageError(
      `Cannot ${doing} ${file}: a part of its path is a file, not a folder.`,
      'Point FCW_CONFIG_DIR at a folder of your own.',
    );
  }
  if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') return error;
  return new UsageError(
    `Cannot ${doing} ${file} (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}).`,
    `Check its owner and mode and those of its folder (ls -ld ${path.dirname(file)}; ls -l ${file}), or point FCW_CONFIG_DIR at a folder of your own.`,
  );
}

function fileStamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export class ProfileStore {
  readonly path: string;
  readonly dir: string;
  private readonly conf: Conf<Record<string, unknown>>;
  private readonly stderr: NodeJS.WritableStream;
  private readonly now: () => Date;
  private readonly lockWaitMs: number;

  constructor(options: ProfileStoreOptions = {}) {
    this.dir = options.dir ?? fcwConfigDir(options.env ?? process.env);
    this.path = path.join(this.dir, `${CONFIG_NAME}.json`);
    this.stderr = options.stderr ?? process.stderr;
    this.now = options.now ?? (() => new Date());
    this.lockWaitMs = options.lockWaitMs ?? 5_000;
    this.conf = this.openConf();
    const migrated = this.migrateOnOpen();
    if (migrated) this.withLock(() => this.write(migrated));
  }

  /** Every stored profile name, sorted. */
  names(): string[] {
    return Object.keys(this.read().profiles).sort();
  }

  /** Every well-formed profile, sorted by name; malformed ones are reported by get(). */
  list(): Profile[] {
    const { profiles } = this.read();
    return Object.entries(profiles)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .filter(([, profile]) => profileProblems(profile).length === 0)
      .map(([, profile]) => profile);
  }

  /** The names of stored profiles that are malformed (edited by hand), with what is wrong. */
  malformed(): { name: string; problems: string[] }[] {
    const { profiles } = this.read();
    return Object.keys(profiles)
      .sort()
      .map((name) => ({ name, problems: profileProblems(profiles[name]) }))
      .filter((p) => p.problems.length > 0);
  }

  /** What is stored under `name`, as is (no check), or undefined: for showing a malformed profile. */
  stored(name: string): unknown {
    const { profiles } = this.read();
    return Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  }

  /** The profile, or undefined. A stored profile that is malformed is a UsageError naming what is wrong. */
  get(name: string): Profile | undefined {
    const { profiles } = this.read();
    // hasOwn: a name like "constructor" must not find the object prototype's member.
    const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
    if (profile === undefined) return undefined;
    const problems = profileProblems(profile);
    if (problems.length > 0) {
      throw new UsageError(
        `Profile "${name}" in ${this.path} is malformed: ${problems.join('; ')}.`,
        `Fix the file by hand, or save the profile again (\`fcw deploy ... --save-profile ${name}\`).`,
      );
    }
    if (profile.name !== name) return { ...profile, name };
    return profile;
  }

  /** The profile, or a UsageError that lists the known ones. */
  require(name: string): Profile {
    const problem = profileNameProblem(name);
    if (problem) throw new UsageError(`Invalid profile name: ${problem}.`);
    const profile = this.get(name);
    if (profile) return profile;
    const known = this.names();
    throw new UsageError(
      `No profile named "${name}".`,
      known.length > 0
        ? `Known profiles: ${known.join(', ')}.`
        : `No profiles are saved yet (in ${this.path}); save one with \`fcw deploy ... --save-profile ${name}\` or the wizard.`,
    );
  }

  /** Saves (creates or replaces) a profile. Only known fields are stored. Returns what was stored. */
  save(profile: Profile): Profile {
    const problem = profileNameProblem(profile.name);
    if (problem) throw new UsageError(`Cannot save the profile: ${problem}.`);
    const problems = profileProblems(profile);
    if (problems.length > 0) throw new UsageError(`Cannot save profile "${profile.name}": ${problems.join('; ')}.`);
    const clean = sanitizeProfile(profile);
    return this.withLock(() => {
      const file = this.read();
      const previous = file.profiles[profile.name];
      const stamp = this.now().toISOString();
      clean.createdAt = isRecord(previous) && typeof previous.createdAt === 'string' ? previous.createdAt : stamp;
      // Saving the deploy's fields again keeps the event remembered for "Invoke it now".
      if (clean.lastEvent === undefined && isRecord(previous) && typeof previous.lastEvent === 'string') {
        clean.lastEvent = previous.lastEvent;
      }
      clean.updatedAt = stamp;
      this.write({ ...file, profiles: { ...file.profiles, [profile.name]: clean } });
      return clean;
    });
  }

  /** Removes a profile; false when there was none. */
  remove(name: string): boolean {
    return this.withLock(() => {
      const file = this.read();
      if (!Object.hasOwn(file.profiles, name)) return false;
      const profiles = { ...file.profiles };
      delete profiles[name];
      this.write({ ...file, profiles });
      return true;
    });
  }

  /** Records the outcome of a deploy in the profile (also a failed one). False when the profile is gone. */
  recordDeploy(name: string, lastDeploy: LastDeploy): boolean {
    const clean = sanitizeLastDeploy(lastDeploy);
    return this.withLock(() => {
      const file = this.read();
      const profile = file.profiles[name];
      if (!isRecord(profile)) return false;
      this.write({ ...file, profiles: { ...file.profiles, [name]: { ...profile, lastDeploy: clean } } });
      return true;
    });
  }

  /** Remembers the event last invoked with (too large: not kept). False when the profile is gone. */
  recordEvent(name: string, event: string): boolean {
    if (Buffer.byteLength(event, 'utf8') > LAST_EVENT_MAX_BYTES) return false;
    return this.withLock(() => {
      const file = this.read();
      const profile = file.profiles[name];
      if (!isRecord(profile)) return false;
      this.write({ ...file, profiles: { ...file.profiles, [name]: { ...profile, lastEvent: event } } });
      return true;
    });
  }

  /**
   * Runs a read-modify-write under `config.json.lock` (the shared lock file), so two fcw processes
   * saving at once (parallel CI jobs, say) cannot lose each other's changes. Bounded wait; a lock
   * left by a process that died is taken over, and so is any lock older than STALE_LOCK_MS.
   */
  private withLock<T>(work: () => T): T {
    const lock = `${this.path}.lock`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw asPermissionProblem(error, 'create the config folder', this.dir);
    }
    let workFailed = false;
    const guarded = () => {
      try {
        return work();
      } catch (error) {
        workFailed = true;
        throw error;
      }
    };
    try {
      return withFileLockSync(lock, guarded, { timeoutMs: this.lockWaitMs, staleAfterMs: STALE_LOCK_MS });
    } catch (error) {
      if (workFailed) throw error;
      if (error instanceof LockBusyError && error.file === lock) {
        const owner = `another fcw process${error.ownerPid === undefined ? '' : ` (pid ${error.ownerPid})`}`;
        throw new FailedError(
          `The profile file ${this.path} is locked by ${owner} (${lock}).`,
          `If no other fcw is running, delete ${lock}.`,
        );
      }
      throw asPermissionProblem(error, 'write the profile lock', lock);
    }
  }

  // ---- file handling: conf reads and writes, we decide what a file we cannot use becomes ----------

  /**
   * conf reads the file once as it opens (and throws if our parser refuses it): such a file is set
   * aside and conf opened again on the empty place. Opening is reading, and a refusal is worded so.
   */
  private openConf(): Conf<Record<string, unknown>> {
    const options = {
      cwd: this.dir,
      configName: CONFIG_NAME,
      projectSuffix: '',
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      configFileMode: 0o600,
      deserialize: parseProfileFileText,
    };
    try {
      return new Conf<Record<string, unknown>>(options);
    } catch (error) {
      if (!(error instanceof UnreadableProfileFileError)) {
        throw asPermissionProblem(error, 'read the profile file', this.path);
      }
      this.setAside(error.reason);
    }
    try {
      return new Conf<Record<string, unknown>>(options);
    } catch (error) {
      throw asPermissionProblem(error, 'read the profile file', this.path);
    }
  }

  /** The file's top-level object as conf reads it now ({} when there is none); unreadable: set aside. */
  private readRaw(): Record<string, unknown> {
    try {
      return this.conf.store;
    } catch (error) {
      // Damaged since conf opened it (another process, a hand edit): set aside, like at open.
      if (error instanceof UnreadableProfileFileError) {
        this.setAside(error.reason);
        return {};
      }
      throw asPermissionProblem(error, 'read the profile file', this.path);
    }
  }

  private read(): ProfileFile {
    const raw = this.readRaw();
    if (Object.keys(raw).length === 0) return { version: PROFILE_SCHEMA_VERSION, profiles: {} };
    // Edited since we opened it into something we cannot use: set it aside rather than write over it.
    if (raw.version !== PROFILE_SCHEMA_VERSION || !isRecord(raw.profiles)) {
      if (typeof raw.version === 'number' && raw.version > PROFILE_SCHEMA_VERSION) {
        throw new UsageError(
          `Cannot use the profiles in ${this.path}: it was written by a newer fcw (schema version ${raw.version}).`,
          'Upgrade fcw, or point FCW_CONFIG_DIR at another directory.',
        );
      }
      this.setAside(
        `its shape changed while fcw was running (version ${JSON.stringify(raw.version)}, profiles ${isRecord(raw.profiles) ? 'an object' : 'not an object'})`,
      );
      return { version: PROFILE_SCHEMA_VERSION, profiles: {} };
    }
    return { version: PROFILE_SCHEMA_VERSION, profiles: raw.profiles as Record<string, Profile> };
  }

  private write(file: ProfileFile): void {
    try {
      this.conf.store = { version: PROFILE_SCHEMA_VERSION, profiles: file.profiles } as unknown as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw asPermissionProblem(error, 'write the profile file', this.path);
    }
  }

  /**
   * The file as conf opened it, brought to this version: an old version is migrated (the original
   * kept as `config.json.v<N>.bak`) and returned for writing; a file the migration cannot read is
   * set aside; a newer version is refused, untouched.
   */
  private migrateOnOpen(): ProfileFile | undefined {
    const raw = this.readRaw();
    if (Object.keys(raw).length === 0) return undefined;
    try {
      const { file, from, migrated } = migrateProfileFile(raw);
      if (!migrated) return undefined;
      fs.copyFileSync(this.path, `${this.path}.v${from}.bak`);
      this.stderr.write(
        `fcw: upgraded ${this.path} from profile schema version ${from} to ${PROFILE_SCHEMA_VERSION} (the original is kept as ${path.basename(this.path)}.v${from}.bak).\n`,
      );
      return file;
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      if (/newer fcw/.test(error.message)) {
        throw new UsageError(
          `Cannot use the profiles in ${this.path}: ${error.message}.`,
          'Upgrade fcw, or point FCW_CONFIG_DIR at another directory.',
        );
      }
      this.setAside(error.message);
      return undefined;
    }
  }

  private setAside(reason: string): void {
    const target = `${this.path}.corrupt-${fileStamp(this.now())}`;
    fs.renameSync(this.path, target);
    this.stderr.write(
      `fcw: the profile file ${this.path} could not be read: ${reason}.\n` +
        `  It was moved to ${target} and a new, empty file is used. Your old profiles are in that file.\n`,
    );
  }
}

// ---- copying only the known fields -------------------------------------------------------------

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

function sanitizeTarget(t: ProfileTarget): ProfileTarget {
  const out: ProfileTarget = pick(t, ['kind', 'endpoint', 'region', 'accountId']);
  const s = t.credentialSource;
  if (s) {
    const source = s.kind === 'aliyun-cli' ? pick(s, ['kind', 'profileName']) : { kind: s.kind };
    out.credentialSource = { ...source, ...(s.chosen ? { chosen: true } : {}) };
  }
  return out;
}

function sanitizeCode(c: CodeSource): CodeSource {
  switch (c.kind) {
    case 'folder':
    case 'zip':
      return { kind: c.kind, path: path.resolve(c.path) };
    case 'oss':
      return { kind: 'oss', bucket: c.bucket, object: c.object };
    default:
      return { kind: c.kind };
  }
}

function sanitizeLastDeploy(d: LastDeploy): LastDeploy {
  return pick(d, ['time', 'status', 'functionId', 'codeChecksum', 'etag', 'error', 'requestIds']);
}

export function sanitizeProfile(p: Profile): Profile {
  const fn = pick(p.function, FCW_FUNCTION_FIELDS) as FunctionConfig;
  if (fn.customContainerConfig)
    fn.customContainerConfig = pick(fn.customContainerConfig, ['image', 'command', 'args', 'accelerationType']);
  const out: Profile = {
    name: p.name,
    target: sanitizeTarget(p.target),
    service: pick(p.service, ['name', 'create', 'description']),
    function: fn,
    code: sanitizeCode(p.code),
  };
  if (p.lastDeploy) out.lastDeploy = sanitizeLastDeploy(p.lastDeploy);
  if (typeof p.lastEvent === 'string' && Buffer.byteLength(p.lastEvent, 'utf8') <= LAST_EVENT_MAX_BYTES) {
    out.lastEvent = p.lastEvent;
  }
  return out;
}
