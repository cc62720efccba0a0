// The field rules, applied by the sandbox exactly as the client applies them: the same validators
// (fc/validate.ts, fed by the one rules table), their errors turned into FC's 400 InvalidArgument
// naming the field. Warnings (a 60 MB zip, say) are the client's to show; the service accepts them.
import type { ValidationIssue } from '../fc/validate.js';
import { validateCreateFunction, validateCreateService, validateUpdateFunction } from '../fc/validate.js';
import type { CreateFunctionRequest, CreateServiceRequest, UpdateFunctionRequest } from '../fc/types.js';
import { invalidArgument } from './errors.js';
import { InlineZip } from './inline-zip.js';

/**
 * FC's own words for an error, where they are known, put before fcw's message (which keeps the
 * field name and the fix): clients and scripts match on FC's text.
 */
const FC_ERROR_TEXTS: Record<string, string> = {
  'runtime:enum': 'Runtime is set to an invalid value.',
};

function fcWording(issue: ValidationIssue): string {
  const known = FC_ERROR_TEXTS[`${issue.field}:${issue.rule}`];
  return known ? `${known} ${issue.message}` : issue.message;
}

function throwErrors(issues: readonly ValidationIssue[]): void {
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length === 0) return;
  // Each message starts with its field ("memorySize: must be …"). FC names one field per error; the
  // sandbox names every failing field, the first one first.
  throw invalidArgument(errors.map(fcWording).join(' '));
}

/**
 * The request as the shared rules see it: a zipFile decoded with the body (an InlineZip) is shown
 * as its stand-in text, which the rules judge as they would the whole base64, at no cost.
 */
function forRules<T extends { code?: unknown }>(req: T): T {
  const code = req.code as Record<string, unknown> | null | undefined;
  if (!(code?.zipFile instanceof InlineZip)) return req;
  return { ...req, code: { ...code, zipFile: code.zipFile.standIn } };
}

export function checkCreateFunction(req: CreateFunctionRequest): void {
  throwErrors(validateCreateFunction(forRules(req)));
}

/** `runtime` and `current.instanceType` are the deployed function's. */
export function checkUpdateFunction(
  runtime: string,
  req: UpdateFunctionRequest,
  current: { instanceType?: string },
): void {
  throwErrors(validateUpdateFunction(runtime, forRules(req), current));
}

export function checkCreateService(req: CreateServiceRequest): void {
  throwErrors(validateCreateService(req));
}
