// The errors the sandbox answers, shaped as FC answers them: an HTTP status and a JSON body
// `{ErrorCode, ErrorMessage}` (docs/fc-api-notes.md, "Errors"). Message texts follow FC's documented error
// table where it gives one ("service '%s' does not exist"); where FC documents nothing the code and
// status are inferred and say so here.

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. `Allow`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export const invalidArgument = (message: string) => new SandboxError(400, 'InvalidArgument', message);

export const missingHeader = (name: string) =>
  new SandboxError(400, 'MissingRequiredHeader', `required HTTP header ${name} was not specified`);

export const entityTooLarge = (maxBytes: number, what = 'payload') =>
  new SandboxError(400, 'EntityTooLarge', `${what} size exceeds maximum allowed size (${maxBytes} bytes)`);

export const pathNotSupported = (method: string, path: string) =>
  new SandboxError(400, 'PathNotSupported', `'${method}' against '${path}' is not supported`);

export const serviceNotFound = (service: string) =>
  new SandboxError(404, 'ServiceNotFound', `service '${service}' does not exist`);

export const functionNotFound = (service: string, fn: string) =>
  new SandboxError(404, 'FunctionNotFound', `function '${fn}' does not exist in service '${service}'`);

// 409 for "already exists" is inferred: FC documents the codes, not their statuses.
export const serviceAlreadyExists = (service: string) =>
  new SandboxError(409, 'ServiceAlreadyExists', `service '${service}' already exists`);

export const functionAlreadyExists = (service: string, fn: string) =>
  new SandboxError(409, 'FunctionAlreadyExists', `function '${fn}' already exists in service '${service}'`);

// Inferred: FC refuses to delete a service that still holds functions; the code name and the 409 are
// not documented. fcw only reads the status class and the message.
export const serviceNotEmpty = (service: string, count: number) =>
  new SandboxError(
    409,
    'ServiceNotEmpty',
    `service '${service}' still has ${count} function(s); delete them before deleting the service`,
  );

// 412 for a stale If-Match is inferred: FC documents the code PreconditionFailed, not its status.
export const preconditionFailed = (given: string, current: string) =>
  new SandboxError(
    412,
    'PreconditionFailed',
    `If-Match '${given}' does not match the current etag '${current}': the resource changed since you read it; get it again and retry`,
  );

export const concurrentUpdate = (what: string) =>
  new SandboxError(409, 'ConcurrentUpdateError', `${what} is being changed by another request; retry`);

// FC answers 503 ResourceThrottled when it sheds load; nothing was done, so a client may retry.
export const throttled = (reason: string, retryAfterS: number) =>
  new SandboxError(503, 'ResourceThrottled', `${reason}; retry in ${retryAfterS} s`, {
    'Retry-After': String(retryAfterS),
  });

/** The request id goes in the message too, so the matching line of the sandbox's log can be found. */
export const internalError = (requestId: string) =>
  new SandboxError(
    500,
    'InternalServerError',
    `the sandbox failed to handle the request; see its log for request id ${requestId}`,
  );

/** The JSON body FC sends with an error. */
export function errorBody(error: SandboxError): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: error.code, ErrorMessage: error.message };
}

/** An FC API the sandbox does not reproduce: 501 naming it, so a client tells "missing here" from "bad request". */
export const notImplemented = (api: string, why = 'the fcw sandbox does not implement it') =>
  new SandboxError(501, 'NotImplemented', `${api}: ${why}; deploy to Function Compute to use it`);

export const triggerNotFound = (service: string, fn: string, trigger: string) =>
  new SandboxError(
    404,
    'TriggerNotFound',
    `trigger '${trigger}' does not exist in service '${service}' function '${fn}'`,
  );

export const triggerAlreadyExists = (service: string, fn: string, trigger: string) =>
  new SandboxError(
    409,
    'TriggerAlreadyExists',
    `trigger '${trigger}' already exists in service '${service}' function '${fn}'`,
  );

export const versionNotFound = (service: string, version: string) =>
  new SandboxError(404, 'VersionNotFound', `version '${version}' does not exist in service '${service}'`);

export const aliasNotFound = (service: string, alias: string) =>
  new SandboxError(404, 'AliasNotFound', `alias '${alias}' does not exist in service '${service}'`);

export const aliasAlreadyExists = (service: string, alias: string) =>
  new SandboxError(409, 'AliasAlreadyExists', `alias '${alias}' already exists in service '${service}'`);

export const layerNotFound = (layer: string, version?: number | string) =>
  new SandboxError(
    404,
    'LayerNotFound',
    version === undefined ? `layer '${layer}' does not exist` : `layer '${layer}' version ${version} does not exist`,
  );

export const customDomainNotFound = (domain: string) =>
  new SandboxError(404, 'DomainNameNotFound', `custom domain '${domain}' does not exist`);

export const customDomainAlreadyExists = (domain: string) =>
  new SandboxError(409, 'DomainNameAlreadyExists', `custom domain '${domain}' already exists`);

// Inferred: FC refuses to delete a function that still has triggers; the code name is not documented.
export const functionNotEmpty = (service: string, fn: string, triggers: string[]) =>
  new SandboxError(
    409,
    'FunctionNotEmpty',
    `function '${fn}' in service '${service}' still has trigger(s) ${triggers.map((t) => `'${t}'`).join(', ')}; ` +
      'delete them before deleting the function',
  );
