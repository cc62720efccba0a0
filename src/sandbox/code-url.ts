// GetFunctionCode answers a URL anyone holding it can download the zip from, for a while, like
// the presigned OSS URL FC answers. Here the URL points back at the sandbox and carries an expiry
// and an HMAC of (service, function, code file, expiry) keyed with the sandbox's secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CODE_URL_PREFIX = '/sandbox-code/';
export const CODE_URL_TTL_S = 10 * 60;

function mac(secret: string, service: string, fn: string, codeFile: string, expires: number): string {
  return createHmac('sha256', secret).update(`code\n${service}\n${fn}\n${codeFile}\n${expires}`).digest('hex');
}

export function codeUrl(
  baseUrl: string,
  secret: string,
  service: string,
  fn: string,
  codeFile: string,
  nowMs: number,
): string {
  const expires = Math.floor(nowMs / 1000) + CODE_URL_TTL_S;
  const parts = [service, fn, codeFile].map(encodeURIComponent).join('/');
  return `${baseUrl}${CODE_URL_PREFIX}${parts}?expires=${expires}&signature=${mac(secret, service, fn, codeFile, expires)}`;
}

export interface CodeUrlParts {
  service: string;
  fn: string;
  codeFile: string;
}

/** The parts of a valid, unexpired code URL path + query, or a reason it is not one. */
export function verifyCodeUrl(
  secret: string,
  path: string,
  query: URLSearchParams,
  nowMs: number,
): CodeUrlParts | { error: string } {
  const notCodeUrl = { error: 'not a code download URL' };
  let segments: string[];
  try {
    segments = path.slice(CODE_URL_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return notCodeUrl;
  }
  const [service, fn, codeFile] = segments;
  if (segments.length !== 3 || service === undefined || fn === undefined || codeFile === undefined) return notCodeUrl;
  const expires = Number(query.get('expires'));
  const signature = query.get('signature') ?? '';
  const expected = mac(secret, service, fn, codeFile, expires);
  if (
    !Number.isInteger(expires) ||
    signature.length !== expected.length ||
    !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  ) {
    return { error: 'the code URL signature does not match' };
  }
  if (expires * 1000 < nowMs) return { error: 'the code URL has expired; call GetFunctionCode again' };
  return { service, fn, codeFile };
}
