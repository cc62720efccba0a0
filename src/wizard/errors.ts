// Turns whatever a service call or the deploy threw into what the screen shows: code, message,
// request id, hint, and the step where the person can fix it. Duck-typed on purpose, so this file
// stays pure and works for FcApiError, the network errors, UsageError and plain Errors alike. The
// step comes from what the error carries (its issues' fields, its field, its FC code), never from
// its wording.
import type { ErrorView } from './state.js';
import { fieldLabel, INPUT_STEPS, STEPS, stepForField, type InputStepId } from './steps.js';

/** What the hint may say about where the request went: the wizard's credential source. */
export interface ErrorContext {
  /** As the header shows it, e.g. "typed for this session" or "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)". */
  credentialSource?: string;
}

const TYPED_KEY = 'typed for this session';

/** "step 1 (Where to deploy) → Endpoint URL": where in the wizard a value is changed. */
export function whereInWizard(step: InputStepId, field?: string): string {
  return `step ${INPUT_STEPS.indexOf(step) + 1} (${STEPS[step].title})${field ? ` → ${field}` : ''}`;
}

/**
 * The hint phrased for the wizard: the command line's hints name flags (--endpoint) and variables,
 * which mean nothing here; these name the step and field to change instead.
 */
function wizardHint(code: string, causeCode: string, context: ErrorContext): string | undefined {
  const typed = context.credentialSource === TYPED_KEY;
  const source = typed
    ? `typed at ${whereInWizard('target')}`
    : context.credentialSource
      ? `from ${context.credentialSource}`
      : `chosen at ${whereInWizard('target')}`;
  if (causeCode === 'ECONNREFUSED')
    return `Nothing is listening at the endpoint (is the sandbox running?): change it at ${whereInWizard('target', 'Endpoint URL')}.`;
  if (causeCode === 'ENOTFOUND')
    return `The endpoint host name does not resolve: check the region and account id at ${whereInWizard('target')}.`;
  switch (code) {
    case 'InvalidAccessKeyID':
      return `The AccessKey id ${source} is unknown to the service: check it (choose other credentials at ${whereInWizard('target')}) and that the key is enabled in the RAM console.`;
    case 'SignatureNotMatch':
      return `The service computed a different signature: check the AccessKey secret ${source} (a copy-paste adds spaces easily) and this machine's clock (at most 15 minutes off).`;
    case 'ServiceNotFound':
      return `No such service in this region and account: pick or create one at ${whereInWizard('service')}.`;
    case 'FunctionAlreadyExists':
      return `A function with this name already exists: at ${whereInWizard('function')}, choose "Update it" or another name.`;
    case 'EntityTooLarge':
      return `The package is too large to send inline: at ${whereInWizard('code')}, choose an OSS bucket and object.`;
    default:
      return undefined;
  }
}

/**
 * A check's message as the wizard shows it: the checks start with the API field ("functionName: must
 * …", which the command line pairs with a flag hint), the wizard names the label on screen instead
 * ("Function name: must …"). Only that leading name changes; the issue says which field it is.
 */
export function wizardFieldMessage(issue: { field: string; message: string }): string {
  const prefix = `${issue.field}: `;
  const label = fieldLabel(issue.field);
  return label && issue.message.startsWith(prefix) ? `${label}: ${issue.message.slice(prefix.length)}` : issue.message;
}

/** For a Field's live check: the issue's message in the wizard's words, or nothing. */
export function wizardCheck(issue: { field: string; message: string } | undefined): string | undefined {
  return issue && wizardFieldMessage(issue);
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  status?: unknown;
  requestId?: unknown;
  errorMessage?: unknown;
  hint?: unknown;
  causeCode?: unknown;
  issues?: unknown;
  field?: unknown;
}

function fieldIssuesOf(e: ErrorLike): { field: string; message: string }[] {
  if (!Array.isArray(e.issues)) return [];
  return (e.issues as { field?: unknown; message?: unknown }[]).flatMap((i) =>
    typeof i?.field === 'string' && typeof i.message === 'string' ? [{ field: i.field, message: i.message }] : [],
  );
}

/** FC error codes whose fix is in one step. */
const CODE_STEPS: Record<string, InputStepId> = {
  ServiceNotFound: 'service',
  ServiceAlreadyExists: 'service',
  FunctionAlreadyExists: 'function',
  FunctionNotFound: 'function',
  EntityTooLarge: 'code',
  SignatureNotMatch: 'target',
  InvalidAccessKeyID: 'target',
  AccessDenied: 'target',
};

/** The step that fixes an error: from the fields it carries (issues first, then its field), then its code. */
export function fixStepOf(error: unknown): InputStepId | undefined {
  const e = (error ?? {}) as ErrorLike;
  const fields = Array.isArray(e.issues) ? (e.issues as { field?: unknown }[]).map((i) => i?.field) : [];
  for (const field of [...fields, e.field]) {
    const step = typeof field === 'string' ? stepForField(field) : undefined;
    if (step) return step;
  }
  return typeof e.code === 'string' ? CODE_STEPS[e.code] : undefined;
}

/** The command line's words in a hint that has no wizard phrasing of its own, as wizard places. */
function translateFlags(hint: string): string {
  return hint
    .replace(/check --endpoint/g, `check the Endpoint URL at ${whereInWizard('target')}`)
    .replace(/--endpoint/g, `the Endpoint URL at ${whereInWizard('target')}`)
    .replace(/ALIBABA_CLOUD_ACCESS_KEY_ID or the profile/g, `the credentials chosen at ${whereInWizard('target')}`);
}

/**
 * The code worth showing: a service's or the system's (InvalidArgument, ECONNREFUSED), not the name
 * of one of fcw's own error classes (UsageError, or plain Error), which says nothing the message does not.
 */
export function shownCode(view: ErrorView): string | undefined {
  const fromService = view.status !== undefined || view.requestId !== undefined;
  return fromService || !/^([A-Z][A-Za-z]*)?Error$/.test(view.code) ? view.code : undefined;
}

export function toErrorView(error: unknown, context: ErrorContext = {}): ErrorView {
  const e = (error ?? {}) as ErrorLike;
  const code =
    typeof e.code === 'string' && e.code
      ? e.code
      : typeof e.causeCode === 'string' && e.causeCode
        ? e.causeCode
        : e.name && e.name !== 'Error'
          ? e.name
          : 'Error';
  let message = typeof e.errorMessage === 'string' && e.errorMessage ? e.errorMessage : (e.message ?? String(error));
  // An error listing refused fields quotes each issue's message: those lines in the wizard's words.
  for (const issue of fieldIssuesOf(e)) message = message.replace(issue.message, wizardFieldMessage(issue));
  const view: ErrorView = { code, message };
  if (typeof e.requestId === 'string' && e.requestId) view.requestId = e.requestId;
  const hint =
    wizardHint(code, typeof e.causeCode === 'string' ? e.causeCode : '', context) ??
    (typeof e.hint === 'string' ? translateFlags(e.hint) : '');
  if (hint) view.hint = hint;
  if (typeof e.status === 'number') view.status = e.status;
  const fix = fixStepOf(error);
  if (fix && (INPUT_STEPS as readonly string[]).includes(fix)) view.fixStep = fix;
  return view;
}
