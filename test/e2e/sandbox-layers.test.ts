// Layers with the official Node SDK and hand-built requests: publish (zip + X-Fc-Code-Checksum),
// list, list versions, get by name and version or by ARN, delete, and FC's errors.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { json, openSdkSandbox, sdkError, signed, tempDir } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
let zip: Buffer;

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox());
  const z = new JSZip();
  z.file('nodejs/node_modules/lib/index.js', 'module.exports = 1;\n', { date: new Date('2024-01-01T00:00:00Z') });
  zip = await z.generateAsync({ type: 'nodebuffer' });
});

afterAll(async () => {
  await closeSandbox?.();
});

describe('an internal failure after the body was read', () => {
  it('is answered 500 InternalServerError, not left hanging', async () => {
    const { dir, remove } = await tempDir();
    const broken = await startSandbox({ dataDir: dir });
    try {
      await writeFile(path.join(dir, 'layers'), 'not a directory');
      const res = await signed(broken, {
        method: 'POST',
        path: '/2016-08-15/layers/deps/versions',
        body: json({ code: { zipFile: zip.toString('base64') }, compatibleRuntime: ['nodejs18'] }),
      });
      expect([res.status, res.json.ErrorCode]).toEqual([500, 'InternalServerError']);
    } finally {
      await broken.close();
      await remove();
    }
  });
});

describe('layers', () => {
  it('publishes versions in FC shape, lists them, gets them by version and by either ARN, deletes them', async () => {
    const published = await client.publishLayerVersion('deps', {
      description: 'shared deps',
      code: { zipFile: zip.toString('base64') },
      compatibleRuntime: ['nodejs18', 'nodejs20'],
    });
    expect(published.data).toMatchObject({
      layerName: 'deps',
      version: 1,
      description: 'shared deps',
      codeSize: zip.length,
      codeChecksum: crc64(zip).toString(),
      acl: 0,
      compatibleRuntime: ['nodejs18', 'nodejs20'],
      layerVersionArn: `acs:fc:cn-hangzhou:${sandbox.accountId}:layers/deps/versions/1`,
    });
    expect(published.data.arn).toMatch(/^[0-9a-f]{32}#deps#1$/);
    expect(published.data.createTime).toMatch(/Z$/);
    const second = await client.publishLayerVersion('deps', {
      code: { zipFile: zip.toString('base64') },
      compatibleRuntime: ['nodejs18'],
    });
    expect(second.data.version).toBe(2);
    await client.publishLayerVersion('other', {
      code: { zipFile: zip.toString('base64') },
      compatibleRuntime: ['python3.10'],
    });

    const layers = await client.listLayers();
    expect(
      layers.data.layers.map((l: { layerName: string; version: number }) => `${l.layerName}@${l.version}`),
    ).toEqual(['deps@2', 'other@1']);
    const versions = await client.listLayerVersions('deps', { limit: 1 });
    expect(versions.data.layers.map((l: { version: number }) => l.version)).toEqual([1]);
    expect(versions.data.nextVersion).toBe(2);
    const fromTwo = await client.listLayerVersions('deps', { startVersion: 2 });
    expect(fromTwo.data.layers.map((l: { version: number }) => l.version)).toEqual([2]);
    expect(fromTwo.data.nextVersion).toBeUndefined();

    // code.location is a download URL signed with an expiry from the time of each answer: compared
    // apart, so the test does not depend on two answers falling in the same second.
    const stable = (data: { code: { location: string } }) => ({ ...data, code: { ...data.code, location: '' } });
    for (const read of [
      await client.getLayerVersion('deps', 1),
      await client.getLayerVersionByArn(published.data.arn),
      await client.getLayerVersionByArn(published.data.layerVersionArn),
    ]) {
      expect(stable(read.data)).toEqual(stable(published.data));
      expect(read.data.code.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }

    await client.deleteLayerVersion('deps', 1);
    expect((await sdkError(client.getLayerVersion('deps', 1))).code).toBe('LayerNotFound');
    expect((await sdkError(client.deleteLayerVersion('deps', 1))).code).toBe('LayerNotFound');
    expect((await sdkError(client.listLayerVersions('ghost'))).code).toBe('LayerNotFound');
    expect((await sdkError(client.getLayerVersionByArn('abc#deps#9'))).code).toBe('LayerNotFound');
    // Version numbers are never reused.
    expect(
      (
        await client.publishLayerVersion('deps', {
          code: { zipFile: zip.toString('base64') },
          compatibleRuntime: ['nodejs18'],
        })
      ).data.version,
    ).toBe(3);
  });

  it('checks the checksum, the zip, the runtimes and the name (400 naming the field)', async () => {
    const base = { code: { zipFile: zip.toString('base64') }, compatibleRuntime: ['nodejs18'] };
    const wrongSum = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/layers/deps/versions',
      body: json(base),
      headers: { 'x-fc-code-checksum': '1' },
    });
    expect([wrongSum.status, wrongSum.json.ErrorMessage]).toEqual([400, expect.stringContaining('X-Fc-Code-Checksum')]);
    const rightSum = await signed(sandbox, {
      method: 'POST',
      path: '/2016-08-15/layers/deps/versions',
      body: json(base),
      headers: { 'x-fc-code-checksum': crc64(zip).toString() },
    });
    expect(rightSum.status).toBe(200);
    for (const [body, field, path] of [
      [{ ...base, compatibleRuntime: ['nodejs99'] }, 'compatibleRuntime', 'deps'],
      [{ ...base, compatibleRuntime: undefined }, 'compatibleRuntime', 'deps'],
      [{ compatibleRuntime: ['nodejs18'] }, 'code', 'deps'],
      [{ ...base, code: { zipFile: 'bm90IGEgemlw' } }, 'code.zipFile', 'deps'],
      [base, 'layerName', '9bad'],
    ] as const) {
      const res = await signed(sandbox, {
        method: 'POST',
        path: `/2016-08-15/layers/${path}/versions`,
        body: json(body),
      });
      expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
      expect(res.json.ErrorMessage).toContain(field);
    }
  });
});
