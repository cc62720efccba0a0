// The sandbox's persistence: services, functions and code zips as files in a data directory.
//
//   <data>/services/<svc>/service.json          the service record
//   <data>/services/<svc>/functions/<fn>.json   one record per function
//   <data>/services/<svc>/code/<fn>.<rev>.zip   the function's current zip (a new name per upload)
//   <data>/staging/<pid>-<uuid>.zip             uploads being written, moved into code/ under the lock
//   <data>/locks/<svc>.lock                     the per-service mutation lock (lock.ts)
//
// Disk is the only source of truth (no cache), so several processes can serve one directory.
// Every write is atomic (atomic.ts); a function record only ever names a zip that is already in
// place, and an old zip is removed only after the record that replaced it is durable.
// Names are validated before they reach a path, and upper-case letters are escaped (`A` → `^a`)
// so that names differing only in case stay apart on case-insensitive file systems (macOS, Windows).
import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { isRecord } from '../core/is-record.js';
import type { FunctionInfo, ServiceInfo } from '../fc/types.js';
import { processAlive } from '../core/process-alive.js';
import { commitTemp, ownerPidOf, syncDir, TEMP_PREFIX, tempNameIn, writeJsonAtomic, writeTemp } from './atomic.js';
import { SandboxError } from './errors.js';
import { withLock } from './lock.js';

export interface ServiceRecord extends ServiceInfo {
  etag: string;
}

export interface FunctionRecord extends FunctionInfo {
  etag: string;
  /** The zip's file name under the service's code/ directory; absent for custom-container. */
  codeFile?: string;
}

/** What a name must look like before it may become part of a path (FC's name characters). */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

export function isStorableName(name: string): boolean {
  return SAFE_NAME.test(name);
}

export function encodeName(name: string): string {
  if (!isStorableName(name)) throw new Error(`not a storable name: ${JSON.stringify(name)}`);
  return name.replace(/[A-Z]/g, (c) => `^${c.toLowerCase()}`);
}

export function decodeName(encoded: string): string | undefined {
  const name = encoded.replace(/\^([a-z])/g, (_m, c: string) => c.toUpperCase());
  return isStorableName(name) && encodeName(name) === encoded ? name : undefined;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A zip under code/: `<encoded function name>.<revision>.zip`. */
const CODE_FILE = /^([A-Za-z0-9_^-]+)\.[0-9a-f-]+\.zip$/;

/**
 * A stored record that cannot be used (cut short by a disk error, edited by hand). Answered as a
 * 500 naming the file, so one bad record is found and removed instead of breaking its neighbours.
 */
export class CorruptRecordError extends SandboxError {
  constructor(what: string, file: string, problem: string, remedy: string) {
    super(500, 'InternalServerError', `the stored record of ${what} (${file}) is corrupt: ${problem}; ${remedy}`);
    this.name = 'CorruptRecordError';
  }
}

/** The file's JSON, undefined when it does not exist, or the reason it cannot be read as JSON. */
async function readJson(file: string): Promise<{ value: unknown } | { problem: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `it is not valid JSON (${(error as Error).message})` };
  }
}

/** What makes a parsed function record unusable, or undefined when it can be served. */
function functionRecordProblem(value: unknown, fn: string): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.functionName !== fn) return `its functionName is ${JSON.stringify(value.functionName)}, not '${fn}'`;
  if (typeof value.runtime !== 'string' || typeof value.etag !== 'string') return 'its runtime or etag is missing';
  const { codeFile } = value;
  if (codeFile !== undefined && (typeof codeFile !== 'string' || CODE_FILE.exec(codeFile)?.[1] !== encodeName(fn))) {
    return `its codeFile ${JSON.stringify(codeFile)} is not a code file of this function`;
  }
  return undefined;
}

function serviceRecordProblem(value: unknown, service: string): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.serviceName !== service) return `its serviceName is ${JSON.stringify(value.serviceName)}, not '${service}'`;
  if (typeof value.etag !== 'string') return 'its etag is missing';
  return undefined;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** A zip written to staging, waiting to be moved into a service under its lock. */
export interface StagedCode {
  readonly path: string;
  discard(): Promise<void>;
}

export class SandboxStore {
  readonly servicesDir: string;
  private readonly stagingDir: string;
  private readonly locksDir: string;
  private readonly trashDir: string;

  private readonly log: (line: string) => void;

  constructor(
    readonly dataDir: string,
    /** Where a skipped corrupt record or a crash's leftovers cleared at start are told. */
    options: { log?: (line: string) => void } = {},
  ) {
    this.log = options.log ?? (() => {});
    this.servicesDir = path.join(dataDir, 'services');
    this.stagingDir = path.join(dataDir, 'staging');
    this.locksDir = path.join(dataDir, 'locks');
    this.trashDir = path.join(dataDir, 'trash');
  }

