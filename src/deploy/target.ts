// Where a deploy goes, and with which key: the in-process sandbox, a compatible endpoint, or the
// cloud. Resolved from the flags, then the profile, then the environment; the answer carries the
// one line that must be shown before any write (account, region, endpoint, credential source).
// A loopback or plain-http endpoint gets a sandbox key; a cloud key goes there only when the user
// names its source with --credentials (keepsCloudKeysAway says why).
import os from 'node:os';
import path from 'node:path';

import { sandboxDataDir } from '../core/config-dir.js';
import { CancelledError, ConfigError, FailedError, UsageError } from '../core/errors.js';
import { checkEndpoint, cloudEndpoint, keepsCloudKeysAway } from '../fc/endpoint.js';
import type { Credentials } from '../fc/types.js';
import {
  describeTarget as describeTargetLine,
  findCloudCredentials,
  resolveCredentials,
  type PreferredSource,
  type ResolvedCredentials,
} from '../profiles/credentials.js';
import type { CredentialSourceRef, ProfileTarget, TargetKind } from '../profiles/schema.js';
import { credentialsPath, readSandboxKey, SERVED_KEY_HINT } from '../sandbox/credentials.js';
import { CREDENTIAL_CHOICES, credentialsFlag, parseCredentialChoice } from './credential-choice.js';

export interface TargetFlags {
  target?: string;
  endpoint?: string;
  region?: string;
  accountId?: string;
  /** `--credentials SOURCE`: env, aliyun[:PROFILE], fcli or sandbox. */
  credentials?: string;
}

export interface ResolvedTarget {
  kind: TargetKind;
  endpoint: string;
  accountId: string;
  region?: string;
  credentials: Credentials;
  /** The line shown before any write. Never holds a secret. */
  description: string;
  /** Where the key came from, e.g. "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)": named when the key is refused. */
  credentialSource: string;
  /** What a profile stores about this target (no secret). */
  profileTarget: ProfileTarget;
  /** Stops what was started for this deploy (the in-process sandbox). */
  close(): Promise<void>;
}

interface StartedSandbox {
  url: string;
  accountId: string;
  credentials: Credentials;
  close(): Promise<void>;
}

/** How the world is reached; tests replace parts. */
export interface TargetDeps {
  env: NodeJS.ProcessEnv;
  home?: string;
  startSandbox?: (options: { port: number; dataDir: string }) => Promise<StartedSandbox>;
  /** How long to wait for GET /sandbox-info (SANDBOX_INFO_WAIT_MS unless a test says otherwise). */
  sandboxInfoWaitMs?: number;
  /** Where a one-line warning goes (a key file others can read); stderr when not given. */
  warn?: (line: string) => void;
  /** Ctrl-C: ends the sandbox probe at once. */
  signal?: AbortSignal;
}

/** What `fcw serve` tells about itself without authentication (never the secret). */
export interface SandboxInfo {
  accountId: string;
  accessKeyId: string;
  /** The key file when its key pair lives in its data directory (not with --access-key-id). */
  keyFile?: string;
}

/**
 * How long fcw waits for GET /sandbox-info. An idle `fcw serve` answers at once, but 50 fcw
 * processes started together on 2 cores compete with the sandbox for the CPU: with the machine's
 * load average near 50, 50 bare fetches of it took 4.7 s at the median and 6 s at worst, and one
 * of 50 parallel deploys waited more than 10 s. Waiting costs nothing when the answer comes (and
 * Ctrl-C ends it at once); past this, fcw says the endpoint did not answer in time.
 */
export const SANDBOX_INFO_WAIT_MS = 30_000;

/** What GET /sandbox-info told: fcw serve's key id, another server, no answer in time, no server, Ctrl-C. */
export type SandboxProbe =
  | { answer: 'sandbox'; info: SandboxInfo }
  | { answer: 'other'; status: number }
  | { answer: 'timeout'; waitMs: number }
  | { answer: 'unreachable'; code: string }
  | { answer: 'cancelled' };

