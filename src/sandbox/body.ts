// Reads a request body with a hard cap, so an oversized or endless upload cannot exhaust memory:
// a Content-Length above the cap is refused before a byte is read, and a chunked body is counted
// as it streams and refused the moment it passes the cap. A body sent with a Content-MD5 is
// hashed as it streams and refused when it does not match.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { CODE_INLINE_MAX_BYTES } from '../fc/limits.js';
import { checkContentMd5, contentMd5Header } from './auth.js';
import { entityTooLarge, invalidArgument, SandboxError } from './errors.js';

/**
 * The largest body the API accepts: a zip at FC's inline cap, base64-encoded (4 bytes per 3), plus
 * room for the JSON around it (environment variables are capped at 4 KB; 1 MB is ample).
 */
export const MAX_BODY_BYTES = Math.ceil(CODE_INLINE_MAX_BYTES / 3) * 4 + 1024 * 1024;

/** Thrown when the body went over the cap: the connection must be closed after answering. */
export class BodyTooLargeError extends SandboxError {
  /** `message` replaces the default one, which is about code zips (an invocation's event has its own cap). */
  constructor(maxBytes: number, message?: string) {
    const e = entityTooLarge(maxBytes);
    super(
      e.status,
      e.code,
      message ??
        `${e.message}; an inline code.zipFile may hold at most ${CODE_INLINE_MAX_BYTES} bytes of zip before ` +
          'base64 encoding. Larger packages go through OSS on Function Compute (the sandbox has no OSS)',
    );
  }
}

/**
 * Collects a body's chunks. With a Content-Length (which Node's parser holds the sender to) each
 * chunk is copied into one buffer of that size as it comes: no second copy of a large body at the
 * end, and no chunk list holding it meanwhile.
 */
class BodyBytes {
  private readonly chunks: Buffer[] = [];
  private readonly whole: Buffer | undefined;
  size = 0;

  constructor(declared: number | undefined) {
    this.whole = declared === undefined ? undefined : Buffer.allocUnsafe(declared);
  }

  /** Adds a chunk; returns the whole body's buffer while it is being filled in place. */
  add(chunk: Buffer): Buffer | undefined {
    const inPlace = this.whole && this.chunks.length === 0 && this.size + chunk.length <= this.whole.length;
    if (inPlace) chunk.copy(this.whole!, this.size);
    else this.chunks.push(chunk);
    this.size += chunk.length;
    return inPlace ? this.whole : undefined;
  }

  bytes(): Buffer {
    if (this.whole && this.chunks.length === 0) return this.whole.subarray(0, this.size);
    const head = this.whole ? [this.whole.subarray(0, this.size - sizeOf(this.chunks))] : [];
    return Buffer.concat([...head, ...this.chunks], this.size);
  }
}

function sizeOf(chunks: Buffer[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}

/**
 * `onProgress`, when given, sees a body of declared length as it fills in: the buffer (of the
 * final size) and how many of its bytes are in. It must not throw.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  onProgress?: (body: Buffer, filled: number) => void,
): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes));
  const length = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  const sentMd5 = contentMd5Header(req.headers);
  const hash = sentMd5 === undefined ? undefined : createHash('md5');
  return new Promise((resolve, reject) => {
    let body: BodyBytes | undefined = new BodyBytes(length);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) return reject(error);
      try {
        if (hash) checkContentMd5(sentMd5, hash.digest());
      } catch (mismatch) {
        return reject(mismatch);
      }
      resolve(body!.bytes());
    };
    const onData = (chunk: Buffer) => {
      if (body!.size + chunk.length > maxBytes) {
        body = undefined;
        req.pause();
        finish(new BodyTooLargeError(maxBytes));
        return;
      }
      const whole = body!.add(chunk);
      hash?.update(chunk);
      if (whole && onProgress) onProgress(whole, body!.size);
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    const onAborted = () => finish(new Error('client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Bounds how many large bodies are held in memory at once. A 100 MB zip costs several times its
 * size while it is read, decoded and checked (the body, the zip, the socket's chunks not yet
 * collected: the server's peak RSS rose by about 0.31 GB at the cap; a body that takes the plain
 * JSON.parse path costs more), so ten at once could exhaust memory. Past the limit a request is refused at once (503 with Retry-After)
 * rather than queued: a queued request sat unread until the idle timeout reset it, with no answer,
 * while slow uploads held every turn.
 */
export class BodyGate {
  private active = 0;

  constructor(private readonly limit: number) {}

  /** A turn, or undefined when all are taken; call the returned function once the body's memory is released. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.limit) return undefined;
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}

/** Bodies above this size (or of unknown size) need a turn from the gate. */
export const LARGE_BODY_BYTES = 8 * 1024 * 1024;
export const MAX_CONCURRENT_LARGE_BODIES = 2;

/** Parses a JSON object body; anything else is a 400 that says what was wrong. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw invalidArgument('the request body is empty; it must be a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw invalidArgument(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument('the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