  /**
   * Creates the layout and clears what crashed processes left behind: temp files, staged uploads,
   * half-deleted services, and zips no record points to. Only theirs: other processes may be
   * serving this directory, so a file is removed only when the pid in its name is not running, and
   * a service's zips are judged under its lock, where no request of anyone's is half done.
   */
  async init(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    for (const dir of [this.servicesDir, this.stagingDir, this.locksDir, this.trashDir])
      await mkdir(dir, { recursive: true });
    await this.removeDeadOwners(this.dataDir, (name) => name.startsWith(TEMP_PREFIX));
    await this.removeDeadOwners(this.stagingDir);
    await this.removeDeadOwners(this.trashDir);
    await this.removeDeadOwners(this.servicesDir, (name) => name.startsWith(TEMP_PREFIX));
    for (const service of await this.listServiceNames()) {
      try {
        await this.withServiceLock(service, () => this.sweepService(service));
      } catch (error) {
        // Never a reason not to start: what is left is only disk space, tried again next start.
        this.log(`start-up: could not check service '${service}' for leftovers: ${(error as Error).message}`);
      }
    }
  }

  /** Removes the entries of `dir` (those `which` picks) whose name carries no pid or a pid not running. */
  private async removeDeadOwners(dir: string, which: (name: string) => boolean = () => true): Promise<void> {
    for (const name of await listDir(dir)) {
      if (!which(name)) continue;
      const pid = ownerPidOf(name);
      if (pid !== undefined && processAlive(pid)) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      const where = path.relative(this.dataDir, path.join(dir, name));
      this.log(`start-up: removed ${where}, left by a process that is gone`);
    }
  }

  /** Call under the service's lock: its dead temp files, and its zips that no record names. */
  private async sweepService(service: string): Promise<void> {
    const dir = this.serviceDir(service);
    const isTemp = (name: string) => name.startsWith(TEMP_PREFIX);
    await this.removeDeadOwners(dir, isTemp);
    await this.removeDeadOwners(path.join(dir, 'functions'), isTemp);
    const named = new Set<string>();
    /** Functions whose record is corrupt: which zip it names is unknown, so all of theirs stay. */
    const unknown = new Set<string>();
    for (const fn of await this.listFunctionNames(service)) {
      try {
        const codeFile = (await this.getFunction(service, fn))?.codeFile;
        if (codeFile) named.add(codeFile);
      } catch (error) {
        if (!(error instanceof CorruptRecordError)) throw error;
        unknown.add(encodeName(fn));
      }
    }
    const codeDir = path.join(dir, 'code');
    for (const name of await listDir(codeDir)) {
      const owner = CODE_FILE.exec(name)?.[1];
      if (owner === undefined || unknown.has(owner) || named.has(name)) continue;
      await rm(path.join(codeDir, name), { force: true });
      this.log(`start-up: removed ${path.relative(this.dataDir, path.join(codeDir, name))}, a zip no record points to`);
    }
  }

  private serviceDir(service: string): string {
    return path.join(this.servicesDir, encodeName(service));
  }

  private functionFile(service: string, fn: string): string {
    return path.join(this.serviceDir(service), 'functions', `${encodeName(fn)}.json`);
  }

  codePath(service: string, codeFile: string): string {
    if (!CODE_FILE.test(codeFile)) throw new Error(`not a code file name: ${codeFile}`);
    return path.join(this.serviceDir(service), 'code', codeFile);
  }

  /** Serialises every mutation of one service (and the creation of its name). */
  withServiceLock<T>(service: string, fn: () => Promise<T>): Promise<T> {
    return withLock(path.join(this.locksDir, `${encodeName(service)}.lock`), `service '${service}'`, fn);
  }

  // ---- services ----

