// The framing between the sandbox and a runtime host process (hosts/node-host.cjs, hosts/python-host.py)
// on one socket pair (the child's fd 3): each message is an 8-byte prefix (header length, body
// length, both unsigned 32-bit little endian), a JSON header, then the body bytes. The body carries
// events, results and log bytes as they are, so a binary event never passes through JSON or base64.

export interface Frame {
  header: Record<string, unknown>;
  body: Buffer;
}

const PREFIX_BYTES = 8;
/** A header is a few hundred bytes of JSON; anything near this is not one of ours. */
const MAX_HEADER_BYTES = 1024 * 1024;
/** Far above any event (6 MB) or answer a call has; a length past it is not one of ours either. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** Bytes on the channel that are not a frame (a function can write to the fd it inherited). */
export class FrameError extends Error {}

export function encodeFrame(header: Record<string, unknown>, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.writeUInt32LE(head.length, 0);
  prefix.writeUInt32LE(body.byteLength, 4);
  return Buffer.concat([prefix, head, body]);
}

/**
 * Collects bytes as they arrive and hands out every complete frame, in order. The chunks are
 * joined only once a whole frame (or a prefix) is there: joining them on every chunk made a 30 MB
 * answer, which arrives in about 500 chunks, copy 7 GB and block the sandbox for 5 s.
 */
export class FrameReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The size of the frame being collected, once its prefix is known. */
  #needed = PREFIX_BYTES;

  push(chunk: Buffer): Frame[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const frames: Frame[] = [];
    while (this.#pendingBytes >= this.#needed) {
      const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [data];
      const headLength = data.readUInt32LE(0);
      const bodyLength = data.readUInt32LE(4);
      if (headLength > MAX_HEADER_BYTES) throw new FrameError(`a frame header of ${headLength} bytes`);
      if (bodyLength > MAX_BODY_BYTES) throw new FrameError(`a frame body of ${bodyLength} bytes`);
      const total = PREFIX_BYTES + headLength + bodyLength;
      if (data.length < total) {
        this.#needed = total;
        break;
      }
      const header = parseHeader(data.subarray(PREFIX_BYTES, PREFIX_BYTES + headLength));
      // A copy: the body outlives this chunk, and a view would pin the whole chunk in memory.
      const body = Buffer.from(data.subarray(PREFIX_BYTES + headLength, total));
      frames.push({ header, body });
      const rest = data.subarray(total);
      this.#pending = rest.length > 0 ? [rest] : [];
      this.#pendingBytes = rest.length;
      this.#needed = PREFIX_BYTES;
    }
    return frames;
  }
}

function parseHeader(bytes: Buffer): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new FrameError('a frame header that is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new FrameError('a frame header that is not an object');
  }
  return header as Record<string, unknown>;
}
