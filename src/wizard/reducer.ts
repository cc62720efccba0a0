// The wizard's only state transition function. Pure: the screens dispatch actions, the reducer
// checks the values against the step table and decides where to go; nothing here draws or waits.
import type { ValidationIssue } from '../fc/validate.js';
import type { FunctionConfig, FunctionInfo } from '../fc/types.js';
import { getRuntime } from '../fc/rules.js';
import { CA_PORT_DEFAULT, INIT_TIMEOUT_DEFAULT_S, MEMORY_DEFAULT_MB, TIMEOUT_DEFAULT_S } from '../fc/limits.js';
import {
  firstMissingStep,
  isInputStep,
  nextStep,
  STEPS,
  validateWholeRequest,
  type InputStepId,
  type StepValues,
} from './steps.js';
import type { DeployOutcome, DeployProgress, ErrorView, StepId, WizardState } from './state.js';

export type SubmitAction = { [K in InputStepId]: { type: 'submit'; step: K; values: StepValues[K] } }[InputStepId];

/**
 * Fields a saved profile fills in (redeploy a saved profile). The function's own fields are
 * FunctionConfig's, so their names and types follow the API's.
 */
export interface ProfileValues extends Pick<
  FunctionConfig,
  | 'functionName'
  | 'runtime'
  | 'handler'
  | 'memorySize'
  | 'timeout'
  | 'instanceType'
  | 'initializer'
  | 'initializationTimeout'
  | 'description'
  | 'environmentVariables'
  | 'layers'
  | 'caPort'
> {
  name: string;
  target: WizardState['target'];
  service: string;
  /** The profile creates its service when missing (`service.create`). */
  createService?: boolean;
  code: WizardState['code'];
}

export type WizardAction =
  | SubmitAction
  | { type: 'back' }
  | { type: 'edit'; step: InputStepId }
  | { type: 'load-profile'; profile: ProfileValues }
  | { type: 'deploy-start' }
  | { type: 'deploy-progress'; progress: DeployProgress }
  | { type: 'deploy-succeeded'; outcome: DeployOutcome }
  | { type: 'deploy-failed'; error: ErrorView }
  | { type: 'profile-saved'; name: string };

const errorsOnly = (issues: ValidationIssue[]) => issues.filter((i) => i.severity === 'error');

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'submit':
      return submit(state, action);
    case 'back':
      return back(state);
    case 'edit':
      if (state.step !== 'review' && !(state.step === 'deploy' && state.deploy.status === 'failed')) return state;
      // From a failed deploy the history already ends with the review (deploy-start put it there).
      return {
        ...state,
        step: action.step,
        history: state.step === 'review' ? [...state.history, 'review'] : state.history,
        returnTo: 'review',
        issues: [],
        deploy: { status: 'idle' },
      };
    case 'load-profile':
      return loadProfile(state, action.profile);
    case 'deploy-start': {
      if (state.step !== 'review' && !(state.step === 'deploy' && state.deploy.status === 'failed')) return state;
      const issues = errorsOnly(validateWholeRequest(state));
      if (issues.length) return { ...state, issues };
      const history = state.step === 'review' ? [...state.history, 'review' as StepId] : state.history;
      return {
        ...state,
        step: 'deploy',
        history,
        issues: [],
        deploy: { status: 'running', attempt: (state.deployAttempts ?? 0) + 1, progress: [] },
        deployAttempts: (state.deployAttempts ?? 0) + 1,
      };
    }
    case 'deploy-progress':
      if (state.deploy.status !== 'running') return state;
      return { ...state, deploy: { ...state.deploy, progress: mergeProgress(state.deploy.progress, action.progress) } };
    case 'deploy-succeeded':
      if (state.deploy.status !== 'running') return state;
      return { ...state, step: 'summary', deploy: { status: 'done', outcome: action.outcome } };
    case 'deploy-failed':
      if (state.deploy.status !== 'running') return state;
      return {
        ...state,
        deploy: {
          status: 'failed',
          attempt: state.deploy.attempt,
          progress: state.deploy.progress,
          error: action.error,
        },
      };
    case 'profile-saved':
      return state.step === 'summary' ? { ...state, savedProfile: action.name } : state;
  }
}

/** Progress of one phase replaces the previous line of the same phase, so the screen shows one line per phase. */
function mergeProgress(list: DeployProgress[], next: DeployProgress): DeployProgress[] {
  const i = list.findIndex((p) => p.phase === next.phase);
  if (i === -1) return [...list, next];
  const copy = list.slice();
  copy[i] = { ...copy[i], ...next };
  return copy;
}

function submit(state: WizardState, action: SubmitAction): WizardState {
  if (state.step !== action.step) return state;
  const validate = STEPS[action.step].validate as (values: unknown, s: WizardState) => ValidationIssue[];
  const issues = errorsOnly(validate(action.values, state));
  if (issues.length) return { ...state, issues };
  const applied = apply(state, action);
  return advance(applied);
}

/** Moves past the current step: back to the review when editing from there and the request is complete. */
function advance(state: WizardState): WizardState {
  const history = [...state.history, state.step];
  if (state.returnTo === 'review' && firstMissingStep(state) === undefined) {
    // Going back from the review after an edit lands on the step that was edited.
    return { ...state, step: 'review', history, returnTo: undefined, issues: [] };
  }
  return { ...state, step: nextStep(state.step), history, issues: [] };
}