  async listServiceNames(): Promise<string[]> {
    const names: string[] = [];
    for (const entry of await listDir(this.servicesDir)) {
      if (entry.startsWith(TEMP_PREFIX)) continue;
      const name = decodeName(entry);
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  /** The service's record, undefined when there is none; CorruptRecordError when it cannot be used. */
  async getService(service: string): Promise<ServiceRecord | undefined> {
    if (!isStorableName(service)) return undefined;
    const file = path.join(this.serviceDir(service), 'service.json');
    const read = await readJson(file);
    if (read === undefined) return undefined;
    const problem = 'problem' in read ? read.problem : serviceRecordProblem(read.value, service);
    if (problem !== undefined) {
      // Deleting only the file would leave a folder that blocks creating the name again.
      const folder = path.relative(this.dataDir, this.serviceDir(service));
      const remedy = `repair it, or delete the folder ${folder} and all in it`;
      throw new CorruptRecordError(`service '${service}'`, path.relative(this.dataDir, file), problem, remedy);
    }
    return (read as { value: ServiceRecord }).value;
  }

  /** Creates the service's directory complete, then renames it into place: false if the name is taken. */
  async createService(record: ServiceRecord): Promise<boolean> {
    const target = this.serviceDir(record.serviceName);
    if (await this.getService(record.serviceName)) return false;
    const temp = tempNameIn(this.servicesDir);
    await mkdir(path.join(temp, 'functions'), { recursive: true });
    await mkdir(path.join(temp, 'code'), { recursive: true });
    await writeJsonAtomic(path.join(temp, 'service.json'), record);
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') return false;
      throw error;
    }
    await syncDir(this.servicesDir);
    return true;
  }

  async writeService(record: ServiceRecord): Promise<void> {
    await writeJsonAtomic(path.join(this.serviceDir(record.serviceName), 'service.json'), record);
  }

  /** Moves the directory out of the way in one rename, then deletes it. */
  async removeService(service: string): Promise<void> {
    const trash = path.join(this.trashDir, `${process.pid}-${randomUUID()}`);
    await rename(this.serviceDir(service), trash);
    await syncDir(this.servicesDir);
    await rm(trash, { recursive: true, force: true });
  }

  // ---- functions ----

  async listFunctionNames(service: string): Promise<string[]> {
    if (!isStorableName(service)) return [];
    const names: string[] = [];
    for (const entry of await listDir(path.join(this.serviceDir(service), 'functions'))) {
      if (entry.startsWith(TEMP_PREFIX) || !entry.endsWith('.json')) continue;
      const name = decodeName(entry.slice(0, -'.json'.length));
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  /** The function's record, undefined when there is none; CorruptRecordError when it cannot be used. */
  async getFunction(service: string, fn: string): Promise<FunctionRecord | undefined> {
    if (!isStorableName(service) || !isStorableName(fn)) return undefined;
    const file = this.functionFile(service, fn);
    const read = await readJson(file);
    if (read === undefined) return undefined;
    const problem = 'problem' in read ? read.problem : functionRecordProblem(read.value, fn);
    if (problem !== undefined) {
      const remedy = 'DeleteFunction removes it, or delete that file in the sandbox data directory';
      const what = `function '${fn}' in service '${service}'`;
      throw new CorruptRecordError(what, path.relative(this.dataDir, file), problem, remedy);
    }
    return (read as { value: FunctionRecord }).value;
  }

  /** For listings: a corrupt record is logged and left out (undefined), so its neighbours are still listed. */
  async listedFunction(service: string, fn: string): Promise<FunctionRecord | undefined> {
    return this.skippingCorrupt(() => this.getFunction(service, fn));
  }

  async listedService(service: string): Promise<ServiceRecord | undefined> {
    return this.skippingCorrupt(() => this.getService(service));
  }

  private async skippingCorrupt<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof CorruptRecordError)) throw error;
      this.log(`skipped in a listing: ${error.message}`);
      return undefined;
    }
  }

  async writeFunction(service: string, record: FunctionRecord): Promise<void> {
    await writeJsonAtomic(this.functionFile(service, record.functionName), record);
  }

  /** Removes the record, then every zip of the function (also one a corrupt record no longer names). */
  async removeFunction(service: string, fn: string): Promise<void> {
    await rm(this.functionFile(service, fn), { force: true });
    await syncDir(path.dirname(this.functionFile(service, fn)));
    const codeDir = path.join(this.serviceDir(service), 'code');
    for (const name of await listDir(codeDir)) {
      if (CODE_FILE.exec(name)?.[1] === encodeName(fn)) await rm(path.join(codeDir, name), { force: true });
    }
  }

  // ---- code ----

  /** Writes a zip to staging (outside any lock: it may be 100 MB). */
  async stageCode(zip: Uint8Array): Promise<StagedCode> {
    const target = path.join(this.stagingDir, `${process.pid}-${randomUUID()}.zip`);
    const temp = await writeTemp(target, zip);
    await commitTemp(temp, target);
    return { path: target, discard: () => rm(target, { force: true }) };
  }

  /** Moves a staged zip into the service (call under the service lock); returns its code file name. */
  async commitCode(service: string, fn: string, staged: StagedCode): Promise<string> {
    const codeFile = `${encodeName(fn)}.${randomUUID()}.zip`;
    const target = this.codePath(service, codeFile);
    await rename(staged.path, target);
    await syncDir(path.dirname(target));
    return codeFile;
  }

  async removeCode(service: string, codeFile: string): Promise<void> {
    await rm(this.codePath(service, codeFile), { force: true });
  }

  /** The stored zip as a stream and its size, or undefined when it is gone. */
  async openCode(service: string, codeFile: string): Promise<{ stream: ReadStream; size: number } | undefined> {
    const file = this.codePath(service, codeFile);
    try {
      const { size } = await stat(file);
      return { stream: createReadStream(file), size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}
