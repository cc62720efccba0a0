// `fcw serve`: the local sandbox as a foreground process. Prints where it listens, the account
// id, the key id and WHERE the secret is (never the secret), plus how to point fcw and the
// official SDK at it; logs one line per request on stderr; stops cleanly on Ctrl-C or SIGTERM.
//
// Exit codes: 0 after Ctrl-C / SIGTERM (stopping a server is its normal end, not a cancelled
// task); 2 for bad flags (a --host that is no address of this machine too), a non-loopback --host
// without an explicit key pair, or a data directory that cannot be created or written; 1 when it
// cannot start otherwise (port in use).

import { isIP } from 'node:net';

import type { Io } from '../cli/io.js';
import { EXIT, EXIT_TERMINATED, FailedError, UsageError } from '../core/errors.js';
import { parseCommandArgs } from '../cli/global-options.js';
import { sandboxDataDir } from '../core/config-dir.js';
import { FETCH_BLOCKED_PORTS } from '../fc/blocked-ports.js';
import { ACCOUNT_ID } from '../fc/endpoint.js';
import type { Credentials } from '../fc/types.js';
import { credentialsPath, startSandbox, type RunningSandbox } from '../sandbox/index.js';

import { DEFAULT_SANDBOX_PORT } from '../sandbox/default-port.js';

export { DEFAULT_SANDBOX_PORT };
export const SECRET_ENV = 'FCW_SANDBOX_SECRET';

export const SERVE_HELP = `fcw serve: the local sandbox, an FC 2.0 compatible endpoint

Usage
  fcw serve [--port N] [--host ADDR] [--data DIR] [--account-id ID] [--access-key-id ID]

Flags
  --port N             port to listen on (default ${DEFAULT_SANDBOX_PORT}; 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1). Anything but loopback needs
                       --access-key-id and ${SECRET_ENV}
  --data DIR           where services, functions and code zips are kept
                       (default: the sandbox directory under fcw's config directory, FCW_CONFIG_DIR honoured)
  --account-id ID      the account id the sandbox answers to (default: one created once and kept in DIR)
  --access-key-id ID   use this key id, with the secret from the environment variable ${SECRET_ENV}
                       (default: a key pair created once and kept in DIR/credentials.json, mode 0600)
  --json               print the connection details as one JSON object (no secret)

The sandbox checks signatures, fields, checksums and zips like Function Compute and keeps what it
is given on disk. It runs functions on InvokeFunction with the local interpreters: Node.js, Python 3
and custom runtimes (bootstrap on caPort); other runtimes answer 501. Each function instance is a
process in a working copy of the code, kept warm and ended when idle or when the sandbox stops.
HTTP triggers run at /2016-08-15/proxy/...; timer triggers fire on their schedule while it runs
(each firing is a line in the log); other event sources are stored, not fired.
Ctrl-C or SIGTERM stops it, and every instance (exit 0).
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'access-key-id': { type: 'string' },
} as const;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

const HOST_HINT = 'Use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address this machine has.';
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * The address to bind: an IP address (an IPv6 one also in brackets, as URLs write it and as this
 * command prints it) or a host name. Checked before the key-pair rule, so a typo is named as one
 * rather than taken for a public address.
 */
export function parseHost(value: string | undefined): string {
  if (value === undefined) return '127.0.0.1';
  if (/^\[.*\]$/.test(value) && isIP(value.slice(1, -1)) === 6) return value.slice(1, -1);
  if (isIP(value)) return value;
  if (/^[\d.]+$/.test(value))
    throw new UsageError(`--host must be an IP address or a host name; '${value}' is not an IPv4 address.`, HOST_HINT);
  if (!HOST_NAME.test(value))
    throw new UsageError(`--host must be an IP address or a host name, got '${value}'.`, HOST_HINT);
  return value;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SANDBOX_PORT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, got '${value}'.`,
      'Use --port 0 to pick any free port.',
    );
  }
  const port = Number(value);
  if (FETCH_BLOCKED_PORTS.has(port)) {
    throw new UsageError(
      `--port ${port} is one of the ports web clients refuse to connect to (the Fetch standard's blocked ports): fcw deploy and the wizard could not reach the sandbox there.`,
      `Pick another port, e.g. --port ${DEFAULT_SANDBOX_PORT}, or --port 0 for any free one.`,
    );
  }
  return port;
}

