// Where the Alibaba Cloud key comes from. Users already keep one somewhere (docs/fc-api-notes.md, "Credentials"): the
// environment (the official default chain), the aliyun CLI's ~/.aliyun/config.json, or funcraft's
// ~/.fcli/config.yaml. We read those, in that order, and say which one we used; we never store a
// secret, and no message, error or label built here ever contains a secret or token: values read
// from the files appear in messages only when they are names (profile names, modes), never keys, and
// parser messages (which quote the file's text) are never passed on.
import { isRecord } from '../core/is-record.js';
import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

import { UsageError } from '../core/errors.js';
import type { Credentials } from '../fc/types.js';

export type CredentialSourceKind = 'env' | 'aliyun-cli' | 'fcli';

export interface CredentialSource {
  kind: CredentialSourceKind;
  /** For people: e.g. `environment (ALIBABA_CLOUD_ACCESS_KEY_ID)`. Never holds a secret. */
  label: string;
  /** The aliyun CLI profile used (kind 'aliyun-cli'). */
  profileName?: string;
}

export interface ResolvedCredentials {
  credentials: Credentials;
  source: CredentialSource;
  /** ALIBABA_CLOUD_ACCOUNT_ID, else what the source knows (the fcli endpoint). */
  accountId?: string;
  /** ALIBABA_CLOUD_REGION_ID, else what the source knows (aliyun CLI region_id, the fcli endpoint). */
  region?: string;
  /** Set when the source a saved profile asked for was not available and another one was used. */
  note?: string;
}

/**
 * What a saved profile records about its source (profiles/schema's CredentialSourceRef, less the
 * sandbox key, which is not a cloud source). `chosen`: the user named it (--credentials, or picked
 * it in the wizard), so it is used alone, never swapped for another source.
 */
export type PreferredSource = ({ kind: 'env' } | { kind: 'aliyun-cli'; profileName?: string } | { kind: 'fcli' }) & {
  chosen?: boolean;
};

export interface ResolveCredentialsOptions {
  env: Record<string, string | undefined>;
  /** The home directory the config files are under (tests pass a temp dir). */
  home: string;
  /** A saved profile's source is tried first, the usual order following; a chosen one is the only one tried. */
  preferSource?: PreferredSource;
  /** Where a one-line warning goes (a key file others can read), with the source it is about; stderr when not given. */
  warn?: (line: string, source: CredentialSourceKind) => void;
}

export const ENV = {
  id: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  token: 'ALIBABA_CLOUD_SECURITY_TOKEN',
  region: 'ALIBABA_CLOUD_REGION_ID',
  account: 'ALIBABA_CLOUD_ACCOUNT_ID',
  profile: 'ALIBABA_CLOUD_PROFILE',
} as const;

const ALIYUN_FILE = ['.aliyun', 'config.json'];
const FCLI_FILE = ['.fcli', 'config.yaml'];
/** aliyun CLI modes fcw can use directly: a long-term key, or a key with an STS token. */
const SUPPORTED_ALIYUN_MODES = ['AK', 'StsToken'];

/** A source either found a key, or was looked at and had none (and says why, for the not-found message). */
type Probe = { found: Omit<ResolvedCredentials, 'note'> } | { absent: string };

interface Context {
  env: Record<string, string | undefined>;
  home: string;
  warn: (line: string, source: CredentialSourceKind) => void;
}