function apply(state: WizardState, action: SubmitAction): WizardState {
  switch (action.step) {
    case 'target': {
      const targetChanged = state.target && state.target.endpoint !== action.values.target.endpoint;
      // Another endpoint means another set of services: what was picked there means nothing here.
      return targetChanged
        ? {
            ...state,
            target: action.values.target,
            service: undefined,
            functionName: undefined,
            draftFunctionName: state.functionName ?? state.draftFunctionName,
            mode: 'create',
          }
        : { ...state, target: action.values.target };
    }
    case 'service': {
      const changed = state.service?.name !== action.values.service.name;
      return changed
        ? {
            ...state,
            service: action.values.service,
            functionName: undefined,
            draftFunctionName: state.functionName ?? state.draftFunctionName,
            mode: 'create',
          }
        : { ...state, service: action.values.service };
    }
    case 'function':
      return applyFunction(state, action.values.functionName, action.values.existing);
    case 'runtime':
      return applyRuntime(state, action.values.runtime);
    case 'code':
      return { ...state, code: action.values.code, packageFacts: action.values.packageFacts };
    case 'handler':
      return {
        ...state,
        handler: action.values.handler,
        packageFacts: action.values.packageFacts ?? state.packageFacts,
      };
    case 'limits':
      return { ...state, ...action.values };
    case 'more': {
      const caPort = getRuntime(state.runtime ?? '')?.isCustom ? action.values.caPort : undefined;
      return { ...state, ...action.values, caPort };
    }
  }
}

/** Choosing an existing function switches to update mode and starts from its deployed settings. */
function applyFunction(state: WizardState, functionName: string, existing: FunctionInfo | undefined): WizardState {
  if (!existing) return { ...state, functionName, mode: 'create' };
  const code = existing.customContainerConfig
    ? {
        kind: 'image' as const,
        image: existing.customContainerConfig.image,
        command: existing.customContainerConfig.command,
        args: existing.customContainerConfig.args,
        accelerationType: existing.customContainerConfig.accelerationType,
      }
    : state.code?.kind === 'image'
      ? undefined
      : state.code;
  return {
    ...state,
    functionName,
    mode: 'update',
    runtime: existing.runtime,
    handler: existing.handler,
    code,
    ...settingsFrom(existing),
  };
}

type SettingField =
  | 'memorySize'
  | 'timeout'
  | 'instanceType'
  | 'initializer'
  | 'initializationTimeout'
  | 'description'
  | 'environmentVariables'
  | 'layers'
  | 'caPort';

/** The settings steps' values from a deployed function or a saved profile; a missing one takes fcw's default. */
function settingsFrom(source: Pick<FunctionConfig, SettingField>): Pick<WizardState, SettingField> {
  return {
    memorySize: source.memorySize ?? MEMORY_DEFAULT_MB,
    timeout: source.timeout ?? TIMEOUT_DEFAULT_S,
    instanceType: source.instanceType,
    initializer: source.initializer ?? '',
    initializationTimeout: source.initializationTimeout ?? INIT_TIMEOUT_DEFAULT_S,
    description: source.description ?? '',
    environmentVariables: { ...(source.environmentVariables ?? {}) },
    layers: [...(source.layers ?? [])],
    caPort: source.caPort,
  };
}

/**
 * A new runtime may not fit what was chosen for the old one: a handler in another format, or a zip
 * where an image is needed. Those are cleared so their steps ask again; everything else is kept.
 */
function applyRuntime(state: WizardState, runtime: string): WizardState {
  if (state.runtime === runtime) return state;
  const before = getRuntime(state.runtime ?? '');
  const after = getRuntime(runtime);
  const sameFormat = before && after && before.handlerFormat === after.handlerFormat;
  const sameCodeKind = (before?.usesImage ?? false) === (after?.usesImage ?? false);
  return {
    ...state,
    runtime,
    handler: sameFormat ? state.handler : undefined,
    initializer: sameFormat ? state.initializer : '',
    code: sameCodeKind ? state.code : undefined,
    packageFacts: sameCodeKind ? state.packageFacts : undefined,
    caPort: after?.isCustom ? (state.caPort ?? CA_PORT_DEFAULT) : undefined,
  };
}

function back(state: WizardState): WizardState {
  // While the deploy call runs, Esc does nothing: only Ctrl-C cancels it. The summary is final.
  if (state.step === 'deploy' && state.deploy.status === 'running') return state;
  if (state.step === 'summary') return state;
  const history = state.history.slice();
  const previous = history.pop();
  if (!previous) return state;
  const leavingDeploy = state.step === 'deploy';
  return {
    ...state,
    step: previous,
    history,
    issues: [],
    returnTo: previous === 'review' ? undefined : state.returnTo,
    deploy: leavingDeploy ? { status: 'idle' } : state.deploy,
  };
}

function loadProfile(state: WizardState, p: ProfileValues): WizardState {
  if (state.step !== 'target') return state;
  const next: WizardState = {
    ...state,
    target: p.target ?? state.target,
    service: p.createService
      ? { name: p.service, isNew: false, createIfMissing: true }
      : { name: p.service, isNew: false },
    functionName: p.functionName,
    mode: 'create',
    runtime: p.runtime,
    handler: p.handler,
    code: p.code,
    ...settingsFrom(p),
    fromProfile: p.name,
    issues: [],
  };
  // A profile missing something (an older one, or edited by hand) opens the step that needs it.
  const missing = firstMissingStep(next);
  return { ...next, step: missing ?? 'review', history: ['target'], returnTo: missing ? 'review' : undefined };
}

export { isInputStep };
