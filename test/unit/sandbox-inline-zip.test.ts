// parseJsonObjectWithZip: a code body read without making its base64 a string. Whatever the body,
// the object must be what JSON.parse gives (same values, same key order), with a standard-base64
// code.zipFile decoded into an InlineZip in its place; anything else takes the plain path, and an
// invalid body is the same 400 as parseJsonObject's.
import { describe, expect, it } from 'vitest';

import { parseJsonObject } from '../../src/sandbox/body.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { InlineZip, parseJsonObjectWithZip } from '../../src/sandbox/inline-zip.js';
import { findZipFileSpan } from '../../src/sandbox/zip-file-span.js';

/**
 * The parsed value with its InlineZip checked against the text JSON.parse gave for it (the same
 * bytes, the same length: the text may be valid but not canonical base64) and put back as that text.
 */
function plain(value: unknown, expected: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (!(v instanceof InlineZip)) return v;
      const text = zipFileOf(expected);
      expect(typeof text).toBe('string');
      expect(v.zip.equals(Buffer.from(text as string, 'base64'))).toBe(true);
      expect(v.base64Length).toBe((text as string).length);
      return text;
    }),
  );
}

/** Both parsers agree: the same object (key order included, through JSON.stringify) or the same 400. */
function agree(text: string): unknown {
  const body = Buffer.from(text, 'utf8');
  let expected: unknown;
  let expectedError: SandboxError | undefined;
  try {
    expected = parseJsonObject(body);
  } catch (error) {
    expectedError = error as SandboxError;
  }
  let got: unknown;
  try {
    got = parseJsonObjectWithZip(body);
  } catch (error) {
    expect(error, text.slice(0, 200)).toBeInstanceOf(SandboxError);
    expect(expectedError, text.slice(0, 200)).toBeDefined();
    expect((error as SandboxError).message).toBe(expectedError!.message);
    expect((error as SandboxError).status).toBe(400);
    return undefined;
  }
  expect(expectedError, text.slice(0, 200)).toBeUndefined();
  expect(JSON.stringify(plain(got, expected)), text.slice(0, 200)).toBe(JSON.stringify(expected));
  return got;
}

function zipFileOf(value: unknown): unknown {
  return ((value as Record<string, unknown>).code as Record<string, unknown> | null | undefined)?.zipFile;
}

const B64 = Buffer.from('PK\x05\x06 some zip bytes, whatever they are').toString('base64');

