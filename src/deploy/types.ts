// The shapes a deploy takes in and hands back: the calls it makes, the packager it is handed, the
// phases it reports and the result it builds. Kept apart from the code so the phases and the
// orchestration (run.ts) share them without importing each other.
import type { ZipBytes } from '../core/zip-on-disk.js';
import type { ApiResult, CodeUpload, PlannedCall, RequestDescription } from '../fc/client.js';
import type { CreateServiceRequest, FunctionConfig, FunctionInfo, ServiceInfo } from '../fc/types.js';
import type { LastDeploy } from '../profiles/schema.js';
import type { ChecksumComparison, DeployPlan, DeploySpec, FieldChange } from './plan.js';

export type CallOptions = { signal?: AbortSignal };

/** The calls a deploy makes: FcClient satisfies it; tests may wrap it. */
export interface DeployClient {
  getFunction(service: string, functionName: string, options?: CallOptions): Promise<ApiResult<FunctionInfo>>;
  createService(request: CreateServiceRequest, options?: CallOptions): Promise<ApiResult<ServiceInfo>>;
  getService(service: string, options?: CallOptions): Promise<ApiResult<ServiceInfo>>;
  createFunction(
    service: string,
    config: FunctionConfig,
    code: CodeUpload | undefined,
    options?: CallOptions,
  ): Promise<ApiResult<FunctionInfo>>;
  updateFunction(
    service: string,
    functionName: string,
    config: Partial<FunctionConfig>,
    code: CodeUpload | undefined,
    options?: CallOptions & { ifMatch?: string },
  ): Promise<ApiResult<FunctionInfo>>;
  describeRequest(call: PlannedCall): RequestDescription;
}

/** What the packager gives back that a deploy needs (a subset of PackageResult). */
export interface BuiltPackage {
  /** In memory, or in a file the request body is streamed from. */
  zip: ZipBytes;
  checksum: string;
  files: number;
  bytes: number;
  zipBytes: number;
  cache?: PackageCacheUse;
}

/** How the package cache served the build (when the packager has one). */
export interface PackageCacheUse {
  used: boolean;
  unchanged: boolean;
  reused: number;
}

export interface PackageFacts {
  files: number;
  bytes: number;
  zipBytes: number;
  checksum: string;
  cache?: PackageCacheUse;
}

export interface DeployPackager {
  buildPackage(options: {
    root: string;
    runtime?: string;
    signal?: AbortSignal;
    onProgress?: (p: unknown) => void;
  }): Promise<BuiltPackage>;
  loadZipPackage(file: string): Promise<BuiltPackage>;
  /** Checks the handler (and initializer) against the package; problems become warnings, not failures. */
  checkHandler?(
    pkg: BuiltPackage,
    runtime: string,
    handler: string,
    field?: 'handler' | 'initializer',
  ): Promise<{ status: 'ok' | 'warning' | 'error'; message: string }>;
}

export interface DeployClock {
  /** Milliseconds, monotonic enough for timings. */
  now(): number;
  date(): Date;
}

export interface DeployDeps {
  client: DeployClient;
  packager: DeployPackager;
  clock?: DeployClock;
}

export type DeployPhase =
  'validate' | 'package' | 'read' | 'plan' | 'confirm' | 'create-service' | 'create' | 'update' | 'reread' | 'done';

export interface PhaseDetail {
  state: 'start' | 'done' | 'skipped';
  ms?: number;
  requestId?: string;
  message?: string;
  /** After `package`. */
  package?: PackageFacts;
  /** After `plan`. */
  plan?: DeployPlan;
  /** Packaging progress, as the packager reports it. */
  progress?: unknown;
}

export interface DeployRecordTarget {
  /** Anything with recordDeploy: the ProfileStore. */
  store: { recordDeploy(name: string, lastDeploy: LastDeploy): boolean };
  name: string;
}

export interface DeployInput {
  spec: DeploySpec;
  /** Where the spec came from, for error messages: 'the flags', 'profile "web"'. */
  source?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onPhase?: (phase: DeployPhase, detail: PhaseDetail) => void;
  /** Asked before the first write, with the plan; false cancels (nothing written). Absent: go ahead. */
  confirm?: (plan: DeployPlan, deployed: FunctionInfo | undefined) => Promise<boolean>;
  /** Where to record the outcome (also a failure). Not for a dry run. */
  record?: DeployRecordTarget;
  /**
   * A package already built from `spec.code` (the wizard builds it for its review screen): used
   * as is instead of packaging again. Ignored for OSS and image code.
   */
  prebuilt?: BuiltPackage;
  /** Runs after the read and the confirmation, right before the first write (tests use it to race). */
  beforeWrite?: () => Promise<void>;
  /**
   * Each warning as it arises (also kept in result.warnings): the package size and handler
   * warnings come before the confirmation and before any write, so a person sees them in time.
   */
  onWarning?: (message: string) => void;
}

export interface DeployError {
  message: string;
  hint?: string;
  /** FC's ErrorCode, or 'ChangedSinceRead' for the If-Match conflict. */
  code?: string;
  /** The request field the service refused (an InvalidArgument that names one). */
  field?: string;
  status?: number;
  requestId?: string;
  exitCode: number;
}

export interface DeployResult {
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  /** The function as the service answered (after the write, or as read when unchanged). */
  function?: FunctionInfo;
  checksum: ChecksumComparison;
  requestIds: string[];
  /** Milliseconds per phase, and `total`. */
  timings: Record<string, number>;
  diff: FieldChange[];
  error?: DeployError;
  /** What was planned (absent when the read failed). */
  action?: DeployPlan['action'];
  codeSent?: boolean;
  codeReason?: string;
  etag?: string;
  warnings: string[];
  package?: PackageFacts;
  /** --dry-run: nothing was written; these are the writes that would have been sent. */
  dryRun?: boolean;
  requests?: RequestDescription[];
  /** For the 412 path: what someone else changed between our read and our write. */
  changedByOthers?: FieldChange[];
}
