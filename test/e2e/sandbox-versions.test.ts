// Versions and aliases with the official Node SDK and hand-built requests: publishing snapshots
// configuration and code, qualifiers serve the snapshot, aliases route with weights, and FC's errors.
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, rawRequest, sdkClient, sdkError, tempDir } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

async function zipOf(text: string): Promise<Buffer> {
  const z = new JSZip();
  z.file('index.js', text, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer' });
}

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox());
});

afterAll(async () => {
  await closeSandbox?.();
});

describe('versions', () => {
  it('publishes snapshots of configuration and code that later updates of LATEST leave alone', async () => {
    const v1zip = await zipOf('exports.handler = () => 1;\n');
    const v2zip = await zipOf('exports.handler = () => 2;\n');
    await client.createService('ver', { description: 'first' });
    await client.createFunction('ver', {
      functionName: 'f',
      runtime: 'nodejs18',
      handler: 'index.handler',
      timeout: 10,
      code: { zipFile: v1zip.toString('base64') },
    });

    const v1 = await client.publishVersion('ver', 'release one');
    expect(Object.keys(v1.data).sort()).toEqual(['createdTime', 'description', 'lastModifiedTime', 'versionId']);
    expect(v1.data).toMatchObject({ versionId: '1', description: 'release one' });
    const nothingNew = await sdkError(client.publishVersion('ver', 'again'));
    expect(nothingNew.code).toBe('InvalidArgument');

    await client.updateFunction('ver', 'f', { timeout: 20, code: { zipFile: v2zip.toString('base64') } });
    await client.updateService('ver', { description: 'second' });
    const v2 = await client.publishVersion('ver');
    expect(v2.data.versionId).toBe('2');

    const atV1 = await client.getFunction('ver', 'f', {}, '1');
    expect(atV1.data).toMatchObject({ timeout: 10, codeChecksum: crc64(v1zip).toString() });
    const latest = await client.getFunction('ver', 'f', {}, 'LATEST');
    expect(latest.data).toMatchObject({ timeout: 20, codeChecksum: crc64(v2zip).toString() });
    expect((await client.getService('ver', {}, '1')).data.description).toBe('first');
    expect((await client.listFunctions('ver', {}, {}, '1')).data.functions[0].timeout).toBe(10);

    const code = await client.getFunctionCode('ver', 'f', {}, '1');
    expect(code.data.checksum).toBe(crc64(v1zip).toString());
    const download = await rawRequest(sandbox.url, { method: 'GET', path: code.data.url.slice(sandbox.url.length) });
    expect(download.body.equals(v1zip)).toBe(true);

    // Deleting LATEST's function keeps the version's code.
    await client.createFunction('ver', {
      functionName: 'g',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: v1zip.toString('base64') },
    });
    await client.publishVersion('ver', 'with g');
    await client.deleteFunction('ver', 'g');
    const gAt3 = await client.getFunctionCode('ver', 'g', {}, '3');
    const gZip = await rawRequest(sandbox.url, { method: 'GET', path: gAt3.data.url.slice(sandbox.url.length) });
    expect(gZip.body.equals(v1zip)).toBe(true);
    expect((await sdkError(client.getFunction('ver', 'g'))).code).toBe('FunctionNotFound');
  });

  it('lists versions newest first (BACKWARD) or oldest first, paged, and deletes them', async () => {
    const back = await client.listVersions('ver', { limit: 2 });
    expect(back.data.versions.map((v: { versionId: string }) => v.versionId)).toEqual(['3', '2']);
    expect(back.data).toMatchObject({ direction: 'BACKWARD', nextToken: '1' });
    const rest = await client.listVersions('ver', { limit: 2, nextToken: back.data.nextToken });
    expect(rest.data.versions.map((v: { versionId: string }) => v.versionId)).toEqual(['1']);
    expect(rest.data.nextToken).toBeUndefined();
    const forward = await client.listVersions('ver', { direction: 'FORWARD' });
    expect(forward.data.versions.map((v: { versionId: string }) => v.versionId)).toEqual(['1', '2', '3']);

    await client.deleteVersion('ver', '3');
    expect((await sdkError(client.deleteVersion('ver', '3'))).code).toBe('VersionNotFound');
    expect((await sdkError(client.getFunction('ver', 'g', {}, '3'))).code).toBe('VersionNotFound');
    expect((await sdkError(client.listVersions('nope'))).code).toBe('ServiceNotFound');
    // Ids are never reused.
    await client.updateFunction('ver', 'f', { timeout: 30 });
    expect((await client.publishVersion('ver')).data.versionId).toBe('4');
  });
});

