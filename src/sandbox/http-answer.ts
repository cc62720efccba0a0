// Writing the sandbox's HTTP answers (FC's JSON, or raw bytes) and reading what a request says
// about where it came from and what it asks for.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { errorBody, type SandboxError } from './errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (text) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(text));
  }
  res.end(text);
}

/** A raw answer (an invocation's result): the bytes as they are, with the API's headers. */
export function sendRaw(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

export function sendError(res: ServerResponse, error: SandboxError): void {
  sendJson(res, error.status, errorBody(error), error.headers);
}

/**
 * The base URL this client used to reach us, so URLs we answer work from where it stands (a sandbox
 * bound to 0.0.0.0 is reached by some other name). Only a Host with a port is trusted: the official
 * SDK sends the bare host name, which would lose the port.
 */
export function baseUrlOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/.test(host) ? `http://${host}` : fallback;
}

export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return q < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1)) };
}
