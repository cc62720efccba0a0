// `fcw invoke` against what a user can get wrong: an event too large for an invocation (the
// service's hint must be about the event, not a code zip) and `--event -` typed at a terminal.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { UsageError } from '../../src/core/errors.js';
import { FcApiError, hintFor } from '../../src/fc/errors.js';
import { readEventFlag } from '../../src/invoke/event.js';

describe('EntityTooLarge on InvokeFunction', () => {
  it('hints at the event size, not at uploading a zip', () => {
    const error = new FcApiError('InvokeFunction', 400, 'EntityTooLarge', 'payload size exceeds maximum', 'r1');
    expect(error.hint).toMatch(/event/);
    expect(error.hint).not.toMatch(/zip|--oss-bucket/);
    // A deploy keeps the code hint.
    expect(hintFor('EntityTooLarge', 'CreateFunction')).toMatch(/zip/);
  });
});

describe('--event - from a terminal', () => {
  it('says it is reading the event and how to end it', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    const written: string[] = [];
    stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const reading = readEventFlag('-', stdin, '/', stderr);
    stdin.end('{"typed":1}\n');
    expect((await reading).toString()).toBe('{"typed":1}\n');
    expect(written.join('')).toMatch(/Ctrl-D/);
  });

  it('says nothing when the event is piped', async () => {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    const written: string[] = [];
    stderr.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const reading = readEventFlag('-', stdin, '/', stderr);
    stdin.end('x');
    expect((await reading).toString()).toBe('x');
    expect(written).toEqual([]);
  });
});

describe('keepsCloudKeysAway: every spelling of this machine over https', () => {
  it('0.0.0.0, [::], IPv4-mapped loopback and a trailing dot are this machine too', async () => {
    const { keepsCloudKeysAway } = await import('../../src/fc/endpoint.js');
    for (const url of [
      'https://0.0.0.0:9443',
      'https://0:9443',
      'https://[::]:9443',
      'https://[::ffff:127.0.0.1]:9443',
      'https://[::ffff:127.9.8.7]:9443',
      'https://localhost.:9443',
      'https://a.localhost.:9443',
    ]) {
      expect(keepsCloudKeysAway(url), url).toBe(true);
    }
    for (const url of ['https://[::ffff:10.0.0.5]:9443', 'https://fc.example.com.', 'https://[2001:db8::1]']) {
      expect(keepsCloudKeysAway(url), url).toBe(false);
    }
  });
});

describe('an event larger than any invocation takes', () => {
  it('from stdin: refused (exit 2) once past the largest event, without reading on', async () => {
    const { EVENT_MAX_BYTES } = await import('../../src/invoke/event.js');
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(chunk);
      },
    });
    const error = await readEventFlag('-', endless, '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/over 32 MB/);
    expect(pulled * chunk.length).toBeLessThan(EVENT_MAX_BYTES + 4 * chunk.length);
  });

  it('from @FILE: a file over the largest event is refused (exit 2)', async () => {
    const { EVENT_MAX_BYTES } = await import('../../src/invoke/event.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fcw-event-'));
    try {
      const file = path.join(dir, 'big.bin');
      writeFileSync(file, '');
      truncateSync(file, EVENT_MAX_BYTES + 1); // sparse: no disk used
      const error = await readEventFlag('@big.bin', new PassThrough(), dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/--event @big.bin: the event is over 32 MB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