/** An environment value, with empty meaning unset (CI systems often export empty variables). */
function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A path for messages: under home it starts with `~`. */
function displayPath(home: string, file: string): string {
  const rel = path.relative(home, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel.split(path.sep).join('/')}` : file;
}

/** Names from files go into messages: keep them printable and short (no terminal escapes). */
function safeName(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}

/** The names whose condition held: `named([cond && 'A', cond2 && 'B'])`. */
function named(items: (string | false)[]): string[] {
  return items.filter((v): v is string => typeof v === 'string');
}

/** ALIBABA_CLOUD_ACCOUNT_ID / _REGION_ID win over what a source knows (flags and profiles are the caller's). */
function withEnvTarget(ctx: Context, found: Omit<ResolvedCredentials, 'note'>): Omit<ResolvedCredentials, 'note'> {
  const accountId = envValue(ctx.env, ENV.account) ?? found.accountId;
  const region = envValue(ctx.env, ENV.region) ?? found.region;
  return { ...found, ...(accountId ? { accountId } : {}), ...(region ? { region } : {}) };
}

// ---- environment ---------------------------------------------------------------------------------

function probeEnv(ctx: Context): Probe {
  const id = envValue(ctx.env, ENV.id);
  const secret = envValue(ctx.env, ENV.secret);
  const token = envValue(ctx.env, ENV.token);
  if (!id && !secret && !token) return { absent: `${ENV.id} and ${ENV.secret} are not set` };
  const missing = named([!id && ENV.id, !secret && ENV.secret]);
  if (missing.length > 0) {
    const set = named([Boolean(id) && ENV.id, Boolean(secret) && ENV.secret, Boolean(token) && ENV.token]).join(
      ' and ',
    );
    throw new UsageError(
      `${set} ${set.includes(' and ') ? 'are' : 'is'} set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not: a half-set key in the environment.`,
      `Set ${missing.join(' and ')} too, or unset ${set} to use another credential source.`,
    );
  }
  if (id!.startsWith('STS.') && !token) {
    throw new UsageError(
      `${ENV.id} is an STS key (it starts with "STS.") but ${ENV.token} is not set.`,
      `Set ${ENV.token} to the security token that came with this key.`,
    );
  }
  const credentials: Credentials = {
    accessKeyId: id!,
    accessKeySecret: secret!,
    ...(token ? { securityToken: token } : {}),
  };
  return {
    found: withEnvTarget(ctx, {
      credentials,
      source: { kind: 'env', label: `environment (${ENV.id}${token ? `, with ${ENV.token}` : ''})` },
    }),
  };
}

// ---- files ---------------------------------------------------------------------------------------

/** The file's text; undefined when it does not exist; a clear UsageError when it cannot be read. */
async function readConfigFile(
  ctx: Context,
  kind: CredentialSourceKind,
  file: string,
  shown: string,
): Promise<string | undefined> {
  try {
    // One open file for the mode and the text: the mode warned about is the file's that was read.
    const handle = await open(file, 'r');
    try {
      warnIfShared(ctx, kind, file, shown, await handle.stat());
      // A byte-order mark (editors on Windows add one) is not JSON: drop it.
      return (await handle.readFile('utf8')).replace(/^\uFEFF/, '');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (code ?? 'unknown error');
    throw new UsageError(
      `Cannot read ${shown} (${why}).`,
      `Fix or remove ${shown}, or set ${ENV.id} and ${ENV.secret}.`,
    );
  }
}

/** Files already warned about in this run: a deploy may read the same file more than once. */
const warnedFiles = new Set<string>();

/**
 * These files hold a long-term key in clear. Readable by the group or others, any local account
 * (a shared build host, a container with other users) can take it: say so once, with the fix.
 * Windows has no such mode bits: skipped there.
 */
function warnIfShared(ctx: Context, kind: CredentialSourceKind, file: string, shown: string, stat: Stats): void {
  const mode = stat.mode;
  if (process.platform === 'win32' || !stat.isFile() || (mode & 0o044) === 0 || warnedFiles.has(file)) return;
  warnedFiles.add(file);
  const who = mode & 0o040 && mode & 0o004 ? 'group and others' : mode & 0o040 ? 'group' : 'others';
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  const fix = `chmod 600 ${shellWord(file)}`;
  ctx.warn(`fcw: warning: ${shown} holds a key and is readable by ${who} (mode ${octal}); fix it: ${fix}`, kind);
}

/** A path as one shell word: quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Line and column of a character offset, for parse errors (their own messages quote the file: never shown). */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1) ?? '').length + 1}`;
}

/** A string field of a parsed file; a wrong type is an error naming the field (never its value). */
function stringField(obj: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && (key === 'region_id' || key === 'endpoint')) return String(v);
  if (typeof v !== 'string') throw new UsageError(`${where}: "${key}" must be a string.`, `Fix ${key} in that file.`);
  return v.trim() === '' ? undefined : v.trim();
}

// ---- aliyun CLI ----------------------------------------------------------------------------------

/** The aliyun CLI config as read: its profiles, their names and its "current". */
interface AliyunConfig {
  shown: string;
  profiles: Record<string, unknown>[];
  names: string[];
  current?: string;
}

/** Why a profile name was picked, for "no profile X" messages. */
type AliyunPick = 'env' | 'chosen' | 'saved' | 'current' | 'default';
const PICKED_BECAUSE: Record<AliyunPick, string> = {
  env: ENV.profile,
  chosen: 'the one chosen',
  saved: 'the saved profile',
  current: 'its "current"',
  default: 'the default',
};

