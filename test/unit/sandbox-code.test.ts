// The sandbox's handling of `code` and its records: sources, decoding, size cap, checksum, zip
// check; defaults, update merge, etags and If-Match.
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';

import { decodeZip, zipFileOf } from '../../src/sandbox/code.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { InlineZip } from '../../src/sandbox/inline-zip.js';
import {
  etagOf,
  fcTime,
  ifMatchAllows,
  newFunctionRecord,
  publicFunction,
  updatedFunctionRecord,
} from '../../src/sandbox/records.js';

const EMPTY_ZIP = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';

async function rejection(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe('zipFileOf', () => {
  it('returns the base64 text, or nothing when no code was given', () => {
    expect(zipFileOf({ zipFile: EMPTY_ZIP }, 'python3')).toBe(EMPTY_ZIP);
    expect(zipFileOf(undefined, 'python3')).toBeUndefined();
    expect(zipFileOf(null, 'custom-container')).toBeUndefined();
  });

  it('refuses OSS (no buckets), two sources, code for custom-container, and non-objects', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ ossBucketName: 'b', ossObjectName: 'o' }, 'python3', /no OSS buckets/],
      [{ zipFile: EMPTY_ZIP, ossBucketName: 'b', ossObjectName: 'o' }, 'python3', /not both/],
      [{ zipFile: EMPTY_ZIP }, 'custom-container', /custom-container/],
      ['UEsF', 'python3', /code must be an object/],
      [{ zipFile: 42 }, 'python3', /code\.zipFile must be a string/],
    ];
    for (const [code, runtime, message] of cases) {
      let error: unknown;
      try {
        zipFileOf(code, runtime);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(code)).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).status).toBe(400);
      expect((error as SandboxError).message).toMatch(message);
    }
  });
});

describe('decodeZip', () => {
  it('decodes, checksums and opens a zip; the header is optional', async () => {
    expect(await decodeZip(EMPTY_ZIP, '2220831586920633690')).toEqual({
      zip: Buffer.from(EMPTY_ZIP, 'base64'),
      checksum: '2220831586920633690',
    });
    expect((await decodeZip(EMPTY_ZIP, undefined)).checksum).toBe('2220831586920633690');
  });

  it('takes a zip decoded with the body (InlineZip) as is: its CRC-64, the size cap, the checks', async () => {
    const zip = Buffer.from(EMPTY_ZIP, 'base64');
    const inline = new InlineZip(zip, EMPTY_ZIP.length, EMPTY_ZIP.slice(0, 8), '2220831586920633690');
    expect(await decodeZip(inline, '2220831586920633690')).toEqual({ zip, checksum: '2220831586920633690' });
    expect(zipFileOf({ zipFile: inline }, 'python3')).toBe(inline);
    expect((await rejection(decodeZip(inline, '7'))).message).toContain("'2220831586920633690'");
    const tooBig = await rejection(decodeZip(inline, undefined, 10));
    expect([tooBig.status, tooBig.code]).toEqual([400, 'EntityTooLarge']);
    const notZip = new InlineZip(Buffer.from('PK but not a zip'), 24, 'UEsgYnV0');
    expect((await rejection(decodeZip(notZip, undefined))).message).toMatch(/not a zip archive that opens/);
  });

  it('answers a checksum mismatch with both values', async () => {
    const error = await rejection(decodeZip(EMPTY_ZIP, '7'));
    expect([error.status, error.code]).toEqual([400, 'InvalidArgument']);
    expect(error.message).toContain("'7'");
    expect(error.message).toContain("'2220831586920633690'");
  });

  it('caps the decoded size: 400 EntityTooLarge, computed before decoding', async () => {
    const z = new JSZip();
    z.file('a.txt', 'x'.repeat(1000), { compression: 'STORE' });
    const b64 = (await z.generateAsync({ type: 'nodebuffer' })).toString('base64');
    const error = await rejection(decodeZip(b64, undefined, 500));
    expect([error.status, error.code]).toEqual([400, 'EntityTooLarge']);
    expect(error.message).toContain('500');
    expect((await decodeZip(b64, undefined, 2000)).zip.length).toBeGreaterThan(1000);
  });

  it('refuses bad base64 and bytes that are not a zip', async () => {
    expect((await rejection(decodeZip('abc', undefined))).message).toContain('base64');
    expect((await rejection(decodeZip('ab!=', undefined))).message).toContain('base64');
    // Node's decoder skips characters outside the alphabet: they are still refused.
    expect(
      (await rejection(decodeZip(`${EMPTY_ZIP.slice(0, 8)}-_${EMPTY_ZIP.slice(10)}`, undefined))).message,
    ).toContain('base64');
    expect(
      (await rejection(decodeZip(`${EMPTY_ZIP.slice(0, 4)}=AAA${EMPTY_ZIP.slice(8)}`, undefined))).message,
    ).toContain('base64');
  });

  it('accepts valid base64 that is not canonical (stray bits before the padding)', async () => {
    const stray = `${EMPTY_ZIP.slice(0, -3)}B==`;
    expect(Buffer.from(stray, 'base64').toString('base64')).not.toBe(stray);
    expect((await decodeZip(stray, undefined)).checksum).toBe('2220831586920633690');
    expect(
      (await rejection(decodeZip(Buffer.from('PK not really a zip file at all').toString('base64'), undefined)))
        .message,
    ).toContain('zip');
  });
});

