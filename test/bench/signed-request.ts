// One signed request to an FC-compatible endpoint (fcw serve), for the benchmarks that time the
// sandbox itself: node:http, no retries, nothing between the bench and the server but the socket.
import http from 'node:http';
import { authorizationHeader } from '../../src/fc/sign.js';

export interface SignedEndpoint {
  url: string;
  keyId: string;
  secret: string;
  /** False sends no Authorization (the reference server takes anything). Default true. */
  signed?: boolean;
}

export interface Reply {
  status: number;
  text: string;
}

export function signedRequest(
  ep: SignedEndpoint,
  method: string,
  target: string,
  body?: string | Buffer,
  extra: Record<string, string> = {},
  agent?: http.Agent,
): Promise<Reply> {
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...extra };
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (ep.signed !== false) {
    headers.authorization = authorizationHeader(
      { accessKeyId: ep.keyId, accessKeySecret: ep.secret },
      { method, path: target.split('?')[0] ?? target, headers },
    );
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${ep.url}${target}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The reply's text when the call succeeded (200 or 204); else an error naming `what`. */
export async function expectOk(reply: Promise<Reply>, what: string): Promise<string> {
  const res = await reply;
  if (res.status !== 200 && res.status !== 204) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.text;
}
