// What the wizard's screens need from the world, as one object handed to <App>. Components never
// import fs, http or conf, so the screens stay testable without I/O: they call these, and tests
// hand them fakes. The real implementation, createRealServices(), adapts the client, packager,
// sandbox, credentials, deploy and profile modules; it lives in real-services.ts and src/ui/real/
// so that this file stays types only.
import type { Credentials, FunctionInfo, ServiceInfo } from '../fc/types.js';
import type { InvocationOutcome } from '../invoke/outcome.js';
import type { DeploySpec } from '../deploy/plan.js';
import type { CredentialSourceRef, Profile } from '../profiles/schema.js';
import type { ProfileValues } from '../wizard/reducer.js';
import type { CodeSource, DeployOutcome, DeployProgress, PackageFacts, TargetValues } from '../wizard/state.js';

export interface Signal {
  signal?: AbortSignal;
}

/** Credentials found on this machine, with where they came from (shown; the secret never is). */
export interface FoundCredentials {
  /** For the header and the target screen, e.g. "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)". */
  source: string;
  ref?: CredentialSourceRef;
  accessKeyIdHint: string;
  region?: string;
  accountId?: string;
  credentials: Credentials;
  /** The local sandbox's own key (for `fcw serve` on a loopback endpoint), not a cloud key. */
  sandbox?: boolean;
  /** Said once about the file the key was read from, e.g. that others can read it and the chmod that fixes it. */
  warning?: string;
}

/** Values given as flags (`fcw --endpoint URL --region R --account-id N`): the target step starts from them. */
export interface TargetDefaults {
  endpoint?: string;
  region?: string;
  accountId?: string;
}

/** A target the wizard can talk to. Holds its credentials privately: the state only sees `target`. */
export interface Connection {
  readonly target: TargetValues;
  listServices(options?: Signal): Promise<ServiceInfo[]>;
  /** The service's functions (every page), for the function name step. */
  listFunctions(service: string, options?: Signal): Promise<FunctionInfo[]>;
  /** The deployed function, or undefined when the service says FunctionNotFound. */
  getFunction(service: string, fn: string, options?: Signal): Promise<FunctionInfo | undefined>;
  /** Runs the function once (InvokeFunction, sync, with the log tail); a function error is an outcome, not a throw. */
  invoke?(service: string, fn: string, event: Uint8Array, options?: Signal): Promise<InvocationOutcome>;
  /** Stops what the connection started (the in-process sandbox). Safe to call twice. */
  close(): Promise<void>;
}

export type VerdictLevel = 'ok' | 'warning' | 'error';

export interface ScanSummary {
  files: number;
  bytes: number;
  largest: { path: string; bytes: number }[];
  verdict: { level: VerdictLevel; text: string };
}

/** A built package: its facts for the screens, and an opaque handle for checkHandler. */
export interface BuiltPackage {
  facts: PackageFacts;
  verdict: { level: VerdictLevel; text: string };
  handle: unknown;
}

export interface HandlerCheckResult {
  status: 'ok' | 'warning' | 'error';
  message: string;
}

export interface ProfileListing {
  name: string;
  /** One line: service/function, runtime, where. */
  summary: string;
}

export interface CloudConnectInput {
  region: string;
  accountId: string;
  credentials: Credentials;
  source: string;
  ref?: CredentialSourceRef;
}

export interface EndpointConnectInput {
  endpoint: string;
  accountId: string;
  credentials: Credentials;
  source: string;
  ref?: CredentialSourceRef;
}

/** What answers at an endpoint: `fcw serve` (with its account), something else, or nothing. */
export type EndpointProbe = { reachable: true; sandbox?: ServedSandbox } | { reachable: false; message: string };

/** What `fcw serve` says about itself, and the local key with the id it expects when one is found. */
export interface ServedSandbox {
  accountId: string;
  /** The key id it takes (never the secret); every other key is refused. */
  accessKeyId?: string;
  key?: FoundCredentials;
  /** Without `key`: the key files looked in and the id each held (masked), for the message. */
  looked?: string[];
}

export interface WizardServices {
  /** The directory relative paths are read against (shown, and used for defaults). */
  readonly cwd: string;
  /** Regions for the picker, most used first. */
  readonly regions: readonly string[];
  readonly defaults: TargetDefaults;
  findCredentials(): Promise<FoundCredentials[]>;
  connectCloud(input: CloudConnectInput): Connection;
  connectEndpoint(input: EndpointConnectInput): Connection;
  /** Whether anything answers at the endpoint, and whether it is `fcw serve` (no credentials sent). */
  probeEndpoint(endpoint: string, options?: Signal): Promise<EndpointProbe>;
  /** Starts the local sandbox in this process (data under the config directory). */
  startSandbox(options?: Signal): Promise<Connection>;
  scanFolder(path: string, runtime: string | undefined, options?: Signal): Promise<ScanSummary>;
  /** Builds (folder) or reads (zip/jar) the package, reporting files and bytes as it goes. */
  buildPackage(
    code: Extract<CodeSource, { kind: 'folder' | 'zip' }>,
    runtime: string,
    options?: Signal & { onProgress?: (p: { files: number; bytes: number }) => void },
  ): Promise<BuiltPackage>;
  /**
   * A cheap fingerprint of the code as it is now (paths, sizes, mtimes, ctimes; no content read):
   * equal to the one taken before a build means that package is still what would be built.
   */
  codeFingerprint(code: Extract<CodeSource, { kind: 'folder' | 'zip' }>, runtime: string): Promise<string>;
  checkHandler(
    pkg: BuiltPackage,
    runtime: string,
    handler: string,
    field?: 'handler' | 'initializer',
  ): Promise<HandlerCheckResult>;
  /** The first default sample folder name that is free here (absent or empty); the plain default without it. */
  freeSampleDir?(runtime: string): Promise<string>;
  /** Writes the sample handler for a runtime into a new folder; answers the folder and its files. */
  writeSample(runtime: string, dir: string): Promise<{ dir: string; files: string[] }>;
  /**
   * Deploys the spec. `prebuilt` is the package the review showed, sent as is; `recordIn` names
   * the profile that records the outcome (the wizard opened from one).
   */
  deploy(
    spec: DeploySpec,
    connection: Connection,
    options: Signal & { onProgress: (p: DeployProgress) => void; prebuilt?: BuiltPackage; recordIn?: string },
  ): Promise<DeployOutcome>;
  listProfiles(): Promise<ProfileListing[]>;
  /** Loads a profile and connects to its target (starting the sandbox for a local one). */
  openProfile(name: string, options?: Signal): Promise<{ values: ProfileValues; connection: Connection }>;
  saveProfile(profile: Profile): Promise<void>;
  /** Why a profile name cannot be used, or undefined. */
  profileNameProblem(name: string): string | undefined;
  /** The event last invoked with from this profile, if any. */
  lastEvent?(profile: string): Promise<string | undefined>;
  /** Remembers the event in the profile (never a secret: only what the user typed as the event). */
  rememberEvent?(profile: string, event: string): Promise<void>;
}
