// Where the FC 2.0 API lives: the public or internal endpoint of an account and region, and the
// check that a given endpoint URL is usable (https for real FC hosts, any URL for a custom one).
import { ConfigError } from '../core/errors.js';

/** An Alibaba Cloud account id: the number shown top right in the console. */
export const ACCOUNT_ID = /^\d{1,32}$/;
const REGION = /^[a-z]{2}(?:-[a-z0-9]+)+$/;
/** Real FC hosts: `{accountId}.{region}[-internal].fc.aliyuncs.com`. */
const FC_HOST_SUFFIX = '.fc.aliyuncs.com';

/** `https://{accountId}.{region}.fc.aliyuncs.com` (or `{region}-internal` from inside Alibaba Cloud). */
export function cloudEndpoint(accountId: string, region: string, options: { internal?: boolean } = {}): string {
  if (!ACCOUNT_ID.test(accountId)) {
    throw new ConfigError(
      'accountId',
      `Account id "${accountId}" is not valid: it is the number shown top right in the Alibaba Cloud console.`,
    );
  }
  if (!REGION.test(region)) {
    throw new ConfigError('region', `Region "${region}" is not a region id (like cn-hangzhou or ap-southeast-1).`);
  }
  return `https://${accountId}.${region}${options.internal ? '-internal' : ''}${FC_HOST_SUFFIX}`;
}

/** This machine: 127.0.0.0/8, ::1, localhost names, the unspecified address, IPv4-mapped loopback. */
function isLoopback(hostname: string): boolean {
  // A trailing dot names the same host (`localhost.`); the URL parser already turned `127.1`,
  // `0x7f000001` and `[0:0:0:0:0:0:0:1]` into 127.0.0.1 and [::1].
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  // The unspecified address reaches this machine when connected to (0.0.0.0, [::]); an
  // IPv4-mapped IPv6 address is the IPv4 one ([::ffff:127.0.0.1] is written [::ffff:7f00:1]).
  if (host === '0.0.0.0' || host === '[::]' || host === '[::ffff:0:0]') return true;
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/**
 * Where a cloud key goes only when the user names its source: a loopback host, or any plain-http
 * URL. An FC 2.0 signature covers the method, headers and path but not the host, so whoever holds
 * that port (or reads that wire) could replay the requests against Function Compute for the 15
 * minutes the Date header stays valid.
 */
export function keepsCloudKeysAway(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === 'http:' || isLoopback(url.hostname);
}

/** True for a real Function Compute host, where only https is acceptable. */
export function isFcCloudHost(hostname: string): boolean {
  return hostname.toLowerCase().endsWith(FC_HOST_SUFFIX);
}

/**
 * Parses and checks an endpoint: http or https, no path, query or credentials in it; https when
 * it is a real FC host (credentials and code would otherwise cross the network in clear text).
 * Returns the origin, e.g. `http://127.0.0.1:9000`.
 */
export function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(
      'endpoint',
      `Endpoint "${endpoint}" is not a URL.`,
      'Give it as http://host:port or https://host.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('endpoint', `Endpoint "${endpoint}" must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ConfigError('endpoint', 'The endpoint URL must not contain a user name or password.');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ConfigError(
      'endpoint',
      `Endpoint "${url.origin}${url.pathname}" has a path: give only the scheme, host and port.`,
      'fcw adds the API path (/2016-08-15/...) itself.',
    );
  }
  if (isFcCloudHost(url.hostname) && url.protocol !== 'https:') {
    throw new ConfigError(
      'endpoint',
      `Endpoint ${url.origin} is a Function Compute host: it must use https.`,
      `Use https://${url.host}`,
    );
  }
  return url.origin;
}