async function readAliyunConfig(ctx: Context): Promise<AliyunConfig | { absent: string }> {
  const file = path.join(ctx.home, ...ALIYUN_FILE);
  const shown = displayPath(ctx.home, file);
  const text = await readConfigFile(ctx, 'aliyun-cli', file, shown);
  if (text === undefined) return { absent: `${shown}: no such file` };

  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    const at = /at position (\d+)/.exec((error as Error).message);
    throw new UsageError(
      `${shown} is not valid JSON${at ? ` (near ${lineColumn(text, Number(at[1]))})` : ''}.`,
      `Fix the file or write it again with \`aliyun configure\`; or set ${ENV.id} and ${ENV.secret} instead.`,
    );
  }
  if (!isRecord(config))
    throw new UsageError(
      `${shown} must hold a JSON object with "profiles".`,
      'Write it again with `aliyun configure`.',
    );
  const profiles = config.profiles ?? [];
  if (!Array.isArray(profiles) || !profiles.every(isRecord)) {
    throw new UsageError(`${shown}: "profiles" must be a list of objects.`, 'Write it again with `aliyun configure`.');
  }
  const names = profiles.map((p) => (typeof p.name === 'string' ? p.name : '')).filter(Boolean);
  const current =
    typeof config.current === 'string' && config.current.trim() !== '' ? config.current.trim() : undefined;
  return { shown, profiles, names, ...(current ? { current } : {}) };
}

/**
 * The aliyun CLI key. Which profile: a name chosen (--credentials aliyun:NAME) is the most
 * explicit; then ALIBABA_CLOUD_PROFILE (asked for now), the saved profile's, the CLI's current.
 */
async function probeAliyun(ctx: Context, wanted: { profileName?: string; chosen?: boolean } = {}): Promise<Probe> {
  const fromEnv = wanted.chosen && wanted.profileName ? undefined : envValue(ctx.env, ENV.profile);
  const config = await readAliyunConfig(ctx);
  if ('absent' in config) {
    if (fromEnv) {
      throw new UsageError(
        `${ENV.profile} is "${safeName(fromEnv)}", but there is no ${config.absent.replace(/: no such file$/, '')}.`,
        `Create the profile with \`aliyun configure --profile ${safeName(fromEnv)}\`, or unset ${ENV.profile}.`,
      );
    }
    return config;
  }
  if (fromEnv) return aliyunProfile(ctx, config, fromEnv, 'env');
  if (wanted.profileName) return aliyunProfile(ctx, config, wanted.profileName, wanted.chosen ? 'chosen' : 'saved');
  return aliyunProfile(ctx, config, config.current ?? 'default', config.current ? 'current' : 'default');
}

function knownProfiles(config: AliyunConfig): string {
  if (config.names.length === 0) return 'it has no profiles';
  return `it has: ${config.names.map((n) => `"${safeName(n)}"`).join(', ')}`;
}

/** One profile's key; a profile that is not there is "absent" (an error when ALIBABA_CLOUD_PROFILE named it). */
function aliyunProfile(ctx: Context, config: AliyunConfig, name: string, pick: AliyunPick): Probe {
  const { shown } = config;
  const profile = config.profiles.find((p) => p.name === name);
  if (!profile) {
    if (pick === 'env') {
      throw new UsageError(
        `${ENV.profile} is "${safeName(name)}", but ${shown} has no profile of that name (${knownProfiles(config)}).`,
        `Set ${ENV.profile} to one of those, or create it with \`aliyun configure --profile ${safeName(name)}\`.`,
      );
    }
    return { absent: `${shown}: no profile "${safeName(name)}" (${PICKED_BECAUSE[pick]}; ${knownProfiles(config)})` };
  }

  const where = `aliyun CLI profile "${safeName(name)}" in ${shown}`;
  const mode = stringField(profile, 'mode', where) ?? 'AK'; // the CLI's own default mode
  if (!SUPPORTED_ALIYUN_MODES.includes(mode)) {
    throw new UsageError(
      `${where} uses mode "${safeName(mode)}", which fcw does not support yet (it reads ${SUPPORTED_ALIYUN_MODES.join(' and ')}).`,
      `Pick an AK or StsToken profile with ${ENV.profile}=NAME, or export ${ENV.id}, ${ENV.secret} (and ${ENV.token}) for this shell.`,
    );
  }
  const id = stringField(profile, 'access_key_id', where);
  const secret = stringField(profile, 'access_key_secret', where);
  const token = stringField(profile, 'sts_token', where);
  const missing = named([
    !id && 'access_key_id',
    !secret && 'access_key_secret',
    mode === 'StsToken' && !token && 'sts_token',
  ]);
  if (missing.length > 0) {
    throw new UsageError(
      `${where} (mode ${mode}) has no ${missing.join(' and no ')}.`,
      `Run \`aliyun configure --profile ${safeName(name)}${mode === 'StsToken' ? ' --mode StsToken' : ''}\` to set it.`,
    );
  }
  const sts = mode === 'StsToken';
  const credentials: Credentials = {
    accessKeyId: id!,
    accessKeySecret: secret!,
    ...(sts ? { securityToken: token! } : {}),
  };
  const region = stringField(profile, 'region_id', where);
  return {
    found: withEnvTarget(ctx, {
      credentials,
      source: {
        kind: 'aliyun-cli',
        label: `aliyun CLI profile "${safeName(name)}" (${shown}${sts ? ', StsToken' : ''})`,
        profileName: name,
      },
      ...(region ? { region } : {}),
    }),
  };
}