describe('records', () => {
  const now = Date.parse('2024-05-06T07:08:09.123Z');

  it('fills FC defaults, caPort only for custom runtimes, and never shows bookkeeping', () => {
    const record = newFunctionRecord(
      { functionName: 'f', runtime: 'python3', handler: 'index.handler' },
      { codeSize: 22, codeChecksum: '1', codeFile: 'f.x.zip' },
      now,
    );
    expect(record).toMatchObject({
      memorySize: 128,
      timeout: 60,
      initializationTimeout: 3,
      description: '',
      environmentVariables: {},
      createdTime: '2024-05-06T07:08:09Z',
    });
    expect(record).not.toHaveProperty('caPort');
    expect(publicFunction(record)).not.toHaveProperty('etag');
    expect(publicFunction(record)).not.toHaveProperty('codeFile');
    const custom = newFunctionRecord(
      { functionName: 'c', runtime: 'custom.debian10', handler: 'x' },
      { codeSize: 0 },
      now,
    );
    expect(custom.caPort).toBe(9000);
    const port = newFunctionRecord(
      { functionName: 'c', runtime: 'custom', handler: 'x', caPort: 8080 },
      { codeSize: 0 },
      now,
    );
    expect(port.caPort).toBe(8080);
  });

  it('merges an update: given fields replace, absent and null ones stay, the etag and time move', () => {
    const before = newFunctionRecord(
      { functionName: 'f', runtime: 'python3', handler: 'index.handler', memorySize: 512 },
      { codeSize: 1, codeChecksum: '1', codeFile: 'f.a.zip' },
      now,
    );
    const after = updatedFunctionRecord(
      before,
      { timeout: 30, description: null as unknown as string },
      undefined,
      now + 5000,
    );
    expect(after).toMatchObject({
      timeout: 30,
      memorySize: 512,
      description: '',
      codeFile: 'f.a.zip',
      createdTime: before.createdTime,
      lastModifiedTime: fcTime(now + 5000),
    });
    expect(after.functionId).toBe(before.functionId);
    expect(after.etag).not.toBe(before.etag);
    const recoded = updatedFunctionRecord(
      after,
      {},
      { codeSize: 9, codeChecksum: '9', codeFile: 'f.b.zip' },
      now + 6000,
    );
    expect(recoded).toMatchObject({ codeSize: 9, codeChecksum: '9', codeFile: 'f.b.zip' });
  });

  it('derives the etag from the content, not from the old etag', () => {
    expect(etagOf({ a: 1, etag: 'x' })).toBe(etagOf({ a: 1, etag: 'y' }));
    expect(etagOf({ a: 1 })).not.toBe(etagOf({ a: 2 }));
  });

  it('reads If-Match like HTTP: absent or * allow, quotes and W/ are ignored, lists are accepted', () => {
    expect(ifMatchAllows(undefined, 'abc')).toBe(true);
    expect(ifMatchAllows('*', 'abc')).toBe(true);
    expect(ifMatchAllows('abc', 'abc')).toBe(true);
    expect(ifMatchAllows('"abc"', 'abc')).toBe(true);
    expect(ifMatchAllows('W/"abc"', 'abc')).toBe(true);
    expect(ifMatchAllows('"x", "abc"', 'abc')).toBe(true);
    expect(ifMatchAllows('abd', 'abc')).toBe(false);
  });
});

describe('records across runtimes', () => {
  it('drops the zip when a function moves onto custom-container', () => {
    const now = Date.parse('2024-05-06T07:08:09Z');
    const before = newFunctionRecord(
      { functionName: 'f', runtime: 'custom', handler: 'x' },
      { codeSize: 5, codeChecksum: '5', codeFile: 'f.a.zip' },
      now,
    );
    const after = updatedFunctionRecord(
      before,
      { runtime: 'custom-container', customContainerConfig: { image: 'registry.cn-hangzhou.aliyuncs.com/a/b:1' } },
      undefined,
      now,
    );
    expect(after).toMatchObject({ runtime: 'custom-container', codeSize: 0, caPort: 9000 });
    expect(after).not.toHaveProperty('codeFile');
    expect(after).not.toHaveProperty('codeChecksum');
  });
});