/** GET /sandbox-info: which key id the endpoint expects, if it is `fcw serve`. Sends no credentials. */
export async function probeSandbox(
  endpoint: string,
  options: { signal?: AbortSignal; waitMs?: number } = {},
): Promise<SandboxProbe> {
  const { signal, waitMs = SANDBOX_INFO_WAIT_MS } = options;
  const controller = new AbortController();
  const abort = () => controller.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort();
  }, waitMs);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  try {
    const response = await fetch(new URL('/sandbox-info', endpoint), { signal: controller.signal, redirect: 'manual' });
    if (!response.ok) {
      await response.body?.cancel();
      return { answer: 'other', status: response.status };
    }
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (body?.sandbox !== 'fcw' || typeof body.accessKeyId !== 'string' || typeof body.accountId !== 'string') {
      return { answer: 'other', status: response.status };
    }
    const keyFile = typeof body.keyFile === 'string' ? { keyFile: body.keyFile } : {};
    return { answer: 'sandbox', info: { accountId: body.accountId, accessKeyId: body.accessKeyId, ...keyFile } };
  } catch (error) {
    if (signal?.aborted) return { answer: 'cancelled' };
    if (timedOut) return { answer: 'timeout', waitMs };
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return { answer: 'unreachable', code: typeof cause?.code === 'string' ? cause.code : 'no answer' };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}

/** The kind asked for: --target, else --endpoint means a custom endpoint, else the profile's, else cloud. */
export function targetKind(flags: TargetFlags, profile?: ProfileTarget): TargetKind {
  if (flags.target !== undefined) {
    if (flags.target === 'local' || flags.target === 'cloud') {
      // Two flags naming two different places: going to either one silently would surprise.
      if (flags.endpoint) {
        throw new UsageError(
          `--target ${flags.target} and --endpoint ${flags.endpoint} name two different places to deploy to.`,
          flags.target === 'local'
            ? 'Drop --endpoint to use the built-in sandbox, or drop --target to use that endpoint (e.g. fcw serve).'
            : 'Drop --endpoint to deploy to Alibaba Cloud, or drop --target to use that endpoint.',
        );
      }
      return flags.target;
    }
    if (flags.target === 'endpoint') {
      if (!flags.endpoint && !profile?.endpoint) throw new UsageError('--target endpoint needs --endpoint URL.');
      return 'endpoint';
    }
    throw new UsageError(`--target must be "local" or "cloud" (or "endpoint" with --endpoint), not "${flags.target}".`);
  }
  if (flags.endpoint) return 'endpoint';
  return profile?.kind ?? 'cloud';
}

function sandboxKeyAt(file: string): LocalKey | undefined {
  const key = readSandboxKey(path.dirname(file));
  return key ? { ...key, source: { kind: 'sandbox', label: `the local sandbox's own key (${file})` } } : undefined;
}

/** A sandbox key found on this machine, and where: the label names the key file. */
export interface LocalKey {
  credentials: Credentials;
  accountId?: string;
  source: { kind: string; label: string; profileName?: string };
}

/**
 * The local key whose id GET /sandbox-info names: the config dir's sandbox key, then the key file
 * the sandbox names (its --data directory). `looked` says what each file held when none matched,
 * each key id as `showId` writes it (the wizard masks them).
 */
export function findServedKey(
  info: SandboxInfo,
  env: NodeJS.ProcessEnv,
  showId: (id: string) => string = (id) => id,
): { key?: LocalKey; looked: string[] } {
  const defaultKeyFile = credentialsPath(sandboxDataDir(env));
  const named = info.keyFile && path.resolve(info.keyFile) !== path.resolve(defaultKeyFile) ? [info.keyFile] : [];
  const looked: string[] = [];
  for (const file of [defaultKeyFile, ...named]) {
    const found = sandboxKeyAt(file);
    if (found?.credentials.accessKeyId === info.accessKeyId) return { key: found, looked };
    looked.push(`${file} (${found ? `key id ${showId(found.credentials.accessKeyId)}` : 'no key'})`);
  }
  return { looked };
}

