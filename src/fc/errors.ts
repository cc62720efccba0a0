// The errors the FC client throws, typed so that callers can branch on them and the CLI can print
// a message plus a hint that says what to do. Every one exits 1 ("the deploy or the service failed").
// None of them holds a request, its headers or a credential: only what the service answered and
// what happened on the wire, already scrubbed of secrets by the client.
import { EXIT } from '../core/errors.js';
import { ANSWER_TOO_LARGE } from './answer-body.js';

const HINTS: Record<string, string> = {
  SignatureNotMatch:
    'The service computed a different signature. Check the AccessKey secret (a copy-paste adds spaces easily) ' +
    "and this machine's clock: the Date header may be at most 15 minutes off.",
  InvalidAccessKeyID:
    'The AccessKey id is unknown to the service. Check ALIBABA_CLOUD_ACCESS_KEY_ID or the profile, ' +
    'and that the key is enabled in the RAM console.',
  AccessDenied:
    'The key is valid but not allowed to do this. Its RAM policy needs the matching fc:... permission ' +
    '(e.g. fc:CreateFunction, fc:UpdateFunction, fc:GetFunction, fc:ListServices) on this service, ' +
    'or the account id does not match the key.',
  ServiceNotFound:
    'No such service in this region and account. Check the service name and region, or have the deploy create it.',
  FunctionNotFound: 'No such function in this service. Check the names, or deploy it to create it.',
  FunctionAlreadyExists:
    'A function with this name already exists in the service. Deploy again: an existing function is updated.',
  ServiceAlreadyExists: 'A service with this name already exists: use it instead of creating it.',
  EntityTooLarge: 'The request is too large to send inline. Upload the zip to OSS and deploy it from there.',
  PreconditionFailed:
    'The function changed since fcw read it (its etag no longer matches). Run the deploy again to see the new state.',
  ConcurrentUpdateError: 'Another update of this function is in progress. Wait a moment and deploy again.',
  ResourceExhausted: 'The service is throttling requests. Wait a moment and try again.',
  ResourceThrottled: 'The service is throttling requests. Wait a moment and try again.',
  InvalidArgument: 'The service rejected a field of the request: the message names it.',
  MissingRequiredHeader: 'A required header was missing: this is a bug in fcw, please report it.',
};

/**
 * The hints that depend on the call: an invocation's body is the event, not a code zip, so
 * "upload the zip to OSS" would send the user the wrong way.
 */
const ACTION_HINTS: Record<string, Record<string, string>> = {
  InvokeFunction: {
    EntityTooLarge:
      'The event is larger than an invocation takes (128 KB with --async; synchronous: 6 MB on the fcw ' +
      "sandbox, 32 MB by FC's current pages): send a smaller event, e.g. the name of an OSS object holding the data.",
  },
};

/** What to do about an FC error code, when there is something to say; `action` is e.g. `InvokeFunction`. */
export function hintFor(code: string, action?: string): string | undefined {
  return (action !== undefined ? ACTION_HINTS[action]?.[code] : undefined) ?? HINTS[code];
}

// The request fields FC's InvalidArgument messages name (its message is the only place the field
// appears): "memorySize must be a multiple of 64".
const REQUEST_FIELDS = [
  'serviceName',
  'functionName',
  'runtime',
  'handler',
  'memorySize',
  'timeout',
  'initializer',
  'initializationTimeout',
  'caPort',
  'environmentVariables',
  'layers',
  'code',
  'zipFile',
  'ossBucketName',
  'ossObjectName',
  'customContainerConfig',
  'description',
  'instanceType',
];
const REQUEST_FIELD = new RegExp(`\\b(${REQUEST_FIELDS.join('|')})\\b`, 'i');

/** The request field an InvalidArgument answer names, read once where the answer arrives. */
export function fieldOfInvalidArgument(code: string, errorMessage: string): string | undefined {
  if (code !== 'InvalidArgument') return undefined;
  const named = REQUEST_FIELD.exec(errorMessage)?.[1]?.toLowerCase();
  // As the API spells it, whatever the case in the message.
  return REQUEST_FIELDS.find((field) => field.toLowerCase() === named);
}