describe('aliases', () => {
  it('create, get, list, update with If-Match and additionalVersionWeight, delete; used versions stay', async () => {
    const created = await client.createAlias('ver', 'prod', '1', {
      description: 'live',
      additionalVersionWeight: { 2: 0.1 },
    });
    expect(created.data).toMatchObject({
      aliasName: 'prod',
      versionId: '1',
      description: 'live',
      additionalVersionWeight: { 2: 0.1 },
    });
    expect(Object.keys(created.data).sort()).toEqual([
      'additionalVersionWeight',
      'aliasName',
      'createdTime',
      'description',
      'lastModifiedTime',
      'versionId',
    ]);
    expect((await sdkError(client.createAlias('ver', 'prod', '1'))).code).toBe('AliasAlreadyExists');
    expect((await sdkError(client.createAlias('ver', 'beta', '99'))).code).toBe('VersionNotFound');
    expect(
      (await sdkError(client.createAlias('ver', 'heavy', '1', { additionalVersionWeight: { 2: 1.5 } }))).code,
    ).toBe('InvalidArgument');
    expect((await sdkError(client.createAlias('ver', 'LATEST', '1'))).code).toBe('InvalidArgument');

    expect((await client.getFunction('ver', 'f', {}, 'prod')).data.timeout).toBe(10);
    expect((await client.getAlias('ver', 'prod')).data).toEqual(created.data);
    expect((await client.listAliases('ver')).data).toEqual({ aliases: [created.data] });

    const busy = await sdkError(client.deleteVersion('ver', '2'));
    expect(busy.code).toBe('InvalidArgument');
    expect(busy.message).toContain("alias 'prod'");

    const stale = await sdkError(client.updateAlias('ver', 'prod', '2', {}, { 'if-match': 'stale' }));
    expect(stale.code).toBe('PreconditionFailed');
    const moved = await client.updateAlias(
      'ver',
      'prod',
      '2',
      { additionalVersionWeight: {} },
      { 'if-match': created.headers.etag },
    );
    expect(moved.data).toMatchObject({ versionId: '2', additionalVersionWeight: {}, description: 'live' });
    expect((await client.getFunction('ver', 'f', {}, 'prod')).data.timeout).toBe(20);

    await client.deleteVersion('ver', '1');
    await client.deleteAlias('ver', 'prod');
    expect((await sdkError(client.getAlias('ver', 'prod'))).code).toBe('AliasNotFound');
    expect((await sdkError(client.deleteAlias('ver', 'prod'))).code).toBe('AliasNotFound');
    expect((await sdkError(client.getFunction('ver', 'f', {}, 'prod'))).code).toBe('AliasNotFound');
  });
});

describe('a restart', () => {
  it('keeps triggers, versions with their code, aliases, layers, tags and domains', async () => {
    const { dir, remove } = await tempDir();
    const sdk = (s: RunningSandbox) => sdkClient(s);
    const code = await zipOf('exports.handler = () => "kept";\n');
    try {
      const first = await startSandbox({ dataDir: dir });
      const a = sdk(first);
      await a.createService('keep');
      await a.createFunction('keep', {
        functionName: 'f',
        runtime: 'nodejs18',
        handler: 'index.handler',
        code: { zipFile: code.toString('base64') },
      });
      await a.createTrigger('keep', 'f', {
        triggerName: 't',
        triggerType: 'timer',
        triggerConfig: { cronExpression: '@every 1h', enable: true },
      });
      await a.publishVersion('keep', 'one');
      await a.createAlias('keep', 'live', '1');
      await a.publishLayerVersion('lib', {
        code: { zipFile: code.toString('base64') },
        compatibleRuntime: ['nodejs18'],
      });
      await a.tagResource('services/keep', { team: 'x' });
      await a.createCustomDomain('keep.example.com', { protocol: 'HTTP' });
      await first.close();

      const second = await startSandbox({ dataDir: dir });
      const b = sdk(second);
      try {
        expect((await b.getTrigger('keep', 'f', 't')).data.triggerConfig).toEqual({
          cronExpression: '@every 1h',
          enable: true,
        });
        expect((await b.listVersions('keep')).data.versions.map((v: { versionId: string }) => v.versionId)).toEqual([
          '1',
        ]);
        expect((await b.getAlias('keep', 'live')).data.versionId).toBe('1');
        const url = (await b.getFunctionCode('keep', 'f', {}, 'live')).data.url as string;
        expect(
          (await rawRequest(second.url, { method: 'GET', path: url.slice(second.url.length) })).body.equals(code),
        ).toBe(true);
        expect((await b.getLayerVersion('lib', 1)).data.codeChecksum).toBe(crc64(code).toString());
        expect((await b.getResourceTags({ resourceArn: 'services/keep' })).data.tags).toEqual({ team: 'x' });
        expect((await b.getCustomDomain('keep.example.com')).data.protocol).toBe('HTTP');
      } finally {
        await second.close();
      }
    } finally {
      await remove();
    }
  });
});
