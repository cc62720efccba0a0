// The sandbox's request authentication: the FC signature recomputed over the request as received,
// with the same signer the client uses (fc/sign.ts), plus the Date window and the account header.
// Pure apart from the clock, which is passed in.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import { DATE_SKEW_MAX_MS } from '../fc/limits.js';
import { computeSignature } from '../fc/sign.js';
import type { Credentials } from '../fc/types.js';
import { claimedAccount } from './account.js';
import { invalidArgument, missingHeader, SandboxError } from './errors.js';

export interface AuthInput {
  method: string;
  /** The request path as sent, without the query string. */
  path: string;
  /** The path's query, only signed for `/proxy/` paths. */
  query?: Record<string, string>;
  headers: IncomingHttpHeaders;
  now: number;
  accountId: string;
  credentials: Credentials;
}

/** Node joins repeated headers with ', ' (and keeps arrays for a few): sign what a client would have. */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const signatureNotMatch = () =>
  new SandboxError(
    403,
    'SignatureNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your access key and signing method',
  );

/** Throws the error FC would answer, or returns when the request is authentic. */
export function authenticate(input: AuthInput): void {
  const headers = flatHeaders(input.headers);
  const authorization = headers.authorization;
  if (!authorization) throw missingHeader('Authorization');
  const date = headers.date;
  if (!date) throw missingHeader('Date');

  const [, keyId, signature] = /^FC ([^:\s]+):(\S+)$/.exec(authorization.trim()) ?? [];
  // Inferred: FC's answer to a malformed Authorization header is not documented; OSS answers 400 InvalidArgument.
  if (!keyId || !signature) {
    throw invalidArgument("the Authorization header must look like 'FC <AccessKeyId>:<Signature>'");
  }

  const sent = Date.parse(date);
  // Inferred code for a stale or unreadable Date: FC documents only that it allows 15 minutes of skew.
  if (Number.isNaN(sent))
    throw new SandboxError(403, 'AccessDenied', `the Date header '${date}' is not an RFC 1123 date`);
  if (Math.abs(input.now - sent) > DATE_SKEW_MAX_MS) {
    throw new SandboxError(
      403,
      'RequestTimeTooSkewed',
      `the Date header '${date}' is more than ${DATE_SKEW_MAX_MS / 60000} minutes away from the server's time (${new Date(input.now).toUTCString()}); check the client's clock`,
    );
  }

  if (keyId !== input.credentials.accessKeyId)
    throw new SandboxError(403, 'InvalidAccessKeyID', `invalid access key ID '${keyId}'`);

  const signs = (path: string) =>
    sameText(
      computeSignature(input.credentials.accessKeySecret, { method: input.method, path, headers, query: input.query }),
      signature,
    );
  // The official SDK signs the path before URL-encoding; a client that signs the encoded form is
  // accepted too. For FC's own name characters the two are the same string.
  let decoded = input.path;
  try {
    decoded = decodeURIComponent(input.path);
  } catch {
    // not decodable: only the raw form can match
  }
  if (!signs(input.path) && (decoded === input.path || !signs(decoded))) throw signatureNotMatch();

  if (
    input.credentials.securityToken !== undefined &&
    headers['x-fc-security-token'] !== input.credentials.securityToken
  ) {
    // Inferred code: an STS key with a wrong or missing token.
    throw new SandboxError(
      403,
      'InvalidSecurityToken',
      'the x-fc-security-token header does not match the STS credentials',
    );
  }

  // No claim at all (no header, a Host like 127.0.0.1:9420) means the sandbox's own account.
  const claim = claimedAccount(headers['x-fc-account-id'], headers.host);
  if (claim && claim.account !== input.accountId) {
    throw new SandboxError(
      403,
      'AccessDenied',
      `${claim.source} names account '${claim.account}', not this endpoint's account '${input.accountId}'`,
    );
  }
}

/** The request's `Content-MD5`, or undefined when it sent none. */
export function contentMd5Header(headers: IncomingHttpHeaders): string | undefined {
  return flatHeaders(headers)['content-md5'];
}

/**
 * Checks a body's MD5 `digest` against the `Content-MD5` it was `sent` with, when there was one
 * (the official Python SDK sends none, and that is fine). The header is signed, so this is what
 * keeps a captured request from being replayed with another body. Accepted: what the official
 * Node SDK and fcw send, base64 of the hex digest, and RFC 1864's base64 of the raw digest.
 */
export function checkContentMd5(sent: string | undefined, digest: Buffer): void {
  if (sent === undefined) return;
  const sdkForm = Buffer.from(digest.toString('hex'), 'utf8').toString('base64');
  const value = sent.trim();
  if (sameText(value, sdkForm) || sameText(value, digest.toString('base64'))) return;
  // Inferred: FC does not document its answer to a wrong Content-MD5; OSS answers 400 InvalidDigest.
  throw invalidArgument(
    `the Content-MD5 header '${sent}' does not match the body: its MD5 is '${sdkForm}' ` +
      '(base64 of the hex digest, as the official SDK sends it)',
  );
}
