// The body gate of the sandbox's HTTP layer: a request's body is read only through these readers,
// which refuse a body over the cap before reading it and let only a few large bodies be held in
// memory at once (a large one more is answered 503 with Retry-After before a byte of it is read).
import type { IncomingMessage } from 'node:http';

import type { ApiRequest } from './api.js';
import {
  type BodyGate,
  BodyTooLargeError,
  LARGE_BODY_BYTES,
  MAX_CONCURRENT_LARGE_BODIES,
  parseJsonObject,
  readBody,
} from './body.js';
import { entityTooLarge, SandboxError, throttled } from './errors.js';
import { parseJsonObjectWithZip } from './inline-zip.js';
import { STREAM_FROM_BYTES, ZipFileStream } from './zip-file-stream.js';

export interface LargeBodyLimits {
  /** A body above this size (or of unknown size) needs one of the turns. */
  bytes: number;
  /** How many such bodies may be in memory at once; one more is answered 503 at once. */
  concurrent: number;
  /** The Retry-After of that 503, in seconds: about what a 100 MB upload takes on loopback. */
  retryAfterS: number;
}

export const LARGE_BODY_LIMITS: Readonly<LargeBodyLimits> = {
  bytes: LARGE_BODY_BYTES,
  concurrent: MAX_CONCURRENT_LARGE_BODIES,
  retryAfterS: 2,
};

/** An answer given before the body was read, to a body within the cap: see discardRest. */
export class BodyRefusedError extends SandboxError {
  constructor(error: SandboxError) {
    super(error.status, error.code, error.message, error.headers);
  }
}

/** How long the rest of a refused body is read and thrown away before the connection is cut. */
const REFUSED_BODY_LINGER_MS = 15_000;
const REFUSED_BODY_CHECK_MS = 50;

/**
 * Lets the rest of a body answered before it was read arrive, thrown away (Node discards the body
 * of a finished request as it parses it). A client still sending when the answer comes must be able
 * to finish and read it: closing at once reset the connection under its writes, and fcw saw "write
 * EPIPE" instead of a 503 it would have retried (3 deploys in 12). Bounded in time and in bytes
 * (counted on the socket, since no body events come for a discarded body), so a slow or endless
 * sender cannot keep the socket.
 */
export function discardRest(req: IncomingMessage, maxBytes: number): void {
  if (req.complete) return;
  const socket = req.socket;
  const start = socket.bytesRead;
  const until = Date.now() + REFUSED_BODY_LINGER_MS;
  const check = setInterval(() => {
    if (req.complete || socket.destroyed) return clearInterval(check);
    if (socket.bytesRead - start > maxBytes || Date.now() >= until) {
      clearInterval(check);
      socket.destroy();
    }
  }, REFUSED_BODY_CHECK_MS).unref();
  socket.once('close', () => clearInterval(check));
  req.resume();
}

export interface BodyLimits {
  /** The cap on any body. */
  maxBodyBytes: number;
  large: LargeBodyLimits;
  /** The turns for large bodies, shared by all requests of one server. */
  gate: BodyGate;
}

export interface BodyReaders extends Pick<ApiRequest, 'readJson' | 'readBytes'> {
  /** Gives back the large-body turn this request took, if any: call it once the request is handled. */
  release(): void;
}

/** The body readers of one request. */
export function bodyReaders(req: IncomingMessage, { maxBodyBytes, large, gate: largeBodies }: BodyLimits): BodyReaders {
  // A large body keeps its turn until the whole request is handled: its memory lives that long.
  let releaseTurn: (() => void) | undefined;
  const readJson = async (reading?: { inlineZip?: boolean }) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes); // refused without waiting for a turn
    if (!(declared <= large.bytes)) {
      releaseTurn = largeBodies.tryAcquire();
      // Answered before a byte of the body is held in memory; the rest is thrown away as it comes.
      if (!releaseTurn) {
        const busy =
          `${large.concurrent} large uploads (over ${large.bytes} bytes) are being handled already, ` +
          'the most held in memory at once';
        throw new BodyRefusedError(throttled(busy, large.retryAfterS));
      }
    }
    if (!reading?.inlineZip) return parseJsonObject(await readBody(req, maxBodyBytes));
    // A large code upload is decoded as it arrives, in the time spent waiting for the client.
    const stream = declared >= STREAM_FROM_BYTES ? new ZipFileStream() : undefined;
    const body = await readBody(req, maxBodyBytes, stream && ((whole, filled) => stream.feed(whole, filled)));
    return parseJsonObjectWithZip(body, stream);
  };
  const readBytes = async (max: number) => {
    try {
      return await readBody(req, max);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new BodyTooLargeError(max, entityTooLarge(max).message);
      throw error;
    }
  };
  return { readJson, readBytes, release: () => releaseTurn?.() };
}
