// The body reader's cap and the gate that bounds how many large bodies are in memory at once.
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';

import { BodyGate, BodyTooLargeError, MAX_BODY_BYTES, parseJsonObject, readBody } from '../../src/sandbox/body.js';
import { CODE_INLINE_MAX_BYTES } from '../../src/fc/limits.js';
import { SandboxError } from '../../src/sandbox/errors.js';

function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}

describe('readBody', () => {
  it('reads a body under the cap', async () => {
    const req = fakeRequest();
    const body = readBody(req as unknown as IncomingMessage, 10);
    req.end('{"a":1}');
    expect((await body).toString()).toBe('{"a":1}');
  });

  it('gathers a body of declared length from many chunks, and one that ends short of it', async () => {
    const text = 'x'.repeat(1000) + 'é'.repeat(500) + 'end';
    const whole = Buffer.from(text);
    const req = fakeRequest({ 'content-length': String(whole.length) });
    const seen: number[] = [];
    const body = readBody(req as unknown as IncomingMessage, 1 << 20, (buffer, filled) => {
      expect(buffer.length).toBe(whole.length);
      expect(buffer.subarray(0, filled).equals(whole.subarray(0, filled))).toBe(true);
      seen.push(filled);
    });
    for (let at = 0; at < whole.length; at += 7) req.write(whole.subarray(at, at + 7));
    req.end();
    expect((await body).equals(whole)).toBe(true);
    expect(seen.at(-1)).toBe(whole.length); // told of each chunk as it was copied in
    expect(seen.length).toBe(Math.ceil(whole.length / 7));
    const short = fakeRequest({ 'content-length': '10' });
    const shortBody = readBody(short as unknown as IncomingMessage, 100);
    short.end('abc');
    expect((await shortBody).toString()).toBe('abc');
  });

  it('refuses a declared length over the cap without reading, and a streamed one at the cap', async () => {
    await expect(
      readBody(fakeRequest({ 'content-length': '11' }) as unknown as IncomingMessage, 10),
    ).rejects.toBeInstanceOf(BodyTooLargeError);
    const req = fakeRequest();
    const body = readBody(req as unknown as IncomingMessage, 10);
    req.write('123456');
    req.write('789012');
    const error = await body.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as SandboxError).code).toBe('EntityTooLarge');
    expect((error as SandboxError).status).toBe(400);
  });

  it('caps bodies at a 100 MB zip in base64 plus room for the JSON', () => {
    expect(MAX_BODY_BYTES).toBeGreaterThan((CODE_INLINE_MAX_BYTES * 4) / 3);
    expect(MAX_BODY_BYTES).toBeLessThan((CODE_INLINE_MAX_BYTES * 4) / 3 + 2 * 1024 * 1024);
  });

  it('parses only JSON objects', () => {
    expect(parseJsonObject(Buffer.from('{"x":1}'))).toEqual({ x: 1 });
    for (const bad of ['', '[]', 'null', '{', '3'])
      expect(() => parseJsonObject(Buffer.from(bad))).toThrow(SandboxError);
  });
});

describe('BodyGate', () => {
  it('lets `limit` holders in at once, refuses the next at once, and ignores a double release', () => {
    const gate = new BodyGate(2);
    const a = gate.tryAcquire()!;
    const b = gate.tryAcquire()!;
    expect(a).toBeTypeOf('function');
    expect(b).toBeTypeOf('function');
    expect(gate.tryAcquire()).toBeUndefined(); // no queue: the caller answers 503
    a();
    a(); // a second call must not free another turn
    const c = gate.tryAcquire()!;
    expect(c).toBeTypeOf('function');
    expect(gate.tryAcquire()).toBeUndefined();
    b();
    c();
    // Both turns free again.
    const d = gate.tryAcquire();
    const e = gate.tryAcquire();
    expect([d, e].every((release) => typeof release === 'function')).toBe(true);
  });
});
