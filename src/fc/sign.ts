// The FC 2.0 request signature (docs/fc-api-notes.md, "Request signing"). Pure: no clock, no I/O.
// The client signs with it, and the sandbox verifies incoming requests with the same function,
// so a request the sandbox accepts is one the real service would accept too.
import { createHmac } from 'node:crypto';

import { API_VERSION } from './limits.js';
import type { Credentials } from './types.js';

export interface SignInput {
  method: string;
  /** The path as sent, with the `/2016-08-15` prefix, without the query string. */
  path: string;
  /** Header names in any case; an undefined value counts as not sent. */
  headers: Record<string, string | undefined>;
  /** Only enters the signature for `/proxy/` paths (HTTP-triggered functions); fcw does not use those. */
  query?: Record<string, string>;
}

const FC_HEADER_PREFIX = 'x-fc-';
const PROXY_PREFIX = `/${API_VERSION}/proxy/`;

/** The value of a header by case-insensitive name, or '' when it was not sent. */
function headerValue(headers: SignInput['headers'], name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && key.trim().toLowerCase() === name) return value;
  }
  return '';
}

/** Every `x-fc-*` header, lower-cased and sorted, each as `name:value\n`. */
function canonicalHeaders(headers: SignInput['headers']): string {
  const fc = new Map<string, string>();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = key.trim().toLowerCase();
    if (lower.startsWith(FC_HEADER_PREFIX)) fc.set(lower, value);
  }
  // Plain code-unit order, as the official SDK's Array.prototype.sort() does (not localeCompare).
  const names = [...fc.keys()].sort();
  return names.map((name) => `${name}:${fc.get(name)}\n`).join('');
}

/** The path, plus sorted `key=value` lines of the query for `/proxy/` paths only. */
function canonicalResource(input: SignInput): string {
  if (!input.path.startsWith(PROXY_PREFIX)) return input.path;
  const params = Object.entries(input.query ?? {}).map(([key, value]) => `${key}=${value}`);
  params.sort();
  return `${input.path}\n${params.join('\n')}`;
}

/** METHOD \n Content-MD5 \n Content-Type \n Date \n CanonicalHeaders CanonicalResource */
export function buildStringToSign(input: SignInput): string {
  const { headers } = input;
  return [
    // The method exactly as sent (the SDK does not normalise it; fcw always sends upper case).
    input.method,
    headerValue(headers, 'content-md5'),
    headerValue(headers, 'content-type'),
    headerValue(headers, 'date'),
    canonicalHeaders(headers) + canonicalResource(input),
  ].join('\n');
}

/** base64(HMAC-SHA256(key = accessKeySecret, msg = StringToSign)). */
export function computeSignature(accessKeySecret: string, input: SignInput): string {
  return createHmac('sha256', accessKeySecret).update(buildStringToSign(input), 'utf8').digest('base64');
}

/** The `Authorization` header value: `FC {accessKeyId}:{signature}`. */
export function authorizationHeader(
  credentials: Pick<Credentials, 'accessKeyId' | 'accessKeySecret'>,
  input: SignInput,
): string {
  return `FC ${credentials.accessKeyId}:${computeSignature(credentials.accessKeySecret, input)}`;
}