/** Single quotes for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function describe(sandbox: RunningSandbox, secretWhere: string, secretFile: string | undefined): string {
  const { url, accountId, credentials } = sandbox;
  const secretCommand = secretFile
    ? `"$(node -p 'require(${JSON.stringify(secretFile).replace(/'/g, `'\\''`)}).accessKeySecret')"`
    : `"$${SECRET_ENV}"`;
  const exports = `  export ALIBABA_CLOUD_ACCESS_KEY_ID=${shellQuote(credentials.accessKeyId)}
  export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${secretCommand}
`;
  // fcw asks a loopback sandbox which key id it expects (/sandbox-info) and reads a key kept in a
  // data directory by itself, wherever --data put it (also when bound to a non-loopback --host, an
  // explicit key is needed, so there is no key file to read).
  const fcwKey = secretFile
    ? "Point fcw at it (fcw reads this sandbox's key from its data directory):\n"
    : `Point fcw at it (export the key, then name it with --credentials env, or pick it in the wizard):\n${exports}`;
  const named = secretFile ? '' : ' --credentials env';
  return `fcw sandbox listening: an FC 2.0 compatible endpoint (stores and runs functions)

  endpoint     ${url}
  account id   ${accountId}
  key id       ${credentials.accessKeyId}
  secret       ${secretWhere}
  data         ${sandbox.dataDir}

${fcwKey}  fcw --endpoint ${url} --account-id ${accountId}
  fcw deploy --endpoint ${url} --account-id ${accountId}${named} --service demo --create-service --function hello ...
  fcw invoke --endpoint ${url} --account-id ${accountId}${named} --service demo --function hello --event '{}'

Or the official SDK (npm @alicloud/fc2), with the key exported:
${secretFile ? exports : ''}  const FC = require('@alicloud/fc2');
  const client = new FC('${accountId}', { accessKeyID: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, region: 'cn-hangzhou', endpoint: '${url}' });

Ctrl-C stops it.
`;
}

/** Why the file system refused the data directory, in words; undefined for other failures. */
const DATA_DIR_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'a folder on the way does not exist (a broken symbolic link?)',
  ELOOP: 'a symbolic link on the way loops',
};

/**
 * A data directory that cannot be created or written is the user's to fix (exit 2): which path,
 * why, and what to give instead. A refused listen (a port below 1024) is no data problem.
 */
function dataDirProblem(error: NodeJS.ErrnoException, dataDir: string, fromFlag: boolean): UsageError | undefined {
  const reason = error.code && DATA_DIR_REASONS[error.code];
  if (!reason || error.syscall === 'listen' || error.syscall === 'bind') return undefined;
  const at = error.path && error.path !== dataDir ? ` at ${error.path}` : '';
  return new UsageError(
    `${fromFlag ? '--data' : 'the sandbox data directory'} ${dataDir} cannot be created or written: ` +
      `${reason}${at} (${error.code}).`,
    fromFlag
      ? 'Give --data a folder you can write, or a path that does not exist yet inside one (fcw serve creates it).'
      : 'Fix the owner or mode of that folder, or give a folder you can write with --data DIR.',
  );
}

function ignoreOutputError(): void {
  // Nothing to do: there is no one left to tell, and the sandbox keeps serving.
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', args, OPTIONS, false);
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`fcw serve takes no arguments, got '${positionals[0]}'.`, 'Run `fcw serve --help`.');
  // The log is best effort: when whatever reads our output goes away (`fcw serve | head`, a closed
  // log pipe), a write fails with EPIPE, and an unhandled stream error would stop the sandbox.
  for (const stream of [io.stdout, io.stderr]) stream.on?.('error', ignoreOutputError);

  const settings = serveSettings(values, io.env);
  const sandbox = await start(settings, io);
  printConnection(sandbox, settings.credentials, values.json === true, io);
  await untilStopped(sandbox, io);
  io.stderr.write('fcw serve: stopped.\n');
  return EXIT.ok;
}

/** Where and as whom the sandbox listens, from the flags; every rule a flag can break is checked here. */
interface ServeSettings {
  port: number;
  host: string;
  dataDir: string;
  /** The data directory came from --data (the messages name the flag). */
  dataFromFlag: boolean;
  accountId: string | undefined;
  /** The explicit key pair; undefined: the one kept in the data directory. */
  credentials: Credentials | undefined;
}

function serveSettings(
  values: { port?: string; host?: string; data?: string; 'access-key-id'?: string; 'account-id'?: string },
  env: Io['env'],
): ServeSettings {
  const port = parsePort(values.port);
  const host = parseHost(values.host);
  const defaultDir = sandboxDataDir(env);
  const dataDir = values.data ?? defaultDir;
  const accountId = values['account-id'];
  if (accountId !== undefined && !ACCOUNT_ID.test(accountId)) {
    throw new UsageError(`--account-id must be the digits of an account id, got '${accountId}'.`);
  }
  const credentials = explicitCredentials(values['access-key-id'], env[SECRET_ENV]);
  if (!isLoopback(host) && !credentials) {
    throw new UsageError(
      `--host ${host} would let other machines reach the sandbox, so it needs an explicit key pair.`,
      `Set --access-key-id and the environment variable ${SECRET_ENV}, or bind to 127.0.0.1.`,
    );
  }
  return { port, host, dataDir, dataFromFlag: values.data !== undefined, accountId, credentials };
}

