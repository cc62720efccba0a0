// The step table: the wizard's steps as data. Each entry says what the step is called, which
// values it sets, and how those values are checked before the wizard moves on. The reducer reads
// this table; the screens read the titles. The checks are the shared validators (fc/validate.ts),
// so the wizard gates on exactly the rules that `fcw deploy` and the sandbox enforce.
import type { FunctionInfo } from '../fc/types.js';
import { ACCOUNT_ID } from '../fc/endpoint.js';
import { FIELD_RULES, getRuntime, type FieldName } from '../fc/rules.js';
import {
  validateCaPort,
  validateCreateFunction,
  validateCustomContainerConfig,
  validateEnvironmentVariables,
  validateFunctionName,
  validateHandler,
  validateInitializationTimeout,
  validateLayers,
  validateMemorySize,
  validateRuntime,
  validateServiceName,
  validateTimeout,
  validateUpdateFunction,
  type ValidationIssue,
} from '../fc/validate.js';
import type { CodeSource, PackageFacts, ServiceChoice, StepId, TargetValues, WizardState } from './state.js';
import { buildCreateRequest, EMPTY_ZIP_BASE64 } from './request.js';

/** The values each input step confirms. */
export interface StepValues {
  target: { target: TargetValues };
  service: { service: ServiceChoice };
  function: { functionName: string; existing?: FunctionInfo };
  runtime: { runtime: string };
  code: { code: CodeSource; packageFacts?: PackageFacts };
  handler: { handler: string; packageFacts?: PackageFacts };
  limits: {
    memorySize: number;
    timeout: number;
    instanceType?: string;
    initializer: string;
    initializationTimeout: number;
  };
  more: { description: string; environmentVariables: Record<string, string>; layers: string[]; caPort?: number };
}
export type InputStepId = keyof StepValues;

export interface StepDef<K extends StepId> {
  id: K;
  title: string;
  /** Checks the values against the state they would join; errors stop the confirm, warnings do not. */
  validate: K extends InputStepId ? (values: StepValues[K], state: WizardState) => ValidationIssue[] : undefined;
}

function issue(field: string, rule: string, value: unknown, message: string): ValidationIssue {
  return { field, rule, value, message, severity: 'error' };
}

function compact(list: (ValidationIssue | undefined)[]): ValidationIssue[] {
  return list.filter((i): i is ValidationIssue => i !== undefined);
}

function validateTarget({ target }: StepValues['target']): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let url: URL | undefined;
  try {
    url = new URL(target.endpoint);
  } catch {
    issues.push(
      issue(
        'endpoint',
        'url',
        target.endpoint,
        `endpoint "${target.endpoint}" is not a URL: give one like https://123456789012.cn-hangzhou.fc.aliyuncs.com or http://127.0.0.1:9000.`,
      ),
    );
  }
  if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
    issues.push(
      issue(
        'endpoint',
        'url',
        target.endpoint,
        `endpoint "${target.endpoint}" must start with https:// (or http:// for a local sandbox).`,
      ),
    );
  }
  if (target.kind === 'cloud' && url && url.protocol !== 'https:') {
    issues.push(issue('endpoint', 'https', target.endpoint, 'Alibaba Cloud endpoints are always https://.'));
  }
  if (!ACCOUNT_ID.test(target.accountId)) {
    issues.push(
      issue(
        'accountId',
        'digits',
        target.accountId,
        `account id "${target.accountId}" must be the numeric Alibaba Cloud account id (e.g. 123456789012).`,
      ),
    );
  }
  if (target.kind === 'cloud' && !target.region) {
    issues.push(
      issue('region', 'required', target.region, 'region is required for Alibaba Cloud: pick one such as cn-hangzhou.'),
    );
  }
  if (!target.credentialSource) {
    issues.push(
      issue(
        'credentials',
        'required',
        '',
        'credentials are required: use the ones found, or type an AccessKey for this session.',
      ),
    );
  }
  return issues;
}

