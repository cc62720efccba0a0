// The wizard's state: what the person has chosen so far, which step is on screen, and how the
// deploy went. Plain data, no React, no I/O: the reducer (reducer.ts) is its only writer.
import type { AccelerationType, FunctionInfo } from '../fc/types.js';
import type { ValidationIssue } from '../fc/validate.js';
import type { CredentialSourceRef, LastDeploy } from '../profiles/schema.js';
import { INIT_TIMEOUT_DEFAULT_S, MEMORY_DEFAULT_MB, TIMEOUT_DEFAULT_S } from '../fc/limits.js';

export const STEP_IDS = [
  'target',
  'service',
  'function',
  'runtime',
  'code',
  'handler',
  'limits',
  'more',
  'review',
  'deploy',
  'summary',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export type TargetKind = 'cloud' | 'sandbox' | 'endpoint';

/** Where the deploy goes, as shown in the header. Never holds a secret: credentials live in the UI's session. */
export interface TargetValues {
  kind: TargetKind;
  /** The URL the client talks to (cloud: the regional endpoint; sandbox: http://127.0.0.1:port). */
  endpoint: string;
  accountId: string;
  region?: string;
  /** Where the credentials came from, e.g. "environment", "aliyun CLI profile default", "typed for this session". */
  credentialSource: string;
  /** The same source as a profile stores it (never the secret); absent for keys typed for this session. */
  credentialRef?: CredentialSourceRef;
}

export type CodeSource =
  | { kind: 'folder'; path: string; sample?: boolean }
  | { kind: 'zip'; path: string }
  | { kind: 'oss'; bucket: string; object: string }
  | { kind: 'image'; image: string; command?: string; args?: string; accelerationType?: AccelerationType };

/** What the package step found: shown on the review screen and checked against the service's answer. */
export interface PackageFacts {
  files: number;
  bytes: number;
  zipBytes: number;
  checksum: string;
}

export interface ServiceChoice {
  name: string;
  /**
   * A new service: nothing is written before Deploy, so the deploy creates it, right before the
   * function (no function can exist in it yet).
   */
  isNew: boolean;
  /** From a profile saved with `create: true`: the deploy creates the service when it is missing. */
  createIfMissing?: boolean;
}

/** A failure from the service or the deploy, as a person needs to read it. */
export interface ErrorView {
  code: string;
  message: string;
  requestId?: string;
  hint?: string;
  status?: number;
  /** The step where the person can fix it, when the error names a field. */
  fixStep?: StepId;
}

export interface PhaseTiming {
  phase: string;
  ms: number;
}

export interface DeployOutcome {
  status: 'created' | 'updated' | 'unchanged';
  fn: FunctionInfo;
  localChecksum?: string;
  remoteChecksum?: string;
  checksumMatch: boolean;
  timings: PhaseTiming[];
  requestIds: string[];
  /** What the deploy noticed but did not refuse (a handler not found in the package, a large zip). */
  warnings?: string[];
  /** The outcome as a profile records it (time, status, functionId, codeChecksum, etag, request ids). */
  lastDeploy?: LastDeploy;
}

/** One line of the deploy screen: a phase (package, CreateFunction, …), running or done. */
export interface DeployProgress {
  phase: string;
  detail?: string;
  files?: number;
  bytes?: number;
  done?: boolean;
  ms?: number;
}

export type DeployStatus =
  | { status: 'idle' }
  /** `attempt` counts the deploy runs of this wizard: progress keeps it, a retry makes a new one. */
  | { status: 'running'; attempt: number; progress: DeployProgress[] }
  | { status: 'failed'; attempt: number; progress: DeployProgress[]; error: ErrorView }
  | { status: 'done'; outcome: DeployOutcome };

export interface WizardState {
  step: StepId;
  /** Steps visited before this one, for Esc. */
  history: StepId[];
  /** Set while editing a step from the review: confirming returns there when the request is complete. */
  returnTo?: 'review';
  target?: TargetValues;
  service?: ServiceChoice;
  functionName?: string;
  /**
   * The name typed before the service (or target) changed: no longer confirmed (the function must
   * be looked up in the new service), but offered again in the field rather than typed anew.
   */
  draftFunctionName?: string;
  /** 'update' when the function already exists and the person chose to update it. */
  mode: 'create' | 'update';
  runtime?: string;
  code?: CodeSource;
  packageFacts?: PackageFacts;
  handler?: string;
  memorySize: number;
  timeout: number;
  /** e1 (elastic) unless chosen: it decides which memory sizes and timeouts are allowed. */
  instanceType?: string;
  initializer: string;
  initializationTimeout: number;
  description: string;
  environmentVariables: Record<string, string>;
  layers: string[];
  caPort?: number;
  /** The profile this run started from, if any (redeploy a saved profile). */
  fromProfile?: string;
  savedProfile?: string;
  /** Validation issues that stopped the last confirm, shown under the input. */
  issues: ValidationIssue[];
  deploy: DeployStatus;
  /** How many deploys this wizard started (Retry after a failure starts another). */
  deployAttempts?: number;
}

export function initialState(): WizardState {
  return {
    step: 'target',
    history: [],
    mode: 'create',
    memorySize: MEMORY_DEFAULT_MB,
    timeout: TIMEOUT_DEFAULT_S,
    initializer: '',
    initializationTimeout: INIT_TIMEOUT_DEFAULT_S,
    description: '',
    environmentVariables: {},
    layers: [],
    issues: [],
    deploy: { status: 'idle' },
  };
}