/** The service answered with an error status. */
export class FcApiError extends Error {
  readonly exitCode = EXIT.failed;
  readonly hint?: string;
  /** The request field the service refused, for an InvalidArgument that names one. */
  readonly field?: string;
  constructor(
    /** The operation, e.g. `CreateFunction`. */
    readonly action: string,
    readonly status: number,
    /** FC's ErrorCode, or `HttpError` when the body was not FC's JSON. */
    readonly code: string,
    /** FC's ErrorMessage (or the start of a non-JSON body). */
    readonly errorMessage: string,
    /** `x-fc-request-id`, '' when the answer had none. */
    readonly requestId: string,
  ) {
    super(`${action} failed: ${status} ${code}: ${errorMessage}${requestId ? ` (request id ${requestId})` : ''}`);
    this.name = 'FcApiError';
    this.hint = hintFor(code, action);
    this.field = fieldOfInvalidArgument(code, errorMessage);
  }
}

/** The request did not get an answer: connection refused, reset, dropped, DNS failure. */
export class FcNetworkError extends Error {
  readonly exitCode = EXIT.failed;
  readonly hint?: string;
  constructor(
    readonly action: string,
    /** The system or undici error code, e.g. ECONNREFUSED, UND_ERR_SOCKET; '' when unknown. */
    readonly causeCode: string,
    detail: string,
    /** True when nothing can have reached the service (connection refused, DNS failure). */
    readonly notSent: boolean,
  ) {
    super(`${action} failed: no answer from the service (${detail}${causeCode ? `, ${causeCode}` : ''})`);
    this.name = 'FcNetworkError';
    this.hint =
      causeCode === 'ENOTFOUND'
        ? 'The endpoint host name does not resolve: check the region, the account id, or the endpoint.'
        : causeCode === 'ECONNREFUSED'
          ? 'Nothing is listening at the endpoint: check its host and port (is the sandbox running?).'
          : causeCode === 'BAD_PORT'
            ? "Node's fetch never connects to this port (a port the Fetch standard blocks): run the sandbox on another one (fcw serve --port 0) and use that."
            : causeCode === ANSWER_TOO_LARGE
              ? 'What answers there is not Function Compute (or a proxy in between is broken): check the endpoint.'
              : 'Check the network connection and try again.';
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** No answer within the time limit (of the last of `attempts` attempts, when a read was retried). */
export class FcTimeoutError extends Error {
  readonly exitCode = EXIT.failed;
  readonly hint = 'The service did not answer in time. Check the network; for large code packages, upload through OSS.';
  constructor(
    readonly action: string,
    /** The last attempt's limit. */
    readonly timeoutMs: number,
    readonly attempts = 1,
    /** The whole wait of the call: every attempt and the pauses between them. */
    readonly waitedMs = timeoutMs,
  ) {
    // After retries, the last attempt's limit alone would understate the wait: say both.
    const wait = attempts > 1 ? ` on the last of ${attempts} attempts, ${seconds(waitedMs)} in all` : '';
    super(`${action} failed: no answer within ${seconds(timeoutMs)}${wait}`);
    this.name = 'FcTimeoutError';
  }
}

/**
 * A create or update was sent, then the connection dropped or timed out, and reading the function
 * back did not show our change. It may or may not have been applied: never assume either.
 */
export class FcOutcomeUnknownError extends Error {
  readonly exitCode = EXIT.failed;
  readonly hint: string;
  constructor(
    readonly action: string,
    /** Why the call itself failed (timeout or dropped connection). */
    readonly failure: FcNetworkError | FcTimeoutError,
    /** What reading the function back showed. */
    readonly readBack: string,
  ) {
    super(`${action}: the outcome is unknown. ${failure.message}; ${readBack}`);
    this.name = 'FcOutcomeUnknownError';
    this.hint =
      'The change may or may not have been applied. Check the function (fcw deploy shows the deployed state) before deploying again.';
  }
}