function validateCodeStep({ code }: StepValues['code'], state: WizardState): ValidationIssue[] {
  const runtime = state.runtime ? getRuntime(state.runtime) : undefined;
  const usesImage = runtime?.usesImage ?? false;
  if (usesImage && code.kind !== 'image') {
    return [
      issue(
        'code',
        'container-image',
        code.kind,
        `${state.runtime} runs a container image, not a ${code.kind}: give the image (and optional command, args).`,
      ),
    ];
  }
  if (!usesImage && code.kind === 'image') {
    return [
      issue(
        'code',
        'zip-or-oss',
        'image',
        `${state.runtime ?? 'this runtime'} needs a code package (a folder, a .zip/.jar or an OSS object); images are for custom-container.`,
      ),
    ];
  }
  switch (code.kind) {
    case 'folder':
    case 'zip':
      return code.path.trim()
        ? []
        : [
            issue(
              'code',
              'required',
              code.path,
              `the ${code.kind === 'zip' ? '.zip/.jar file' : 'folder'} path is required.`,
            ),
          ];
    case 'oss': {
      const issues: ValidationIssue[] = [];
      if (!code.bucket.trim())
        issues.push(issue('ossBucketName', 'required', code.bucket, 'the OSS bucket name is required.'));
      if (!code.object.trim())
        issues.push(
          issue(
            'ossObjectName',
            'required',
            code.object,
            'the OSS object name is required (the key of the .zip in the bucket).',
          ),
        );
      return issues;
    }
    case 'image': {
      const found = validateCustomContainerConfig(state.runtime ?? 'custom-container', {
        image: code.image,
        command: code.command || undefined,
        args: code.args || undefined,
        accelerationType: code.accelerationType,
      });
      return Array.isArray(found) ? found : compact([found]);
    }
  }
}

export const STEPS: { [K in StepId]: StepDef<K> } = {
  target: { id: 'target', title: 'Where to deploy', validate: (v) => validateTarget(v) },
  service: { id: 'service', title: 'Service', validate: (v) => compact([validateServiceName(v.service.name)]) },
  function: {
    id: 'function',
    title: 'Function name',
    validate: (v) => compact([validateFunctionName(v.functionName)]),
  },
  runtime: { id: 'runtime', title: 'Runtime', validate: (v, s) => compact([validateRuntime(v.runtime, s.mode)]) },
  code: { id: 'code', title: 'Code', validate: validateCodeStep },
  handler: {
    id: 'handler',
    title: 'Handler',
    validate: (v, s) =>
      compact([
        s.runtime
          ? validateHandler(s.runtime, v.handler, 'handler')
          : issue('runtime', 'required', undefined, 'pick a runtime first.'),
      ]),
  },
  limits: {
    id: 'limits',
    title: 'Memory, timeout, initializer',
    validate: (v, s) =>
      compact([
        validateMemorySize(v.memorySize, v.instanceType),
        validateTimeout(v.timeout, v.instanceType),
        v.initializer && s.runtime ? validateHandler(s.runtime, v.initializer, 'initializer') : undefined,
        validateInitializationTimeout(v.initializationTimeout),
      ]),
  },
  more: {
    id: 'more',
    title: 'More (optional)',
    validate: (v, s) =>
      compact([
        Object.keys(v.environmentVariables).length ? validateEnvironmentVariables(v.environmentVariables) : undefined,
        v.layers.length ? validateLayers(v.layers) : undefined,
        // caPort means something only to custom runtimes; for others the value is dropped, not refused.
        v.caPort !== undefined && getRuntime(s.runtime)?.isCustom ? validateCaPort(s.runtime, v.caPort) : undefined,
      ]),
  },
  review: { id: 'review', title: 'Review', validate: undefined },
  deploy: { id: 'deploy', title: 'Deploy', validate: undefined },
  summary: { id: 'summary', title: 'Summary', validate: undefined },
};