function firstOf(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

function deploying(t: Parameters<typeof describeTargetLine>[0]): string {
  return `Deploying to: ${describeTargetLine(t)}.`;
}

function withNote(line: string, note: string | undefined): string {
  return note ? `${line}\n${note}` : line;
}

/** The source to use alone: --credentials, else one the saved profile records as chosen. */
function chosenSource(flags: TargetFlags, profile: ProfileTarget | undefined): CredentialSourceRef | undefined {
  if (flags.credentials !== undefined) return parseCredentialChoice(flags.credentials);
  return profile?.credentialSource?.chosen ? profile.credentialSource : undefined;
}

interface Context {
  env: NodeJS.ProcessEnv;
  home: string;
  deps: TargetDeps;
}

function cloudKey(ctx: Context, preferSource: PreferredSource | undefined): Promise<ResolvedCredentials> {
  return resolveCredentials({ env: ctx.env, home: ctx.home, preferSource, warn: ctx.deps.warn });
}

function askSandbox(ctx: Context, endpoint: string): Promise<SandboxProbe> {
  return probeSandbox(endpoint, { signal: ctx.deps.signal, waitMs: ctx.deps.sandboxInfoWaitMs });
}

/**
 * Resolves the target. Order for each value: flag, profile, environment, what the credential
 * source knows (the fcli endpoint holds an account id and region).
 */
export async function resolveTarget(
  flags: TargetFlags,
  profile: ProfileTarget | undefined,
  deps: TargetDeps,
): Promise<ResolvedTarget> {
  const env = deps.env;
  const ctx: Context = { env, home: deps.home ?? env.HOME ?? os.homedir(), deps };
  const kind = targetKind(flags, profile);
  const chosen = chosenSource(flags, profile);

  if (kind === 'local') {
    if (chosen && chosen.kind !== 'sandbox') {
      throw new UsageError(
        `${credentialsFlag(chosen)} cannot be used with the built-in sandbox (--target local): ` +
          'it takes its own key only.',
        'Drop --credentials, or run `fcw serve --access-key-id ID` (secret in FCW_SANDBOX_SECRET) and give --endpoint.',
      );
    }
    return localTarget(env, deps);
  }

  const accountFlag = firstOf(flags.accountId, profile?.accountId);
  if (kind === 'endpoint') {
    const endpoint = checkEndpoint(firstOf(flags.endpoint, profile?.endpoint) as string);
    if (chosen?.kind === 'sandbox' || (!chosen && keepsCloudKeysAway(endpoint))) {
      return sandboxKeyTarget(ctx, endpoint, accountFlag, chosen);
    }
    const insecure = keepsCloudKeysAway(endpoint);
    const resolved = await cloudKey(ctx, (chosen as PreferredSource | undefined) ?? cloudPreference(profile));
    // `fcw serve` knows its account id: ask it when none is given (a cloud account id would be refused).
    const served = insecure && !accountFlag ? await askSandbox(ctx, endpoint) : undefined;
    if (served?.answer === 'cancelled') throw new CancelledError('Deploy cancelled: nothing was sent.');
    const servedAccount = served?.answer === 'sandbox' ? served.info.accountId : undefined;
    const accountId = firstOf(accountFlag, servedAccount, env.ALIBABA_CLOUD_ACCOUNT_ID, resolved.accountId);
    if (!accountId) {
      throw new ConfigError('accountId', `No account id for ${endpoint}.`);
    }
    const region = firstOf(flags.region, profile?.region, env.ALIBABA_CLOUD_REGION_ID, resolved.region);
    const named =
      insecure && chosen
        ? `The key from ${resolved.source.label} goes to ${endpoint} because ${credentialsFlag(chosen)} names it.`
        : undefined;
    const line = deploying({ accountId, region, endpoint, source: resolved.source });
    return {
      kind,
      endpoint,
      accountId,
      region,
      credentials: resolved.credentials,
      credentialSource: resolved.source.label,
      description: withNote(withNote(line, resolved.note), named),
      profileTarget: {
        kind: 'endpoint',
        endpoint,
        accountId,
        ...(region ? { region } : {}),
        credentialSource: chosen ?? sourceRef(resolved.source),
      },
      close: async () => {},
    };
  }

  // The cloud.
  if (chosen?.kind === 'sandbox') {
    throw new UsageError(
      '--credentials sandbox signs with a sandbox key, which Alibaba Cloud does not know.',
      'For the cloud choose --credentials env, aliyun, aliyun:PROFILE or fcli; ' +
        'for a sandbox give --endpoint or --target local.',
    );
  }
  const resolved = await cloudKey(ctx, (chosen as PreferredSource | undefined) ?? cloudPreference(profile));
  const accountId = firstOf(accountFlag, env.ALIBABA_CLOUD_ACCOUNT_ID, resolved.accountId);
  const region = firstOf(flags.region, profile?.region, env.ALIBABA_CLOUD_REGION_ID, resolved.region);
  const missing = [!accountId && 'the account id', !region && 'the region'].filter(Boolean);
  if (missing.length > 0) {
    // One field per error: the account id first; the region's own error follows once it is set.
    throw new ConfigError(
      accountId ? 'region' : 'accountId',
      `Cannot deploy to Alibaba Cloud without ${missing.join(' and ')} (the local sandbox needs neither).`,
    );
  }
  const account = accountId as string;
  const endpoint = cloudEndpoint(account, region as string);
  return {
    kind,
    endpoint,
    accountId: account,
    region,
    credentials: resolved.credentials,
    credentialSource: resolved.source.label,
    description: withNote(deploying({ accountId: account, region, endpoint, source: resolved.source }), resolved.note),
    profileTarget: {
      kind: 'cloud',
      accountId: account,
      region,
      credentialSource: chosen ?? sourceRef(resolved.source),
    },
    close: async () => {},
  };
}

/** A saved source that was found, not chosen: tried first (a sandbox key is no cloud source). */
function cloudPreference(profile: ProfileTarget | undefined): PreferredSource | undefined {
  const saved = profile?.credentialSource;
  return saved && saved.kind !== 'sandbox' ? saved : undefined;
}

async function localTarget(env: NodeJS.ProcessEnv, deps: TargetDeps): Promise<ResolvedTarget> {
  const dataDir = sandboxDataDir(env);
  const start = deps.startSandbox ?? (await import('../sandbox/index.js')).startSandbox;
  let sandbox: Awaited<ReturnType<typeof start>>;
  try {
    sandbox = await start({ port: 0, dataDir });
  } catch (error) {
    // The data directory is the user's to fix (permissions, a file in the way): say which one.
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UsageError(
        `Cannot start the local sandbox: its data directory ${dataDir} cannot be created or written (${code}).`,
        'Check the owner and mode of that folder and its parents, or point FCW_CONFIG_DIR at a folder of your own.',
      );
    }
    throw error;
  }
  const label = `the local sandbox's own key (${credentialsPath(dataDir)})`;
  return {
    kind: 'local',
    endpoint: sandbox.url,
    accountId: sandbox.accountId,
    credentials: sandbox.credentials,
    credentialSource: label,
    description: deploying({
      accountId: sandbox.accountId,
      endpoint: sandbox.url,
      source: { kind: 'sandbox', label: `${label}; data in ${dataDir}` },
    }),
    profileTarget: { kind: 'local' },
    close: () => sandbox.close(),
  };
}

