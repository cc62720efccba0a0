// Code uploads over real HTTP as clients other than fcw write them: JSON with Python's spacing
// (`"zipFile": "…"`), keys in any order, an escaped key, no x-fc-account-id and no Content-MD5;
// zips from Info-ZIP (with a comment, and ZIP64), Python's zipfile and JSZip. Each stored zip is
// read back byte for byte; broken zips and checksums get the same 400s as ever.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeSignature } from '../../src/fc/sign.js';
import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { rawRequest, tempDir, type RawResponse } from './sandbox-support.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/zips');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const V = '/2016-08-15';

let sandbox: RunningSandbox;
let removeDir: () => Promise<void>;

/** A request signed as the Python SDK signs it: no account header, no Content-MD5; the body as given. */
function send(method: string, target: string, text?: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  const body = text === undefined ? undefined : Buffer.from(text);
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
    ...extra,
  };
  const signature = computeSignature(sandbox.credentials.accessKeySecret, { method, path: target, headers });
  headers.authorization = `FC ${sandbox.credentials.accessKeyId}:${signature}`;
  return rawRequest(sandbox.url, { method, path: target, headers, body });
}

/** The zip the sandbox stored for the function, downloaded through GetFunctionCode's URL. */
async function storedZip(fn: string): Promise<Buffer> {
  const code = await send('GET', `${V}/services/up/functions/${fn}/code`);
  expect(code.status).toBe(200);
  const url = new URL(code.json.url as string);
  const download = await rawRequest(url.origin, { method: 'GET', path: `${url.pathname}${url.search}` });
  expect(download.status).toBe(200);
  return download.body;
}

beforeAll(async () => {
  const { dir, remove } = await tempDir();
  removeDir = remove;
  sandbox = await startSandbox({ dataDir: dir });
  expect((await send('POST', `${V}/services`, '{"serviceName": "up"}')).status).toBe(200);
});

afterAll(async () => {
  await sandbox.close();
  await removeDir();
});

describe('code uploads', () => {
  it("stores a zip sent with Python's spacing, code first, without Content-MD5 or account id", async () => {
    const zip = fixture('infozip.zip');
    const body =
      `{"code": {"zipFile": "${zip.toString('base64')}"}, "functionName": "py", ` +
      `"runtime": "nodejs18", "handler": "index.handler", "environmentVariables": {"K": "\\u00e9"}}`;
    const created = await send('POST', `${V}/services/up/functions`, body);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ codeChecksum: crc64(zip), codeSize: zip.length });
    expect(created.json.environmentVariables).toEqual({ K: 'é' });
    expect((await storedZip('py')).equals(zip)).toBe(true);
  });

  it('updates with ZIP64, Python zipfile and escaped-key bodies, each stored as sent', async () => {
    const bodies: [Buffer, (b64: string) => string][] = [
      [fixture('zip64.zip'), (b64) => `{ "code" : { "zipFile" : "${b64}" } }`],
      [fixture('python.zip'), (b64) => `{"code":{"zip\\u0046ile":"${b64}"},"timeout":9}`],
      [fixture('infozip.zip'), (b64) => `{"timeout":10,\n "code": {\n  "zipFile": "${b64}"\n }\n}`],
    ];
    for (const [zip, bodyOf] of bodies) {
      const updated = await send('PUT', `${V}/services/up/functions/py`, bodyOf(zip.toString('base64')), {
        'x-fc-code-checksum': crc64(zip),
      });
      expect(updated.status, bodyOf('…')).toBe(200);
      expect(updated.json.codeChecksum).toBe(crc64(zip));
      expect((await storedZip('py')).equals(zip)).toBe(true);
    }
  });

  it('answers a broken zip, bad base64 and a wrong checksum with 400s, and keeps the code', async () => {
    const before = await storedZip('py');
    const good = fixture('python.zip');
    const cases: [string, Record<string, string>, RegExp][] = [
      [good.subarray(0, good.length - 10).toString('base64'), {}, /^code\.zipFile is not a zip archive that opens: /],
      [`${good.toString('base64').slice(0, 8)}-_${good.toString('base64').slice(10)}`, {}, /base64/],
      [good.toString('base64'), { 'x-fc-code-checksum': '7' }, /X-Fc-Code-Checksum '7' does not match/],
      [Buffer.from('not a zip, just text').toString('base64'), {}, /must be a zip file \(it starts with "PK"\)/],
    ];
    for (const [zipFile, headers, message] of cases) {
      const res = await send('PUT', `${V}/services/up/functions/py`, `{"code": {"zipFile": "${zipFile}"}}`, headers);
      expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
      expect(res.json.ErrorMessage).toMatch(message);
    }
    expect((await storedZip('py')).equals(before)).toBe(true);
  });

  it('decodes a large upload as it arrives, and still refuses bad base64 deep inside one', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0, x = 5; i < data.length; i++) data[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const zip = await new JSZip()
      .file('blob.bin', data, { date: new Date('2024-01-01T00:00:00Z') })
      .generateAsync({ type: 'nodebuffer', compression: 'STORE' });
    const b64 = zip.toString('base64');
    const put = (zipFile: string) =>
      send('PUT', `${V}/services/up/functions/py`, `{"code": {"zipFile": "${zipFile}"}, "timeout": 11}`, {
        'x-fc-code-checksum': crc64(zip),
      });
    const bad = await put(`${b64.slice(0, 2_500_000)}!${b64.slice(2_500_001)}`);
    expect([bad.status, bad.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(bad.json.ErrorMessage).toMatch(/must be standard base64/);
    const good = await put(b64);
    expect([good.status, good.json.codeChecksum, good.json.timeout]).toEqual([200, crc64(zip), 11]);
    expect((await storedZip('py')).equals(zip)).toBe(true);
  });
});