// ---- funcraft (fcli) -----------------------------------------------------------------------------

/** `https://{accountId}.{region}[-internal].fc.aliyuncs.com` → its account id and region. */
export function parseFcEndpoint(endpoint: string): { accountId: string; region: string } | undefined {
  const m = /^https?:\/\/([0-9]+)\.([a-z0-9-]+?)(?:-internal)?\.fc\.aliyuncs\.com\/?$/i.exec(endpoint.trim());
  const [, accountId, region] = m ?? [];
  return accountId && region ? { accountId, region: region.toLowerCase() } : undefined;
}

async function probeFcli(ctx: Context): Promise<Probe> {
  const file = path.join(ctx.home, ...FCLI_FILE);
  const shown = displayPath(ctx.home, file);
  const text = await readConfigFile(ctx, 'fcli', file, shown);
  if (text === undefined) return { absent: `${shown}: no such file` };

  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (error) {
    const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new UsageError(
      `${shown} is not valid YAML${pos ? ` (near line ${pos.line}, column ${pos.col})` : ''}.`,
      `Fix the file or write it again with \`fun config\`; or set ${ENV.id} and ${ENV.secret} instead.`,
    );
  }
  if (config === null || config === undefined) return { absent: `${shown}: empty` };
  if (!isRecord(config))
    throw new UsageError(
      `${shown} must be a YAML mapping (endpoint, access_key_id, ...).`,
      'Write it again with `fun config`.',
    );

  const where = `funcraft config ${shown}`;
  const id = stringField(config, 'access_key_id', where);
  const secret = stringField(config, 'access_key_secret', where);
  const token = stringField(config, 'security_token', where);
  if (!id && !secret) return { absent: `${shown}: no access_key_id or access_key_secret` };
  if (!id || !secret) {
    throw new UsageError(
      `${where} has ${id ? 'access_key_id but no access_key_secret' : 'access_key_secret but no access_key_id'}.`,
      'Run `fun config` to set both.',
    );
  }
  const endpoint = stringField(config, 'endpoint', where);
  const target = endpoint ? parseFcEndpoint(endpoint) : undefined;
  const credentials: Credentials = {
    accessKeyId: id,
    accessKeySecret: secret,
    ...(token ? { securityToken: token } : {}),
  };
  return {
    found: withEnvTarget(ctx, {
      credentials,
      source: { kind: 'fcli', label: `funcraft config (${shown}${token ? ', with security_token' : ''})` },
      ...(target ? { accountId: target.accountId, region: target.region } : {}),
    }),
  };
}

// ---- resolution ----------------------------------------------------------------------------------

const SOURCE_NAMES: Record<CredentialSourceKind, string> = {
  env: 'environment',
  'aliyun-cli': 'aliyun CLI config',
  fcli: 'funcraft config',
};

function describePreferred(p: PreferredSource): string {
  return p.kind === 'aliyun-cli' && p.profileName
    ? `aliyun CLI profile "${safeName(p.profileName)}"`
    : `the ${SOURCE_NAMES[p.kind]}`;
}

function probeSource(ctx: Context, source: PreferredSource): Promise<Probe> | Probe {
  if (source.kind === 'env') return probeEnv(ctx);
  if (source.kind === 'aliyun-cli') return probeAliyun(ctx, { profileName: source.profileName, chosen: source.chosen });
  return probeFcli(ctx);
}

function contextOf(options: ResolveCredentialsOptions): Context {
  const toStderr = (line: string) => void process.stderr.write(`${line}\n`);
  return { env: options.env, home: options.home, warn: options.warn ?? toStderr };
}