/** The input steps in order; review, deploy and summary follow them. */
export const INPUT_STEPS: readonly InputStepId[] = [
  'target',
  'service',
  'function',
  'runtime',
  'code',
  'handler',
  'limits',
  'more',
];

export function isInputStep(step: StepId): step is InputStepId {
  return (INPUT_STEPS as readonly string[]).includes(step);
}

export function nextStep(step: StepId): StepId {
  const order: StepId[] = [...INPUT_STEPS, 'review', 'deploy', 'summary'];
  return order[order.indexOf(step) + 1] ?? 'summary';
}

/** The whole request checked with the validators `fcw deploy` uses: the review's gate before Deploy. */
export function validateWholeRequest(state: WizardState): ValidationIssue[] {
  const missing = firstMissingStep(state);
  if (missing)
    return [issue(missing, 'required', undefined, `the ${STEPS[missing].title.toLowerCase()} step is not complete.`)];
  // The zip is built at deploy time; the request checked here carries an empty zip in its place,
  // so that the code rule (exactly one source) is checked without building anything.
  const request = buildCreateRequest(state, { zipFile: EMPTY_ZIP_BASE64 });
  if (state.mode === 'update') {
    const { functionName: _name, ...update } = request;
    return validateUpdateFunction(request.runtime, update);
  }
  return validateCreateFunction(request);
}

/** The first input step whose required values are missing, or undefined when the request is complete. */
export function firstMissingStep(state: WizardState): InputStepId | undefined {
  if (!state.target) return 'target';
  if (!state.service) return 'service';
  if (!state.functionName) return 'function';
  if (!state.runtime) return 'runtime';
  if (!state.code) return 'code';
  const usesImage = getRuntime(state.runtime)?.usesImage ?? false;
  if (usesImage !== (state.code.kind === 'image')) return 'code';
  if (!state.handler) return 'handler';
  return undefined;
}

/**
 * The step that sets each field a check or the service can name: request fields (the top level
 * of a dotted one), the short names the wizard's own checks use, and the target's settings.
 */
const FIELD_STEPS: Record<string, InputStepId> = {
  servicename: 'service',
  service: 'service',
  functionname: 'function',
  function: 'function',
  runtime: 'runtime',
  handler: 'handler',
  code: 'code',
  zipfile: 'code',
  ossbucketname: 'code',
  ossobjectname: 'code',
  customcontainerconfig: 'code',
  image: 'code',
  codechecksum: 'code',
  memorysize: 'limits',
  timeout: 'limits',
  initializer: 'limits',
  initializationtimeout: 'limits',
  instancetype: 'limits',
  description: 'more',
  environmentvariables: 'more',
  layers: 'more',
  caport: 'more',
  endpoint: 'target',
  accountid: 'target',
  region: 'target',
  credentials: 'target',
};

/**
 * The label the wizard shows for a field a check names, where it differs from FIELD_RULES' label
 * (or FIELD_RULES has none): the checks name API fields, the screens show these words.
 */
const WIZARD_LABELS: Record<string, string> = {
  description: 'Description',
  'code.zipFile': 'Code',
  'code.ossBucketName': 'OSS bucket',
  'code.ossObjectName': 'OSS object',
  ossBucketName: 'OSS bucket',
  ossObjectName: 'OSS object',
  customContainerConfig: 'Image',
  endpoint: 'Endpoint URL',
  accountId: 'Account id',
  region: 'Region',
};

/** The label a screen shows for a field a check or the service names; undefined when none does. */
export function fieldLabel(field: string): string | undefined {
  return WIZARD_LABELS[field] ?? (field in FIELD_RULES ? FIELD_RULES[field as FieldName].label : undefined);
}

/** Which step fixes an issue about this field (for "go back and fix" after an error). */
export function stepForField(field: string): InputStepId | undefined {
  return FIELD_STEPS[(field.split('.')[0] ?? '').toLowerCase()];
}