/** --access-key-id with the secret from the environment (never a flag), both or neither. */
function explicitCredentials(keyId: string | undefined, secret: string | undefined): Credentials | undefined {
  if (keyId === undefined && !secret) return undefined;
  if (keyId === undefined)
    throw new UsageError(
      `${SECRET_ENV} is set but --access-key-id is not.`,
      'Give both, or neither to use the key pair kept in the data directory.',
    );
  if (!secret)
    throw new UsageError(
      `--access-key-id needs the secret in the environment variable ${SECRET_ENV}.`,
      'The secret is never taken as a flag, so it stays out of shell history and process lists.',
    );
  if (!/^[\x21-\x7e]+$/.test(keyId)) throw new UsageError('--access-key-id must be printable ASCII without spaces.');
  return { accessKeyId: keyId, accessKeySecret: secret };
}

/** Starts the sandbox, or throws what stopped it in the user's terms. */
async function start(settings: ServeSettings, io: Io): Promise<RunningSandbox> {
  const { port, host, dataDir, accountId, credentials } = settings;
  try {
    return await startSandbox({
      port,
      host,
      dataDir,
      accountId,
      credentials,
      log: (line) => io.stderr.write(`${line}\n`),
      timers: true,
    });
  } catch (error) {
    throw startProblem(error as NodeJS.ErrnoException, settings);
  }
}

/** Why the sandbox could not start: a taken or absent address, a data directory in the way, or else. */
function startProblem(error: NodeJS.ErrnoException, { port, host, dataDir, dataFromFlag }: ServeSettings): Error {
  const code = error.code;
  if (code === 'EADDRINUSE')
    return new FailedError(
      `port ${port} on ${host} is already in use.`,
      'Pick another with --port N, or --port 0 for any free port.',
    );
  // A --host that names no address of this machine is the flag's fault: exit 2, as for a typo.
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UsageError(
      code === 'EADDRNOTAVAIL'
        ? `--host ${host} is not an address of this machine, so the sandbox cannot listen on it.`
        : `--host ${host} does not resolve to an address (${code}).`,
      HOST_HINT,
    );
  const dataProblem = dataDirProblem(error, dataDir, dataFromFlag);
  if (dataProblem) return dataProblem;
  if (code === 'EACCES' || code === 'EPERM')
    return new FailedError(
      `not allowed to listen on ${host}:${port} or to write ${dataDir} (${code}).`,
      'Use a port above 1023, or --data DIR somewhere writable.',
    );
  // A file where the data directory (or one of its parents) should be is the user's to fix.
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new UsageError(
      `${dataFromFlag ? '--data' : 'the sandbox data directory'} ${dataDir} is not a directory: ` +
        `a file is in the way (${code}).`,
      dataFromFlag
        ? 'Give a directory, or a path that does not exist yet (fcw serve creates it).'
        : 'Move that file, or give another place with --data DIR.',
    );
  }
  return new FailedError(`the sandbox could not start: ${error.message}`);
}

/** Where the sandbox listens and where its secret is (never the secret): as text, or one JSON object. */
function printConnection(sandbox: RunningSandbox, credentials: Credentials | undefined, json: boolean, io: Io): void {
  const secretFile = credentials ? undefined : credentialsPath(sandbox.dataDir);
  const secretWhere = secretFile
    ? `in ${secretFile} (mode 0600; not printed)`
    : `from the environment variable ${SECRET_ENV} (not printed)`;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        endpoint: sandbox.url,
        accountId: sandbox.accountId,
        accessKeyId: sandbox.credentials.accessKeyId,
        secretFile: secretFile ?? null,
        secretEnv: secretFile ? null : SECRET_ENV,
        dataDir: sandbox.dataDir,
      })}\n`,
    );
  } else {
    io.stdout.write(describe(sandbox, secretWhere, secretFile));
  }
}

/** Serves until Ctrl-C or SIGTERM, then closes the sandbox (and every instance it runs). */
function untilStopped(sandbox: RunningSandbox, io: Io): Promise<void> {
  return new Promise<void>((resolve) => {
    // A second signal while closing ends the process at once.
    const force = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? EXIT.cancelled : EXIT_TERMINATED);
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      io.stderr.write(`fcw serve: ${signal}, stopping…\n`);
      const done = () => {
        process.off('SIGINT', force);
        process.off('SIGTERM', force);
        resolve();
      };
      sandbox.close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
