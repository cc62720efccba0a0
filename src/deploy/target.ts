// Where a deploy goes, and with which key: the in-process sandbox, a compatible endpoint, or the
// cloud. Resolved from the flags, then the profile, then the environment; the answer carries the
// one line that must be shown before any write (account, region, endpoint, credential source).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sandboxDataDir } from '../core/config-dir.js';
import { UsageError } from '../core/errors.js';
import { checkEndpoint, cloudEndpoint } from '../fc/endpoint.js';
import type { Credentials } from '../fc/types.js';
import { describeTarget as describeTargetLine, resolveCredentials as resolveCloudCredentials } from '../profiles/credentials.js';
import type { CredentialSourceRef, ProfileTarget, TargetKind } from '../profiles/schema.js';
import { ACCOUNT_FILE, credentialsPath } from '../sandbox/credentials.js';

export interface TargetFlags {
  target?: string;
  endpoint?: string;
  region?: string;
  accountId?: string;
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

/** How the world is reached; tests replace parts. */
export interface TargetDeps {
  env: NodeJS.ProcessEnv;
  home?: string;
  startSandbox?: (options: { port: number; dataDir: string }) => Promise<{ url: string; accountId: string; credentials: Credentials; close(): Promise<void> }>;
  resolveCredentials?: (options: { env: NodeJS.ProcessEnv; home: string; preferSource?: CredentialSourceRef }) => Promise<{
    credentials: Credentials;
    source: { kind: string; label: string; profileName?: string };
    accountId?: string;
    region?: string;
    note?: string;
  }>;
  describeTarget?: (t: { accountId: string; region?: string; endpoint: string; source: { kind: string; label: string; profileName?: string } }) => string;
  /** Asks a loopback endpoint which key it expects (fcw serve's /sandbox-info); undefined when it does not say. */
  probeSandbox?: (endpoint: string, signal?: AbortSignal) => Promise<SandboxInfo | undefined>;
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

const PROBE_TIMEOUT_MS = 1_500;

/** GET /sandbox-info on a loopback endpoint; any failure (not fcw, not up) is "no answer". */
export async function probeSandbox(endpoint: string, signal?: AbortSignal): Promise<SandboxInfo | undefined> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, PROBE_TIMEOUT_MS);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  try {
    const response = await fetch(new URL('/sandbox-info', endpoint), { signal: controller.signal, redirect: 'manual' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as Record<string, unknown>;
    if (body?.sandbox !== 'fcw' || typeof body.accessKeyId !== 'string' || typeof body.accountId !== 'string') return undefined;
    return { accountId: body.accountId, accessKeyId: body.accessKeyId, ...(typeof body.keyFile === 'string' ? { keyFile: body.keyFile } : {}) };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The kind asked for: --target, else --endpoint means a custom endpoint, else the profile's, else cloud. */
export function targetKind(flags: TargetFlags, profile?: ProfileTarget): TargetKind {
  if (flags.target !== undefined) {
    if (flags.target === 'local' || flags.target === 'cloud') {
      // Two flags naming two different places: going to either one silently would surprise.
      if (flags.endpoint) {
        throw new UsageError(
          `--target ${flags.target} and --endpoint ${flags.endpoint} name two different places to deploy to.`,
          flags.target === 'local' ? 'Drop --endpoint to use the built-in sandbox, or drop --target to use that endpoint (e.g. fcw serve).' : 'Drop --endpoint to deploy to Alibaba Cloud, or drop --target to use that endpoint.',
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

/** The sandbox's own key and account, as `fcw serve` keeps them in its data directory; read only. */
function readSandboxKey(dataDir: string): { credentials: Credentials; accountId?: string } | undefined {
  try {
    const key = JSON.parse(fs.readFileSync(credentialsPath(dataDir), 'utf8'));
    if (typeof key?.accessKeyId !== 'string' || typeof key?.accessKeySecret !== 'string') return undefined;
    let accountId: string | undefined;
    try {
      const account = JSON.parse(fs.readFileSync(path.join(dataDir, ACCOUNT_FILE), 'utf8'));
      if (typeof account?.accountId === 'string') accountId = account.accountId;
    } catch {
      accountId = undefined;
    }
    return { credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret }, accountId };
  } catch {
    return undefined;
  }
}

interface LocalKey {
  credentials: Credentials;
  accountId?: string;
  source: { kind: string; label: string; profileName?: string };
  credentialSource?: CredentialSourceRef;
  note?: string;
}

function sandboxKeyAt(file: string): LocalKey | undefined {
  const key = readSandboxKey(path.dirname(file));
  return key ? { ...key, source: { kind: 'sandbox', label: `the local sandbox's own key (${file})` } } : undefined;
}

/**
 * The key whose id the running sandbox expects: its key file in the config dir, the key file it
 * named, then the environment or aliyun CLI key. None matching is exit 2 naming the id and the
 * places looked, rather than a request sure to be refused.
 */
async function pickSandboxKey(
  endpoint: string,
  info: SandboxInfo,
  defaultKeyFile: string,
  chain: { env: NodeJS.ProcessEnv; home: string; preferSource?: CredentialSourceRef },
  deps: TargetDeps,
): Promise<LocalKey> {
  const looked: string[] = [];
  const files = [defaultKeyFile, ...(info.keyFile && path.resolve(info.keyFile) !== path.resolve(defaultKeyFile) ? [info.keyFile] : [])];
  for (const file of files) {
    const key = sandboxKeyAt(file);
    if (key?.credentials.accessKeyId === info.accessKeyId) return key;
    looked.push(`${file} (${key ? `key id ${key.credentials.accessKeyId}` : 'no key'})`);
  }
  try {
    const resolved = await (await loadResolveCredentials(deps))(chain);
    if (resolved.credentials.accessKeyId === info.accessKeyId) {
      return { credentials: resolved.credentials, accountId: resolved.accountId, source: resolved.source, credentialSource: sourceRef(resolved.source), note: resolved.note };
    }
    looked.push(`${resolved.source.label} (key id ${resolved.credentials.accessKeyId})`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    looked.push('ALIBABA_CLOUD_ACCESS_KEY_ID, the aliyun CLI and fcli configs (no key)');
  }
  throw new UsageError(
    `The sandbox at ${endpoint} expects key id ${info.accessKeyId}, and fcw found no key with that id. Looked in:\n${looked.map((l) => `  ${l}`).join('\n')}`,
    `Export that key: ALIBABA_CLOUD_ACCESS_KEY_ID=${info.accessKeyId} and ALIBABA_CLOUD_ACCESS_KEY_SECRET=its secret (the FCW_SANDBOX_SECRET it was started with, or accessKeySecret in the credentials.json of its --data directory).`,
  );
}

function firstOf(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

async function loadResolveCredentials(deps: TargetDeps): Promise<NonNullable<TargetDeps['resolveCredentials']>> {
  return deps.resolveCredentials ?? resolveCloudCredentials;
}

async function loadDescribe(deps: TargetDeps): Promise<NonNullable<TargetDeps['describeTarget']>> {
  const describe = deps.describeTarget ?? describeTargetLine;
  return (t) => `Deploying to: ${describe(t)}.`;
}

/**
 * Resolves the target. Order for each value: flag, profile, environment, what the credential
 * source knows (the fcli endpoint holds an account id and region).
 */
export async function resolveTarget(flags: TargetFlags, profile: ProfileTarget | undefined, deps: TargetDeps): Promise<ResolvedTarget> {
  const env = deps.env;
  const home = deps.home ?? env.HOME ?? os.homedir();
  const kind = targetKind(flags, profile);

  if (kind === 'local') {
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
    return {
      kind,
      endpoint: sandbox.url,
      accountId: sandbox.accountId,
      credentials: sandbox.credentials,
      credentialSource: `the local sandbox's own key (${credentialsPath(dataDir)})`,
      description: (await loadDescribe(deps))({
        accountId: sandbox.accountId,
        endpoint: sandbox.url,
        source: { kind: 'sandbox', label: `the local sandbox's own key (${credentialsPath(dataDir)}); data in ${dataDir}` },
      }),
      profileTarget: { kind: 'local' },
      close: () => sandbox.close(),
    };
  }

  const preferSource = profile?.credentialSource;
  const accountFlag = firstOf(flags.accountId, profile?.accountId);

  if (kind === 'endpoint') {
    const endpoint = checkEndpoint(firstOf(flags.endpoint, profile?.endpoint) as string);
    const host = new URL(endpoint).hostname;
    // A local endpoint is most likely `fcw serve`. Several may run with different keys, so ask it
    // which key id it expects and use the key with that id; without an answer, the sandbox key in
    // the config dir wins over cloud keys that may sit in the environment.
    if (LOOPBACK.has(host)) {
      const info = await (deps.probeSandbox ?? probeSandbox)(endpoint, deps.signal);
      const defaultKeyFile = credentialsPath(sandboxDataDir(env));
      const local = info ? await pickSandboxKey(endpoint, info, defaultKeyFile, { env, home, preferSource }, deps) : sandboxKeyAt(defaultKeyFile);
      if (local) {
        const accountId = firstOf(accountFlag, info?.accountId, local.accountId, env.ALIBABA_CLOUD_ACCOUNT_ID);
        if (!accountId) throw new UsageError(`No account id for ${endpoint}.`, 'Give --account-id.');
        return {
          kind,
          endpoint,
          accountId,
          credentials: local.credentials,
          credentialSource: local.source.label,
          description: withNote((await loadDescribe(deps))({ accountId, endpoint, source: local.source }), local.note),
          profileTarget: { kind: 'endpoint', endpoint, accountId, ...(local.credentialSource ? { credentialSource: local.credentialSource } : {}) },
          close: async () => {},
        };
      }
    }
    let resolved: Awaited<ReturnType<NonNullable<TargetDeps['resolveCredentials']>>>;
    try {
      resolved = await (await loadResolveCredentials(deps))({ env, home, preferSource });
    } catch (error) {
      if (!(error instanceof UsageError) || !LOOPBACK.has(host)) throw error;
      throw new UsageError(
        `${error.message}\nNor is there a local sandbox key in ${credentialsPath(sandboxDataDir(env))} for ${endpoint}.`,
        'For `fcw serve`, run it with the same FCW_CONFIG_DIR (its default data directory), or export the key it printed as ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.',
      );
    }
    const accountId = firstOf(accountFlag, env.ALIBABA_CLOUD_ACCOUNT_ID, resolved.accountId);
    if (!accountId) throw new UsageError(`No account id for ${endpoint}.`, 'Give --account-id or set ALIBABA_CLOUD_ACCOUNT_ID.');
    const region = firstOf(flags.region, profile?.region, env.ALIBABA_CLOUD_REGION_ID, resolved.region);
    const describe = await loadDescribe(deps);
    return {
      kind,
      endpoint,
      accountId,
      region,
      credentials: resolved.credentials,
      credentialSource: resolved.source.label,
      description: withNote(describe({ accountId, region, endpoint, source: resolved.source }), resolved.note),
      profileTarget: { kind: 'endpoint', endpoint, accountId, ...(region ? { region } : {}), credentialSource: sourceRef(resolved.source) },
      close: async () => {},
    };
  }

  // The cloud.
  const resolved = await (await loadResolveCredentials(deps))({ env, home, preferSource });
  const accountId = firstOf(accountFlag, env.ALIBABA_CLOUD_ACCOUNT_ID, resolved.accountId);
  const region = firstOf(flags.region, profile?.region, env.ALIBABA_CLOUD_REGION_ID, resolved.region);
  const missing = [!accountId && 'the account id (--account-id or ALIBABA_CLOUD_ACCOUNT_ID)', !region && 'the region (--region or ALIBABA_CLOUD_REGION_ID)'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(`Cannot deploy to Alibaba Cloud without ${missing.join(' and ')}.`, 'Or deploy to the local sandbox with --target local.');
  }
  const endpoint = cloudEndpoint(accountId as string, region as string);
  const describe = await loadDescribe(deps);
  return {
    kind,
    endpoint,
    accountId: accountId as string,
    region,
    credentials: resolved.credentials,
    credentialSource: resolved.source.label,
    description: withNote(describe({ accountId: accountId as string, region, endpoint, source: resolved.source }), resolved.note),
    profileTarget: { kind: 'cloud', accountId: accountId as string, region, credentialSource: sourceRef(resolved.source) },
    close: async () => {},
  };
}

function withNote(line: string, note: string | undefined): string {
  return note ? `${line}\n${note}` : line;
}

/** What a profile stores about a credential source: its kind and, for the aliyun CLI, the profile name. */
export function sourceRef(source: { kind: string; profileName?: string }): CredentialSourceRef | undefined {
  if (source.kind === 'env' || source.kind === 'fcli') return { kind: source.kind };
  if (source.kind === 'aliyun-cli') return source.profileName ? { kind: 'aliyun-cli', profileName: source.profileName } : { kind: 'aliyun-cli' };
  return undefined;
}