/**
 * An endpoint signed with a sandbox key: the key file whose id GET /sandbox-info names (the config
 * dir's, or the one the sandbox names), or, from a server that does not say, the config dir's.
 * Never a cloud key: without one, exit 2 saying which flag would send it and why it is not sent.
 */
async function sandboxKeyTarget(
  ctx: Context,
  endpoint: string,
  accountFlag: string | undefined,
  chosen: CredentialSourceRef | undefined,
): Promise<ResolvedTarget> {
  const { env } = ctx;
  const probe = await askSandbox(ctx, endpoint);
  if (probe.answer === 'cancelled') throw new CancelledError('Deploy cancelled: nothing was sent.');
  if (probe.answer === 'timeout') {
    throw new FailedError(
      `${endpoint} did not answer GET /sandbox-info within ${probe.waitMs / 1000} s, ` +
        'so fcw cannot tell which sandbox key it expects. Nothing was sent.',
      'A sandbox busy with many deploys at once can be that slow: run the deploy again. ' +
        'If that endpoint is not fcw serve, name the key with --credentials.',
    );
  }
  const defaultKeyFile = credentialsPath(sandboxDataDir(env));
  let key: LocalKey | undefined;
  let why: string;
  let expectedId: string | undefined;
  if (probe.answer === 'sandbox') {
    const { info } = probe;
    expectedId = info.accessKeyId;
    const served = findServedKey(info, env);
    key = served.key;
    why = `it expects key id ${info.accessKeyId}, and no sandbox key file has that id. Looked in:`;
    why += `\n  ${served.looked.join('\n  ')}`;
  } else {
    key = sandboxKeyAt(defaultKeyFile);
    const answered =
      probe.answer === 'other'
        ? `it does not answer GET /sandbox-info as fcw serve does (HTTP ${probe.status})`
        : `nothing answers there (${probe.code})`;
    why = `${answered}, and there is no sandbox key in ${defaultKeyFile}.`;
  }
  if (!key) {
    const url = new URL(endpoint);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const start = probe.answer === 'unreachable' ? `Is fcw serve running there? fcw serve --port ${port}` : undefined;
    throw await noSandboxKey(ctx, endpoint, why, expectedId, chosen, start);
  }

  const served = probe.answer === 'sandbox' ? probe.info.accountId : undefined;
  const accountId = firstOf(accountFlag, served, key.accountId, env.ALIBABA_CLOUD_ACCOUNT_ID);
  if (!accountId) throw new UsageError(`No account id for ${endpoint}.`, 'Give --account-id.');
  return {
    kind: 'endpoint',
    endpoint,
    accountId,
    credentials: key.credentials,
    credentialSource: key.source.label,
    description: deploying({ accountId, endpoint, source: key.source }),
    profileTarget: { kind: 'endpoint', endpoint, accountId, ...(chosen ? { credentialSource: chosen } : {}) },
    close: async () => {},
  };
}

