// The sandbox's own key pair and account id, when none are given: created once, kept in the data
// directory (the key pair in `credentials.json` with mode 0600, the only place fcw writes a secret,
// by design; the account id in `account.json`), and reused on every start so profiles pointing at
// the sandbox keep working.
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { ACCOUNT_ID } from '../fc/endpoint.js';
import type { Credentials } from '../fc/types.js';
import { syncDir, writeTemp } from './atomic.js';

export const CREDENTIALS_FILE = 'credentials.json';
export const ACCOUNT_FILE = 'account.json';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM.charAt(byte % ALNUM.length); // 256 % 62 bias is irrelevant here
  return out;
}

/** A fresh key pair: `LTAIsandbox` + 12 characters, and a 30-character secret (as long as Alibaba's). */
export function newCredentials(): Credentials {
  return { accessKeyId: `LTAIsandbox${randomText(12)}`, accessKeySecret: randomText(30) };
}

/** A fresh 16-digit account id, the shape of Alibaba Cloud's. */
export function newAccountId(): string {
  return `1${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, CREDENTIALS_FILE);
}

/**
 * What makes the key of a running `fcw serve` readable to a client on this machine, said when the
 * key id it expects is in no key file found here (by `fcw deploy` and by the wizard).
 */
export const SERVED_KEY_HINT =
  'For fcw serve, run it with the same FCW_CONFIG_DIR (its default data directory), ' +
  'or with --data in a folder fcw can read.';

/**
 * The key pair and account id a sandbox keeps in `dataDir`, for a client that talks to it (a
 * deploy to `fcw serve`, the wizard's list of keys). Read only, never created here; undefined when
 * there is no usable key file. Synchronous: two small files, read once per command.
 */
export function readSandboxKey(dataDir: string): { credentials: Credentials; accountId?: string } | undefined {
  try {
    const key = JSON.parse(readFileSync(credentialsPath(dataDir), 'utf8'));
    if (typeof key?.accessKeyId !== 'string' || typeof key?.accessKeySecret !== 'string') return undefined;
    let accountId: string | undefined;
    try {
      const account = JSON.parse(readFileSync(path.join(dataDir, ACCOUNT_FILE), 'utf8'));
      if (typeof account?.accountId === 'string') accountId = account.accountId;
    } catch {
      accountId = undefined;
    }
    return { credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret }, accountId };
  } catch {
    return undefined;
  }
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`${file} is not a JSON object; delete it to have the sandbox create a new one`);
}

/**
 * Reads `file`, or creates it with `fresh()` if absent. The new content is written in full to a
 * temp file, then hard-linked into place: link fails when the file exists, so two sandboxes starting
 * at once on a fresh directory cannot overwrite each other; both read the winner back.
 */
async function readOrCreate(
  dataDir: string,
  file: string,
  fresh: () => object,
  mode: number,
): Promise<Record<string, unknown>> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const text = await readFile(file, 'utf8');
    if (process.platform !== 'win32' && ((await stat(file)).mode & 0o777 & ~mode) !== 0) await chmod(file, mode);
    return parseJson(text, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temp = await writeTemp(file, `${JSON.stringify(fresh(), null, 2)}\n`, mode);
  try {
    await link(temp, file);
    await syncDir(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
  return parseJson(await readFile(file, 'utf8'), file);
}

/** The stored key pair (mode 0600), created on first use; a looser mode is tightened. */
export async function loadOrCreateCredentials(dataDir: string): Promise<Credentials> {
  const file = credentialsPath(dataDir);
  const { accessKeyId, accessKeySecret } = await readOrCreate(dataDir, file, newCredentials, 0o600);
  if (typeof accessKeyId !== 'string' || typeof accessKeySecret !== 'string' || !accessKeyId || !accessKeySecret) {
    throw new Error(
      `${file} lacks accessKeyId or accessKeySecret; delete it to have the sandbox create a new key pair`,
    );
  }
  return { accessKeyId, accessKeySecret };
}

/** The stored account id (not a secret), created on first use. */
export async function loadOrCreateAccountId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, ACCOUNT_FILE);
  const { accountId } = await readOrCreate(dataDir, file, () => ({ accountId: newAccountId() }), 0o644);
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new Error(`${file} lacks a numeric accountId; delete it to have the sandbox create a new one`);
  }
  return accountId;
}
