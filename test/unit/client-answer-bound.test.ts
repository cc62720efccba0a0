// An answer larger than Function Compute ever sends (a server streaming without end) is not read
// whole: reading stops past the bound and the call fails, naming why. Never retried for invoke.
import { describe, expect, it } from 'vitest';

import { ANSWER_MAX_BYTES } from '../../src/fc/answer-body.js';
import { FcClient } from '../../src/fc/client.js';

const CHUNK = new Uint8Array(1024 * 1024).fill(0x61);

/** A fetch answering 200 with `total` bytes in 1 MB chunks, counting what was pulled. */
function streamingFetch(total: number, declareLength: boolean) {
  const pulled = { bytes: 0 };
  const fetch = async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.bytes >= total) return controller.close();
        pulled.bytes += CHUNK.byteLength;
        controller.enqueue(CHUNK);
      },
    });
    const headers: Record<string, string> = { 'x-fc-request-id': 'big' };
    if (declareLength) headers['content-length'] = String(total);
    return new Response(body, { status: 200, headers });
  };
  return { fetch: fetch as unknown as typeof globalThis.fetch, pulled };
}

function clientWith(fetch: typeof globalThis.fetch): FcClient {
  return new FcClient({
    endpoint: 'http://127.0.0.1:9',
    accountId: '1234567890',
    credentials: { accessKeyId: 'LTAIsandbox', accessKeySecret: 'sandbox-secret' },
    fetch,
  });
}

describe('an answer over the bound', () => {
  it('streamed: reading stops just past the bound and the invocation fails', async () => {
    const { fetch, pulled } = streamingFetch(ANSWER_MAX_BYTES + 8 * CHUNK.byteLength, false);
    const error = await clientWith(fetch)
      .invokeFunction('svc', 'fn', Buffer.from('{}'))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(/over 64 MB, more than Function Compute ever sends/);
    expect((error as { hint?: string }).hint).toMatch(/not Function Compute/);
    expect(pulled.bytes).toBeLessThanOrEqual(ANSWER_MAX_BYTES + 4 * CHUNK.byteLength);
  });

  it('declared by Content-Length: refused before reading', async () => {
    const { fetch, pulled } = streamingFetch(ANSWER_MAX_BYTES + CHUNK.byteLength, true);
    const error = await clientWith(fetch)
      .invokeFunction('svc', 'fn', Buffer.from('{}'))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(/over 64 MB/);
    expect(pulled.bytes).toBeLessThan(ANSWER_MAX_BYTES);
  });
});