/**
 * Exit 2 for an endpoint with no sandbox key: what is missing, and, when a cloud key is at hand,
 * the flag that would send it and why fcw does not by default. Reading the sources sends nothing.
 */
async function noSandboxKey(
  ctx: Context,
  endpoint: string,
  why: string,
  expectedId: string | undefined,
  chosen: CredentialSourceRef | undefined,
  startHint?: string,
): Promise<UsageError> {
  const message = `No sandbox key for ${endpoint}: ${why}`;
  const serveHint = startHint ?? SERVED_KEY_HINT;
  const others = `--credentials ${CREDENTIAL_CHOICES}`;
  if (chosen) return new UsageError(message, `${serveHint} Or choose another source: ${others}.`);
  const cloud = await findCloudCredentials({ env: ctx.env, home: ctx.home, warn: ctx.deps.warn });
  if (!cloud) return new UsageError(message, `${serveHint} Or name a key's source: ${others}.`);
  const policy = 'fcw sends a cloud key to a loopback or plain-http endpoint only when told to.';
  const reason =
    'An FC signature does not cover the host, so whoever holds that port could replay the requests ' +
    'against Function Compute for 15 minutes.';
  const flag = credentialsFlag(cloud.source);
  const same = expectedId !== undefined && cloud.credentials.accessKeyId === expectedId;
  const withheld = `The key from ${cloud.source.label}${same ? ' has that id, but it' : ''} is not sent there:`;
  return new UsageError(
    `${message}\n${withheld} ${policy}\n${reason}`,
    same
      ? `If this endpoint is yours (fcw serve --access-key-id with that key), pass ${flag}.`
      : `${serveHint} If this endpoint is yours and should get that key, pass ${flag}.`,
  );
}

/** What a profile stores about a credential source: its kind and, for the aliyun CLI, the profile name. */
export function sourceRef(source: { kind: string; profileName?: string }): CredentialSourceRef | undefined {
  if (source.kind === 'env' || source.kind === 'fcli') return { kind: source.kind };
  if (source.kind === 'aliyun-cli') {
    return source.profileName ? { kind: 'aliyun-cli', profileName: source.profileName } : { kind: 'aliyun-cli' };
  }
  return undefined;
}
