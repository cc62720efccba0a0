// A directory of JSON records, one file per name, for the sandbox's smaller resources (triggers,
// versions, aliases, layers, per-function configs). Every write is atomic (atomic.ts); names are
// mapped to file names by the caller's `toFile` (validated names only, case kept apart on
// case-insensitive file systems), so a name can never reach outside the directory.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { syncDir, TEMP_PREFIX, writeJsonAtomic } from './atomic.js';
import { decodeName, encodeName } from './store.js';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export interface NameCodec {
  toFile(name: string): string;
  /** undefined for a file that is not a record of this directory. */
  fromFile(file: string): string | undefined;
}

/** FC resource names ([A-Za-z_][A-Za-z0-9_-]*), upper case escaped as the store does. */
export const NAME_CODEC: NameCodec = {
  toFile: (name) => `${encodeName(name)}.json`,
  fromFile: (file) => (file.endsWith('.json') ? decodeName(file.slice(0, -'.json'.length)) : undefined),
};

/** Positive integers (version ids): `v12.json`. */
export const NUMBER_CODEC: NameCodec = {
  toFile: (name) => {
    if (!/^[1-9][0-9]{0,15}$/.test(name)) throw new Error(`not a version number: ${name}`);
    return `v${name}.json`;
  },
  fromFile: (file) => /^v([1-9][0-9]{0,15})\.json$/.exec(file)?.[1],
};

/** Qualifiers: LATEST and alias names as names, version numbers as `v<N>`. */
export const QUALIFIER_CODEC: NameCodec = {
  toFile: (q) => (/^[0-9]+$/.test(q) ? NUMBER_CODEC.toFile(q) : NAME_CODEC.toFile(q)),
  fromFile: (file) => NUMBER_CODEC.fromFile(file) ?? NAME_CODEC.fromFile(file),
};

export class JsonDir<T> {
  constructor(
    readonly dir: string,
    private readonly codec: NameCodec = NAME_CODEC,
  ) {}

  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const names: string[] = [];
    for (const entry of entries) {
      if (entry.startsWith(TEMP_PREFIX)) continue;
      const name = this.codec.fromFile(entry);
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  async get(name: string): Promise<T | undefined> {
    let file: string;
    try {
      file = path.join(this.dir, this.codec.toFile(name));
    } catch {
      return undefined; // not a name this directory can hold, so not one it holds
    }
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(name: string, record: T): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(path.join(this.dir, this.codec.toFile(name)), record);
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.dir, this.codec.toFile(name)), { force: true });
    await syncDir(this.dir).catch(() => {});
  }

  /** Every record, in name order as given by `compare`. */
  async all(compare?: (a: string, b: string) => number): Promise<T[]> {
    const names = (await this.list()).sort(compare);
    const out: T[] = [];
    for (const name of names) {
      const record = await this.get(name);
      if (record !== undefined) out.push(record);
    }
    return out;
  }
}

/** Where a service's resources of one kind live: `<data>/services/<svc>/<kind>[/<sub>]`. */
export function serviceResourceDir(servicesDir: string, service: string, ...kind: string[]): string {
  return path.join(servicesDir, encodeName(service), ...kind);
}
