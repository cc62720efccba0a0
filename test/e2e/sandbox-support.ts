// Shared by the sandbox tests: a temp data directory, a started sandbox, and raw signed HTTP
// requests (node:http, so a test controls every header, the Date and the Content-Length).
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { authorizationHeader } from '../../src/fc/sign.js';
import type { Credentials } from '../../src/fc/types.js';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';
import { rejectionOf } from '../helpers/rejection.js';

/** A valid empty zip (22 bytes) and its CRC-64 (docs/fc-api-notes.md, "The empty zip"). */
export const EMPTY_ZIP_B64 = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';
export const EMPTY_ZIP_CRC = '2220831586920633690';

export async function tempDir(prefix = 'fcw-sandbox-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function withSandbox<T>(
  fn: (sandbox: RunningSandbox) => Promise<T>,
  options: Partial<StartSandboxOptions> = {},
): Promise<T> {
  const { dir, remove } = await tempDir();
  const sandbox = await startSandbox({ dataDir: dir, ...options });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
    await remove();
  }
}

const require = createRequire(import.meta.url);
/** The official FC 2.0 Node SDK; untyped, so tests call it as a user's script would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const FCClient = require('@alicloud/fc2') as new (accountId: string, config: Record<string, unknown>) => any;

/** An official SDK client pointed at the sandbox with the SDK's own `endpoint` option. */
export function sdkClient(
  sandbox: RunningSandbox,
  { secret = sandbox.credentials.accessKeySecret, keyId = sandbox.credentials.accessKeyId, timeoutMs = 10_000 } = {},
  accountId = sandbox.accountId,
) {
  return new FCClient(accountId, {
    accessKeyID: keyId,
    accessKeySecret: secret,
    region: 'cn-hangzhou',
    endpoint: sandbox.url,
    timeout: timeoutMs,
  });
}

/** The error an SDK call rejects with; fails the test when the call succeeds. */
export function sdkError(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return rejectionOf(promise, 'the SDK call succeeded');
}

export interface SdkSandbox {
  sandbox: RunningSandbox;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  client: any;
  /** The temp directory; the sandbox's data is in it (or in `dataSubdir` of it). */
  dir: string;
  /** Closes the sandbox and removes the temp directory. */
  close(): Promise<void>;
}

/**
 * A sandbox on a fresh temp directory and an SDK client for it: a test file's shared setup.
 * `dataSubdir` keeps the data apart when the test writes its own files into the temp directory.
 */
export async function openSdkSandbox(
  options: Partial<StartSandboxOptions> & { dataSubdir?: string; sdkTimeoutMs?: number } = {},
): Promise<SdkSandbox> {
  const { dataSubdir, sdkTimeoutMs, ...startOptions } = options;
  const { dir, remove } = await tempDir();
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox({
      dataDir: dataSubdir === undefined ? dir : path.join(dir, dataSubdir),
      ...startOptions,
    });
  } catch (error) {
    await remove();
    throw error;
  }
  const close = async () => {
    try {
      await sandbox.close();
    } finally {
      await remove();
    }
  };
  return { sandbox, client: sdkClient(sandbox, { timeoutMs: sdkTimeoutMs }), dir, close };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: Buffer;
  /** The parsed body; tests walk it field by field and a missing field fails its expectation. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface SignedRequest {
  method: string;
  /** Path after the host, query included; signed without the query. */
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Override what is signed / sent. */
  date?: string;
  credentials?: Credentials;
  accountId?: string;
  /** Send no Authorization / no Date header at all. */
  omit?: ('authorization' | 'date')[];
}

export function rawRequest(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${options.path}`,
      { method: options.method, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function signed(sandbox: RunningSandbox, request: SignedRequest): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    date: request.date ?? new Date().toUTCString(),
    'x-fc-account-id': request.accountId ?? sandbox.accountId,
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
    ...request.headers,
  };
  const signPath = request.path.split('?')[0] ?? request.path;
  headers.authorization = authorizationHeader(request.credentials ?? sandbox.credentials, {
    method: request.method,
    path: signPath,
    headers,
  });
  for (const name of request.omit ?? []) delete headers[name];
  return rawRequest(sandbox.url, { method: request.method, path: request.path, headers, body });
}

export const json = (value: unknown) => JSON.stringify(value);
