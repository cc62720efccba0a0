// Turns whatever a service call or the deploy threw into what the screen shows: code, message,
// request id, hint, and the step where the person can fix it. Duck-typed on purpose, so this file
// stays pure and works for FcApiError, the network errors, UsageError and plain Errors alike.
import type { ErrorView } from './state.js';
import { INPUT_STEPS, stepForField, type InputStepId } from './steps.js';

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
}

const FIELD_WORDS = /\b(serviceName|functionName|runtime|handler|memorySize|timeout|initializer|initializationTimeout|caPort|environmentVariables|layers|code|zipFile|ossBucketName|ossObjectName|customContainerConfig|description|instanceType)\b/i;

/** The step that fixes an error, from a field it names (issues first, then the message). */
export function fixStepOf(error: unknown): InputStepId | undefined {
  const e = (error ?? {}) as ErrorLike;
  if (Array.isArray(e.issues)) {
    for (const i of e.issues as { field?: unknown }[]) {
      const step = typeof i?.field === 'string' ? stepForField(i.field.split('.')[0] ?? '') : undefined;
      if (step) return step;
    }
  }
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'ServiceNotFound' || code === 'ServiceAlreadyExists') return 'service';
  if (code === 'FunctionAlreadyExists' || code === 'FunctionNotFound') return 'function';
  if (code === 'EntityTooLarge') return 'code';
  if (['SignatureNotMatch', 'InvalidAccessKeyID', 'AccessDenied'].includes(code)) return 'target';
  const text = typeof e.errorMessage === 'string' ? e.errorMessage : (e.message ?? '');
  const match = FIELD_WORDS.exec(text);
  return match?.[1] ? stepForField(match[1]) : undefined;
}

export function toErrorView(error: unknown): ErrorView {
  const e = (error ?? {}) as ErrorLike;
  const code =
    typeof e.code === 'string' && e.code
      ? e.code
      : typeof e.causeCode === 'string' && e.causeCode
        ? e.causeCode
        : e.name && e.name !== 'Error'
          ? e.name
          : 'Error';
  const message = typeof e.errorMessage === 'string' && e.errorMessage ? e.errorMessage : (e.message ?? String(error));
  const view: ErrorView = { code, message };
  if (typeof e.requestId === 'string' && e.requestId) view.requestId = e.requestId;
  if (typeof e.hint === 'string' && e.hint) view.hint = e.hint;
  if (typeof e.status === 'number') view.status = e.status;
  const fix = fixStepOf(error);
  if (fix && (INPUT_STEPS as readonly string[]).includes(fix)) view.fixStep = fix;
  return view;
}
