// The sandbox checks Content-MD5 where it reads a body (readBody), so every body is covered: JSON
// for the API and raw bytes alike. The digest is taken as the chunks stream in.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { readBody } from '../../src/sandbox/body.js';
import { SandboxError } from '../../src/sandbox/errors.js';

const sdkMd5 = (body: string) => Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64');

/** Sends `parts` one write each, as a client streaming its body would. */
function read(parts: string[], headers: Record<string, string>): Promise<Buffer> {
  const req = Object.assign(new PassThrough(), { headers });
  const body = readBody(req as unknown as IncomingMessage, 1024);
  for (const part of parts) req.write(part);
  req.end();
  return body;
}

describe('readBody and Content-MD5', () => {
  const parts = ['raw ', 'bytes, not JSON, ', 'in three writes'];
  const whole = parts.join('');

  it('accepts a body whose streamed digest matches, in the SDK form and in RFC 1864 form', async () => {
    expect((await read(parts, { 'content-md5': sdkMd5(whole) })).toString()).toBe(whole);
    const rfc = createHash('md5').update(whole).digest('base64');
    expect((await read(parts, { 'content-md5': rfc })).toString()).toBe(whole);
  });

  it('refuses one that does not match: 400 InvalidArgument naming Content-MD5', async () => {
    const error = await read(parts, { 'content-md5': sdkMd5('another body') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect((error as Error).message).toMatch(/^the Content-MD5 header '[^']+' does not match the body/);
  });

  it('reads a body without the header as before', async () => {
    expect((await read(parts, {})).toString()).toBe(whole);
  });
});
