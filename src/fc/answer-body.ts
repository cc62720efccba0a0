// Reading a service's answer with a bound. Function Compute's largest answer is an invocation's
// result (6 MB, 32 MB by its current pages); a server that streams without end (a broken proxy, a
// hostile process on a loopback port) made `fcw invoke` hold 4.8 GB after 15 s when the answer
// was read whole. Past the bound, reading stops and the attempt fails.

/** Twice the largest answer Function Compute documents. */
export const ANSWER_MAX_BYTES = 64 * 1024 * 1024;

/** The code of the error thrown past the bound (what the client's network-error path reads). */
export const ANSWER_TOO_LARGE = 'ANSWER_TOO_LARGE';

export async function readAnswerBody(response: Response, maxBytes: number = ANSWER_MAX_BYTES): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) tooLarge(response, maxBytes);
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let bytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      tooLarge(response, maxBytes);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, bytes);
}

function tooLarge(response: Response, maxBytes: number): never {
  void response.body?.cancel().catch(() => undefined);
  throw Object.assign(
    new Error(
      `the answer is over ${maxBytes / 1024 / 1024} MB, more than Function Compute ever sends; reading stopped`,
    ),
    { code: ANSWER_TOO_LARGE },
  );
}
