// The process one Node.js function instance runs in, started by the fcw sandbox. It loads the
// function's module from the working copy (its cwd), then answers frames on fd 3 (a socket pair with
// the sandbox): `initialize` runs the initializer, `invoke` the handler, each answered by `done`.
// What the function prints is sent back as `log` frames on the same socket, before its `done`, so
// each invocation's log is complete and in order when its answer arrives.
// Frame: u32le header length, u32le body length, JSON header, body bytes.
'use strict';
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const options = JSON.parse(process.argv[2]);
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const EMPTY = Buffer.alloc(0);

function send(header, body) {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const data = body || EMPTY;
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(head.length, 0);
  prefix.writeUInt32LE(data.length, 4);
  channel.write(Buffer.concat([prefix, head, data]));
}

// ---- logs ----
let currentRequestId = '';
function log(bytes) {
  if (bytes.length > 0) send({ type: 'log' }, bytes);
}
function captureStream(stream) {
  stream.write = function write(chunk, encoding, callback) {
    log(
      Buffer.isBuffer(chunk) || chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8'),
    );
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}
captureStream(process.stdout);
captureStream(process.stderr);

function logLine(level, args) {
  log(Buffer.from(`${new Date().toISOString()} ${currentRequestId} [${level}] ${util.format(...args)}\n`, 'utf8'));
}
console.log = (...args) => logLine(options.consoleLevel, args);
console.info = (...args) => logLine('info', args);
console.warn = (...args) => logLine('warn', args);
console.error = (...args) => logLine('error', args);
console.debug = (...args) => logLine('debug', args);
const logger = {
  log: (...args) => logLine(options.consoleLevel, args),
  info: (...args) => logLine('info', args),
  warn: (...args) => logLine('warn', args),
  error: (...args) => logLine('error', args),
  debug: (...args) => logLine('debug', args),
};

// ---- results ----
function maxRssKB() {
  return process.resourceUsage().maxRSS;
}
function errorBody(error) {
  if (error instanceof Error) {
    return { errorMessage: error.message, errorType: error.name, stackTrace: String(error.stack || '').split('\n') };
  }
  if (error !== null && typeof error === 'object') {
    try {
      return { errorMessage: JSON.stringify(error) };
    } catch {
      return { errorMessage: util.inspect(error) };
    }
  }
  return { errorMessage: String(error) };
}
function succeedHttp(status, headers, body) {
  send({ type: 'done', ok: true, http: { status, headers }, maxRssKB: maxRssKB() }, body);
}
function succeed(data) {
  let body;
  if (data === undefined || data === null) body = EMPTY;
  else if (Buffer.isBuffer(data) || data instanceof Uint8Array) body = Buffer.from(data);
  else if (typeof data === 'object') body = Buffer.from(JSON.stringify(data), 'utf8');
  else body = Buffer.from(String(data), 'utf8');
  send({ type: 'done', ok: true, maxRssKB: maxRssKB() }, body);
}
function fail(error, handled) {
  hintIfOpt(error);
  const body = errorBody(error);
  if (!handled && body.errorType) body.errorType = options.thrownPrefix + body.errorType;
  send({ type: 'done', ok: false, handled, maxRssKB: maxRssKB() }, Buffer.from(JSON.stringify(body), 'utf8'));
}

// ---- layers: FC puts them at /opt, the sandbox in FC_OPT_DIR (no root to write /opt) ----
// Every CommonJS require (and require.resolve) of '/opt/...' resolves in FC_OPT_DIR instead, read
// per call since a spare host gets its environment when bound. Other paths naming /opt (fs calls,
// import()) are not mapped: a failure on one logs where the layers are.
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
const UNDER_OPT = /^\/opt(?=\/|$)/;
Module._resolveFilename = function resolveInLayers(request, ...rest) {
  const optDir = process.env.FC_OPT_DIR;
  // Normalized first, as FC's file system reads it: '/opt/../etc/x' is /etc/x there, not a file
  // beside the layers here; '/opt/a/../b' and '//opt/b' are under /opt.
  const normal = optDir && typeof request === 'string' && request.startsWith('/') ? path.posix.normalize(request) : '';
  const mapped = UNDER_OPT.test(normal) ? normal.replace(UNDER_OPT, () => optDir) : request;
  return resolveFilename.call(this, mapped, ...rest);
};
function hintIfOpt(error) {
  const named =
    error && (error.path || (error.code === 'ERR_MODULE_NOT_FOUND' && /'(\/opt\/[^']*)'/.exec(error.message)?.[1]));
  if (typeof named !== 'string' || !UNDER_OPT.test(named)) return;
  logLine('warn', [
    `fcw sandbox: '${named}': layers are not at /opt here but in FC_OPT_DIR (${process.env.FC_OPT_DIR}); only ` +
      "require('/opt/...') is redirected there. Use process.env.FC_OPT_DIR || '/opt' to find them on FC too.",
  ]);
}

// ---- the function's module ----
const modules = new Map();
function exists(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
async function loadExport(handler) {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const name = handler.slice(dot + 1);
  const base = path.resolve(process.cwd(), file);
  let mod = modules.get(base);
  if (!mod) {
    if (exists(`${base}.mjs`)) mod = await import(pathToFileURL(`${base}.mjs`).href);
    else if (!exists(`${base}.js`) && exists(`${base}.cjs`)) mod = require(`${base}.cjs`);
    else if (!exists(`${base}.js`) && !exists(base)) {
      throw Object.assign(new Error(`Cannot find module '${base}.js'`), { name: 'Error' });
    } else {
      try {
        mod = require(base);
      } catch (error) {
        if (error && error.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(`${base}.js`).href);
        else throw error;
      }
    }
    modules.set(base, mod);
  }
  const fn = mod && (typeof mod[name] === 'function' ? mod[name] : mod.default && mod.default[name]);
  if (typeof fn !== 'function') throw new Error(`Handler '${name}' missing on module '${file}'`);
  return fn;
}

// ---- running one call ----
let active = null;
function settleWith(done) {
  return (...args) => {
    if (!active || active.settled) return;
    active.settled = true;
    active = null;
    done(...args);
  };
}
async function run(header, event) {
  const context = header.context;
  context.logger = logger;
  currentRequestId = context.requestId;
  active = { settled: false };
  const ok = settleWith(succeed);
  const failed = settleWith(fail);
  active.fail = failed;
  const isInit = header.type === 'initialize';
  let fn;
  try {
    fn = await loadExport(isInit ? context.function.initializer : context.function.handler);
  } catch (error) {
    return failed(error, false);
  }
  const callback = (error, data) => (error !== undefined && error !== null ? failed(error, true) : ok(data));
  try {
    const returned = isInit
      ? fn(context, callback)
      : header.type === 'http-invoke'
        ? fn(httpRequest(header.http, event), httpResponse(settleWith(succeedHttp), failed), context)
        : fn(event, context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (value) => {
          if (options.promiseAnswers) ok(value);
        },
        (error) => failed(error, false),
      );
    }
  } catch (error) {
    failed(error, false);
  }
}

// ---- HTTP handlers: (request, response, context) ----
// The request is a readable stream of the body (read it with raw-body or 'data' events) that also
// carries the body as `.body`: runtimes differ on which they offer, so both are there.
function httpRequest(http, body) {
  const { Readable } = require('node:stream');
  const request = Readable.from(body.length > 0 ? [body] : []);
  return Object.assign(request, {
    headers: http.headers,
    path: http.path,
    queries: http.queries,
    method: http.method,
    clientIP: http.clientIP,
    url: http.url,
    body,
  });
}
function httpResponse(finish, failed) {
  let status = 200;
  const headers = {};
  const toBuffer = (data) =>
    Buffer.isBuffer(data)
      ? data
      : data instanceof Uint8Array
        ? Buffer.from(data)
        : Buffer.from(data === undefined || data === null ? '' : String(data), 'utf8');
  return {
    setStatusCode(code) {
      status = Number(code);
    },
    setHeader(name, value) {
      headers[String(name).toLowerCase()] = value;
    },
    deleteHeader(name) {
      delete headers[String(name).toLowerCase()];
    },
    send(data) {
      if (data && typeof data.pipe === 'function' && typeof data.on === 'function') {
        const chunks = [];
        data.on('data', (chunk) => chunks.push(toBuffer(chunk)));
        data.on('end', () => finish(status, headers, Buffer.concat(chunks)));
        data.on('error', (error) => failed(error, false));
        return;
      }
      finish(status, headers, toBuffer(data));
    },
  };
}

// An error thrown outside the handler's own stack (a timer, a stream) ends the process, as on FC:
// the sandbox then answers "Process exited unexpectedly".
process.on('uncaughtException', (error) => {
  log(Buffer.from(`${new Date().toISOString()} ${currentRequestId} [error] Uncaught ${util.inspect(error)}\n`, 'utf8'));
  channel.end(() => process.exit(129));
});
process.on('unhandledRejection', (error) => {
  if (active) active.fail(error, false);
});

// A host may be started ahead of need, as a spare with an empty environment, and bound to a
// function when one needs a new instance: its working copy becomes the cwd and the function's
// variables the whole environment (nothing of the spare's stays).
function bind(header) {
  process.chdir(header.cwd);
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, header.env);
  // Node.js reads NODE_PATH once, at start-up, when the spare had none: read it again, so modules
  // in the function's layers (and its own NODE_PATH) are found.
  require('node:module')._initPaths();
  if (header.promiseAnswers !== undefined) options.promiseAnswers = header.promiseAnswers;
}

let pending = Buffer.alloc(0);
channel.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 8) {
    const headLength = pending.readUInt32LE(0);
    const bodyLength = pending.readUInt32LE(4);
    if (pending.length < 8 + headLength + bodyLength) break;
    const header = JSON.parse(pending.subarray(8, 8 + headLength).toString('utf8'));
    const body = Buffer.from(pending.subarray(8 + headLength, 8 + headLength + bodyLength));
    pending = pending.subarray(8 + headLength + bodyLength);
    if (header.type === 'bind') bind(header);
    else run(header, body);
  }
});
// The sandbox went away (stopped, or killed): nothing is left to answer to.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
send({ type: 'ready', version: process.version });
