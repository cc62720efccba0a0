// The sandbox's choices where Function Compute's behaviour is not documented one way, or sources
// disagree. Each is one constant here (the README lists them): change it here and everything follows.

const KB = 1024;
const MB = 1024 * KB;

/**
 * The largest event of a synchronous invocation. Older FC 2.0 pages say 6 MB, current ones 32 MB;
 * the sandbox keeps the lower figure so what runs here is not refused there.
 */
export const SYNC_EVENT_MAX_BYTES = 6 * MB;
/** The largest event of an asynchronous invocation (documented, not uncertain). */
export const ASYNC_EVENT_MAX_BYTES = 128 * KB;

/** How much of an invocation's log `X-Fc-Log-Type: Tail` returns (documented: the last 4 KB). */
export const LOG_TAIL_BYTES = 4 * KB;

/**
 * The level printed for console.log in a Node.js function's log lines: the FC 2.0 page shows
 * `[silly]`, later pages `[info]`. `[info]` is what today's runtimes print.
 */
export const CONSOLE_LOG_LEVEL = 'info';

/**
 * errorType of an error a Node.js handler throws (UnhandledInvocationError): the FC 2.0 page shows
 * `FunctionUnhandledError: Error`, the Node.js 18+ page plain `Error`. The sandbox uses the plain
 * name, the same as for an error passed to the callback; set a prefix here to get the other form.
 */
export const THROWN_ERROR_TYPE_PREFIX = '';

/**
 * From this Node.js runtime on, a handler's returned promise is its answer (`async (event, context)`).
 * The docs show that form only from nodejs18; older runtimes answer through the callback only.
 */
export const PROMISE_HANDLER_MIN_NODE = 18;

/**
 * How a Python handler's return value becomes the answer: bytes as they are, str as UTF-8, None as
 * an empty body, anything else through str(). FC documents only str; dict is not JSON-encoded.
 */
export const PYTHON_RESULT_RULE = 'bytes as-is, str as UTF-8, None empty, else str()';

/** An instance with no invocation for this long ends ("a few minutes" on FC). */
export const INSTANCE_IDLE_MS = 5 * 60_000;

/** Warm instances one function may have at once; further concurrent requests wait for one. */
export const MAX_INSTANCES_PER_FUNCTION = 10;

/** The region a function sees (context.region, FC_REGION): the sandbox has no region of its own. */
export const SANDBOX_REGION = 'cn-hangzhou';

/**
 * How the end line of a failed initializer or invocation reads ("FC Initialize End RequestId: <id>",
 * or "FC Invoke End …", then this). FC's documentation shows only the plain marker lines; FC's own
 * runtimes add ", Error: Handled function error" for an error a Node.js function passes to its
 * callback and ", Error: Unhandled function error" for anything else, after logging the error.
 */
export const FAILED_CALL_END_SUFFIX = {
  handled: ', Error: Handled function error',
  unhandled: ', Error: Unhandled function error',
} as const;
