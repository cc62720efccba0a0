// The sandbox's answers to what went wrong: a SandboxError in FC's JSON, anything else a 500 that
// names the request id (the stack goes to the log, never to the client), and malformed HTTP, which
// never reaches the handler, in FC's shape rather than Node's plain text.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import { BodyTooLargeError } from './body.js';
import { internalError, SandboxError } from './errors.js';
import { sendError } from './http-answer.js';
import { BodyRefusedError, discardRest } from './request-body.js';

/**
 * Answers a request whose handling threw. Never throws itself: when answering fails too (the
 * socket is gone), that must not escape as an unhandled rejection.
 */
export function answerFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  requestId: string,
  { maxBodyBytes, log }: { maxBodyBytes: number; log?: (line: string) => void },
): void {
  try {
    if (error instanceof BodyTooLargeError && !res.headersSent) {
      // The rest of the body is not read: close the connection once the answer is out.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
    }
    if (error instanceof BodyRefusedError && !res.headersSent) {
      res.on('finish', () => discardRest(req, maxBodyBytes));
    }
    if (error instanceof SandboxError) return sendError(res, error);
    // Whether the client is still there is told by the socket. Not by `req.destroyed`: Node sets
    // that as soon as the body has been read, so a failure after it (a full disk) went unanswered.
    if (res.destroyed || res.socket?.destroyed !== false) {
      log?.(`client gone ${requestId}: ${(error as Error)?.message ?? String(error)}`);
      return;
    }
    log?.(`internal error ${requestId}: ${(error as Error)?.stack ?? String(error)}`);
    if (res.headersSent)
      res.destroy(); // half an answer is out: cutting it is the only honest end
    else sendError(res, internalError(requestId));
  } catch {
    // Answering failed too (the socket is gone): never let it escape as an unhandled rejection.
    res.destroy();
  }
}

/** Node's 'clientError': a request that could not be parsed, or timed out before it was whole. */
export function answerMalformedHttp(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const [status, reason, code] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'RequestTimeout']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'InvalidArgument']
        : [400, 'Bad Request', 'InvalidArgument'];
  const body = JSON.stringify({
    ErrorCode: code,
    ErrorMessage: `malformed or incomplete HTTP request (${error.code ?? 'parse error'})`,
  });
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-fc-request-id: ${randomUUID()}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
