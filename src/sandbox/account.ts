// Which account a request speaks for. Real FC reads it from the host name
// (`{accountId}.{region}.fc.aliyuncs.com`, or `{region}-internal`), and clients such as the official
// Python SDK send no `x-fc-account-id` at all. The sandbox takes, in order: the header, an account
// in a Host of that form, else its own single account (a client pointed at 127.0.0.1 names none).

const FC_HOST = /^([0-9A-Za-z_-]+)\.[a-z0-9-]+\.fc\.aliyuncs\.com(?::\d{1,5})?$/i;

/** The account id a Host header names, or undefined when the host is not an FC endpoint name. */
export function accountFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return FC_HOST.exec(host.trim())?.[1];
}

/** The account the request claims and where the claim came from (for the error message). */
export function claimedAccount(
  header: string | undefined,
  host: string | undefined,
): { account: string; source: 'x-fc-account-id' | 'Host' } | undefined {
  if (header) return { account: header, source: 'x-fc-account-id' };
  const fromHost = accountFromHost(host);
  return fromHost === undefined ? undefined : { account: fromHost, source: 'Host' };
}
