// A scriptable stand-in for FC in the client tests: a real node:http server on 127.0.0.1:0 that
// records every request, checks its Authorization with our own computeSignature (so the signing
// round trip is verified on every call), and answers what the test's route says: a status and a
// body, a slow answer, or a dropped connection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { computeSignature } from '../../src/fc/sign.js';
import type { Credentials } from '../../src/fc/types.js';

export interface Received {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Reply =
  | { status: number; json?: unknown; raw?: string | Buffer; headers?: Record<string, string> }
  /** Close the socket without answering. */
  | { drop: 'before-answer' }
  /** Send the status line, headers and part of the body, then close the socket. */
  | { drop: 'mid-answer'; status?: number }
  /** Never answer (the client's timeout or signal must end it). */
  | { hang: true };

export type Route = (req: Received, index: number) => Reply | Promise<Reply>;

export interface FakeFc {
  url: string;
  received: Received[];
  /** The request received n-th (from 0); fails the test when there is none. */
  request(n: number): Received;
  /** Requests whose signature did not verify. */
  badSignatures: number;
  setRoute(route: Route): void;
  close(): Promise<void>;
}

export const ACCOUNT_ID = '123456789012';

export const fcError = (status: number, code: string, message: string, requestId = `req-${code}`): Reply => ({
  status,
  json: { ErrorCode: code, ErrorMessage: message },
  headers: { 'x-fc-request-id': requestId },
});

export async function startFakeFc(
  credentials: Credentials,
  route: Route = () => ({ status: 200, json: {} }),
): Promise<FakeFc> {
  const received: Received[] = [];
  let current = route;
  const state = { badSignatures: 0 };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const rec: Received = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    received.push(rec);

    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const expected = `FC ${credentials.accessKeyId}:${computeSignature(credentials.accessKeySecret, {
      method: rec.method,
      path: rec.path,
      headers,
    })}`;
    if (req.headers.authorization !== expected) {
      state.badSignatures++;
      send(res, fcError(403, 'SignatureNotMatch', 'The request signature we calculated does not match.'));
      return;
    }
    send(res, await current(rec, received.length - 1));
  });

  function send(res: http.ServerResponse, reply: Reply): void {
    if ('hang' in reply) return;
    if ('drop' in reply) {
      if (reply.drop === 'before-answer') {
        res.socket?.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': '1000' });
      // Once the partial answer is handed to the socket, end it: the headers and these bytes reach
      // the client, then the connection closes 984 bytes short, in that order on every run.
      res.write('{"functionName":', () => res.socket?.end());
      return;
    }
    const body = reply.raw !== undefined ? reply.raw : reply.json !== undefined ? JSON.stringify(reply.json) : '';
    res.writeHead(reply.status, {
      ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}),
      'x-fc-request-id': `req-${received.length}`,
      ...reply.headers,
    });
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    request(n) {
      const req = received[n];
      if (!req) throw new Error(`the fake FC received ${received.length} requests, not ${n + 1}`);
      return req;
    },
    get badSignatures() {
      return state.badSignatures;
    },
    setRoute(next) {
      current = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