describe('findZipFileSpan and parseJsonObjectWithZip', () => {
  it('decodes code.zipFile wherever it sits, with any JSON whitespace (Python writes `"zipFile": "`)', () => {
    const bodies = [
      JSON.stringify({ functionName: 'f', code: { zipFile: B64 } }),
      JSON.stringify({ code: { zipFile: B64 }, functionName: 'f', n: [1, { a: '}' }] }),
      JSON.stringify({ a: 1, code: { x: ['"', '\\'], zipFile: B64, y: null }, b: 'é\u2028' }, null, 2),
      `{"functionName": "f", "code": {"zipFile": "${B64}"}}`, // json.dumps
      ` \t\r\n{ "code" :\n{ "zipFile"\t:\r"${B64}" } , "z" : -1.5e3 }\n `,
    ];
    for (const text of bodies) {
      const got = agree(text);
      expect(zipFileOf(got), text).toBeInstanceOf(InlineZip);
      expect((zipFileOf(got) as InlineZip).zip.toString('base64')).toBe(B64);
      expect((zipFileOf(got) as InlineZip).base64Length).toBe(B64.length);
      expect((zipFileOf(got) as InlineZip).standIn).toBe(B64.slice(0, 8));
    }
  });

  it('keeps the key order JSON.parse gives', () => {
    const got = agree(`{"b":1,"code":{"y":2,"zipFile":"${B64}","x":3},"a":4}`) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(['b', 'code', 'a']);
    expect(Object.keys(got.code as object)).toEqual(['y', 'zipFile', 'x']);
  });

  it('leaves to JSON.parse a key with an escape, a repeated key, or code not at the top', () => {
    const strings = [
      `{"code":{"zip\\u0046ile":"${B64}"}}`,
      `{"c\\u006fde":{"zipFile":"${B64}"}}`,
      `{"code":{"zipFile":"${B64}","zipFile":"UEsFBg=="}}`,
      `{"code":{"zipFile":"UEsFBg=="},"code":{"zipFile":"${B64}"}}`,
      `{"x":{"code":{"zipFile":"${B64}"}}}`,
      `{"code":[{"zipFile":"${B64}"}]}`,
      `{"code":{"zipFile":"${B64.slice(0, 8)}\\/${B64.slice(10)}"}}`, // an escaped slash
    ];
    for (const text of strings) {
      const got = agree(text);
      expect(JSON.stringify(got)).not.toContain('InlineZip');
      expect(findZipFileSpan(Buffer.from(text)), text).toBeUndefined();
    }
  });

  it('leaves alone a zipFile that is absent, null, empty, a number, or not standard base64', () => {
    for (const zipFile of [
      'null',
      '""',
      '42',
      '{}',
      'true',
      '"abc"',
      '"ab-_"',
      '"QQ==QQ=="',
      '"Q==="',
      '"UEsF BgAA"',
    ]) {
      const got = agree(`{"functionName":"f","code":{"zipFile":${zipFile}}}`);
      expect(zipFileOf(got)).not.toBeInstanceOf(InlineZip);
    }
    agree('{"functionName":"f","code":{}}');
    agree('{"functionName":"f"}');
    agree('{"code":null}');
    // Valid base64 with stray bits before its padding is accepted, as before.
    expect(zipFileOf(agree('{"code":{"zipFile":"QR=="}}'))).toBeInstanceOf(InlineZip);
  });

  it('answers invalid JSON anywhere with the same 400 as before', () => {
    const good = `{"a":"x","code":{"zipFile":"${B64}"},"b":[1,2]}`;
    for (let at = 0; at < good.length; at += 3) {
      for (const bad of ['', '"', '}', ',', '\\', '\n', 'x', '\u0001'])
        agree(good.slice(0, at) + bad + good.slice(at + 1));
    }
    for (const text of ['', ' ', '[]', '"s"', '1', 'null', '{', `{"code":{"zipFile":"${B64}"}} x`, '{"a":1,}'])
      agree(text);
  });

  it('agrees with JSON.parse on random bodies (fixed seed)', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const keys = ['code', 'zipFile', 'a', 'é', '"q"', 'back\\slash', '', 'code ', 'zipfile', '\u0000'];
    const scalar = (): unknown =>
      pick([() => B64, () => 'plain', () => '\u2028"\\', () => -0.5, () => 1e21, () => null, () => true])();
    const value = (depth: number): unknown => {
      if (depth > 3 || random() < 0.4) return scalar();
      if (random() < 0.3) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let i = 0, n = Math.floor(random() * 4); i < n; i++) out[pick(keys)] = value(depth + 1);
      if (random() < 0.5) out.zipFile = pick([B64, 'UEsFBg==', '', 7, null]);
      return out;
    };
    const spaced = (text: string) =>
      text.replace(/([{}[\],:])/g, (m) => (random() < 0.3 ? `${pick([' ', '\n', '\t', '\r\n  '])}${m} ` : m));
    let inline = 0;
    for (let i = 0; i < 3000; i++) {
      const body = value(0) as Record<string, unknown>;
      const top = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { v: body };
      if (random() < 0.7) top.code = value(1);
      const text = JSON.stringify(top, null, random() < 0.3 ? 2 : undefined);
      // Whitespace around structural characters outside strings only: a base64 value has none of them.
      const withSpace = /^[^"]*$/.test(text) || random() < 0.5 ? text : spaced(text);
      let parsed: unknown;
      try {
        parsed = JSON.parse(withSpace);
      } catch {
        parsed = undefined; // the spacing went into a string: still must agree (both plain)
      }
      const got = agree(parsed === undefined ? text : withSpace);
      if (zipFileOf(got) instanceof InlineZip) inline++;
    }
    expect(inline).toBeGreaterThan(100);
  });
});