/**
 * The key to use: the environment, then the aliyun CLI config, then the funcraft config (a saved
 * profile's source first, when given; a chosen source alone). Throws UsageError when none has a key
 * (listing every place looked and how to set one), or when a source is half-set, unsupported or
 * unreadable.
 */
export async function resolveCredentials(options: ResolveCredentialsOptions): Promise<ResolvedCredentials> {
  const ctx = contextOf(options);
  const prefer = options.preferSource;
  if (prefer?.chosen) {
    const probe = await probeSource(ctx, prefer);
    if ('found' in probe) return probe.found;
    // Named by the user: another source would be another identity they did not pick.
    throw new UsageError(
      `The credentials chosen, ${describePreferred(prefer)}, have no key here: ${probe.absent}.`,
      'Set that source up, or choose another: --credentials env, aliyun, aliyun:PROFILE, fcli or sandbox.',
    );
  }
  const order: CredentialSourceKind[] = ['env', 'aliyun-cli', 'fcli'];
  if (prefer) order.sort((a, b) => Number(b === prefer.kind) - Number(a === prefer.kind));

  const looked: string[] = [];
  for (const kind of order) {
    const probe = await probeSource(ctx, prefer?.kind === kind ? prefer : ({ kind } as PreferredSource));
    if ('found' in probe) {
      const fellBack = prefer && prefer.kind !== kind;
      return fellBack
        ? {
            ...probe.found,
            note: `The saved profile used ${describePreferred(prefer)}, which has no key here (${looked[0]}); using ${probe.found.source.label} instead.`,
          }
        : probe.found;
    }
    looked.push(`${SOURCE_NAMES[kind]}: ${probe.absent}`);
  }
  throw new UsageError(
    [
      'No Alibaba Cloud credentials found. fcw looked in, in this order:',
      ...looked.map((l, i) => `  ${i + 1}. ${l}`),
      'Set one of them:',
      `  - export ${ENV.id}=... and ${ENV.secret}=... (plus ${ENV.token} for an STS key, ${ENV.region} and ${ENV.account})`,
      `  - or run \`aliyun configure\` (aliyun CLI, mode AK or StsToken; pick a profile with ${ENV.profile})`,
      '  - or run `fun config` (funcraft, writes ~/.fcli/config.yaml)',
    ].join('\n'),
    'To try fcw without an account, deploy to the local sandbox: --target local.',
  );
}

/**
 * Every source with a usable key, in the search order: the environment, each aliyun CLI profile
 * fcw can read, the funcraft config. For the wizard, which lets the user pick one; a source that is
 * half-set or unreadable is left out (choosing it would give its error).
 */
export async function listCredentialSources(options: ResolveCredentialsOptions): Promise<ResolvedCredentials[]> {
  const ctx = contextOf(options);
  const found: ResolvedCredentials[] = [];
  const keep = async <T>(read: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof UsageError) return undefined;
      throw error;
    }
  };
  const take = (probe: Probe | undefined) => probe && 'found' in probe && found.push(probe.found);
  take(await keep(() => probeEnv(ctx)));
  const aliyun = await keep(() => readAliyunConfig(ctx));
  if (aliyun && !('absent' in aliyun)) {
    for (const name of aliyun.names) take(await keep(() => aliyunProfile(ctx, aliyun, name, 'chosen')));
  }
  take(await keep(() => probeFcli(ctx)));
  return found;
}

/** Like resolveCredentials, but undefined instead of an error (the wizard picks its default with it). */
export async function findCloudCredentials(
  options: ResolveCredentialsOptions,
): Promise<ResolvedCredentials | undefined> {
  try {
    return await resolveCredentials(options);
  } catch (error) {
    if (error instanceof UsageError) return undefined; // resolveCredentials gives the reason when asked for
    throw error;
  }
}

/** An endpoint for display: no user:password part, no query (a URL could carry either). */
function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return safeName(endpoint);
  }
}

/** The one line shown before any write: account, region, endpoint, credential source. No secret. */
export function describeTarget(target: {
  accountId: string;
  region?: string;
  endpoint: string;
  source: { label: string; kind?: string; profileName?: string };
}): string {
  return [
    `account ${safeName(target.accountId)}`,
    ...(target.region ? [`region ${safeName(target.region)}`] : []),
    `endpoint ${displayEndpoint(target.endpoint)}`,
    `credentials from ${target.source.label}`,
  ].join(', ');
}
