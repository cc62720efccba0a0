// The sandbox as clients other than fcw speak to it: requests built by hand the way the official
// Python SDK builds them (no x-fc-account-id, no Content-MD5, qualifiers in the path), checked
// against FC's documented shapes and errors for services, functions, triggers, versions, aliases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeSignature } from '../../src/fc/sign.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { EMPTY_ZIP_B64, rawRequest, tempDir, type RawResponse } from './sandbox-support.js';

let sandbox: RunningSandbox;
let removeDir: () => Promise<void>;

/** Signed as the Python SDK signs: Date, content-type, no account header, no Content-MD5. */
function py(method: string, target: string, body?: unknown, extra: Record<string, string> = {}): Promise<RawResponse> {
  const text = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    ...(text ? { 'content-type': 'application/json', 'content-length': String(text.length) } : {}),
    ...extra,
  };
  const [path = target, queryText] = target.split('?');
  const query = path.includes('/proxy/') ? Object.fromEntries(new URLSearchParams(queryText ?? '')) : undefined;
  const signature = computeSignature(sandbox.credentials.accessKeySecret, { method, path, headers, query });
  headers.authorization = `FC ${sandbox.credentials.accessKeyId}:${signature}`;
  return rawRequest(sandbox.url, { method, path: target, headers, body: text });
}

const V = '/2016-08-15';

beforeAll(async () => {
  const { dir, remove } = await tempDir();
  removeDir = remove;
  sandbox = await startSandbox({ dataDir: dir });
  expect((await py('POST', `${V}/services`, { serviceName: 'demo' })).status).toBe(200);
  const fn = await py('POST', `${V}/services/demo/functions`, {
    functionName: 'hello',
    runtime: 'nodejs18',
    handler: 'index.handler',
    code: { zipFile: EMPTY_ZIP_B64 },
  });
  expect(fn.status).toBe(200);
});

afterAll(async () => {
  await sandbox.close();
  await removeDir();
});

describe('the account', () => {
  it('comes from the header, else a Host {account}.{region}.fc.aliyuncs.com, else the sandbox account', async () => {
    expect((await py('GET', `${V}/services`)).status).toBe(200);
    const own = await py('GET', `${V}/services`, undefined, {
      host: `${sandbox.accountId}.cn-hangzhou.fc.aliyuncs.com`,
    });
    expect(own.status).toBe(200);
    const other = await py('GET', `${V}/services`, undefined, { host: '42.cn-hangzhou.fc.aliyuncs.com' });
    expect([other.status, other.json.ErrorCode]).toEqual([403, 'AccessDenied']);
    const header = await py('GET', `${V}/services`, undefined, { 'x-fc-account-id': '42' });
    expect([header.status, header.json.ErrorCode]).toEqual([403, 'AccessDenied']);
  });
});

describe('qualifiers', () => {
  it('serve GetFunction and GetFunctionCode as /services/NAME.LATEST/... and ?qualifier=LATEST alike', async () => {
    const plain = await py('GET', `${V}/services/demo/functions/hello`);
    const inPath = await py('GET', `${V}/services/demo.LATEST/functions/hello`);
    const inQuery = await py('GET', `${V}/services/demo/functions/hello?qualifier=LATEST`);
    expect([plain.status, inPath.status, inQuery.status]).toEqual([200, 200, 200]);
    expect(inPath.json).toEqual(plain.json);
    expect(inQuery.json).toEqual(plain.json);
    const code = await py('GET', `${V}/services/demo.LATEST/functions/hello/code`);
    expect(code.status).toBe(200);
    expect(code.json).toMatchObject({ checksum: plain.json.codeChecksum });
    expect((await py('GET', `${V}/services/demo.LATEST`)).json.serviceName).toBe('demo');
    expect((await py('GET', `${V}/services/demo.LATEST/functions`)).json.functions).toHaveLength(1);
  });

  it('answer 404 VersionNotFound / AliasNotFound for a qualifier naming nothing, 400 for a write to one', async () => {
    const version = await py('GET', `${V}/services/demo.7/functions/hello`);
    expect([version.status, version.json.ErrorCode]).toEqual([404, 'VersionNotFound']);
    const alias = await py('GET', `${V}/services/demo/functions/hello?qualifier=prod`);
    expect([alias.status, alias.json.ErrorCode]).toEqual([404, 'AliasNotFound']);
    const both = await py('GET', `${V}/services/demo.LATEST/functions/hello?qualifier=prod`);
    expect([both.status, both.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    const write = await py('PUT', `${V}/services/demo.prod/functions/hello`, { timeout: 9 });
    expect([write.status, write.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(write.json.ErrorMessage).toMatch(/^qualifier: /);
  });
});

describe('FC shapes', () => {
  it('lists triggers as {"triggers": []} for a function without any', async () => {
    const res = await py('GET', `${V}/services/demo/functions/hello/triggers`);
    expect([res.status, res.json]).toEqual([200, { triggers: [] }]);
    const missing = await py('GET', `${V}/services/demo/functions/nope/triggers`);
    expect([missing.status, missing.json.ErrorCode]).toEqual([404, 'FunctionNotFound']);
  });

  it('answers every service configuration object, present and empty when unset, and stores tracingConfig', async () => {
    const created = await py('POST', `${V}/services`, {
      serviceName: 'shapes',
      logConfig: { project: 'p', logstore: 's' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      logConfig: {
        project: 'p',
        logstore: 's',
        enableRequestMetrics: false,
        enableInstanceMetrics: false,
        logBeginRule: 'None',
      },
      vpcConfig: { vpcId: '', vSwitchIds: [], securityGroupId: '' },
      nasConfig: { userId: -1, groupId: -1, mountPoints: [] },
      tracingConfig: {},
      internetAccess: true,
    });
    const traced = await py('PUT', `${V}/services/shapes`, {
      tracingConfig: { type: 'Jaeger', params: { endpoint: 'http://x' } },
    });
    expect(traced.json.tracingConfig).toEqual({ type: 'Jaeger', params: { endpoint: 'http://x' } });
    expect(traced.json.logConfig.project).toBe('p');
    const read = await py('GET', `${V}/services/shapes`);
    expect(read.json.tracingConfig).toEqual({ type: 'Jaeger', params: { endpoint: 'http://x' } });
    const bad = await py('POST', `${V}/services`, { serviceName: 'bad', tracingConfig: 'jaeger' });
    expect([bad.status, bad.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(bad.json.ErrorMessage).toContain('tracingConfig');
  });

  it('stores and echoes the function fields FC stores, with its defaults, and state Active', async () => {
    const fields = {
      instanceConcurrency: 20,
      cpu: 0.5,
      memorySize: 1024,
      diskSize: 10240,
      customDNS: { nameServers: ['8.8.8.8'] },
      customHealthCheckConfig: { httpGetUrl: '/ready' },
      instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 5 } },
    };
    const created = await py('POST', `${V}/services/shapes/functions`, {
      functionName: 'full',
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: EMPTY_ZIP_B64 },
      ...fields,
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ ...fields, state: 'Active', lastUpdateStatus: 'Successful' });
    const plain = await py('GET', `${V}/services/demo/functions/hello`);
    expect(plain.json).toMatchObject({
      instanceConcurrency: 1,
      diskSize: 512,
      state: 'Active',
      lastUpdateStatus: 'Successful',
    });
    const updated = await py('PUT', `${V}/services/shapes/functions/full`, { instanceConcurrency: 3 });
    expect(updated.json).toMatchObject({ ...fields, instanceConcurrency: 3 });
  });

  it('refuses function fields FC refuses, naming them', async () => {
    const base = { runtime: 'nodejs18', handler: 'index.handler', code: { zipFile: EMPTY_ZIP_B64 } };
    for (const [extra, field] of [
      [{ instanceConcurrency: 0 }, 'instanceConcurrency'],
      [{ instanceConcurrency: '5' }, 'instanceConcurrency'],
      [{ cpu: 0.33 }, 'cpu'],
      [{ cpu: 2, memorySize: 512 }, 'cpu'],
      [{ diskSize: 1000 }, 'diskSize'],
      [{ customDNS: 'dns' }, 'customDNS'],
    ] as const) {
      const res = await py('POST', `${V}/services/shapes/functions`, { functionName: 'bad', ...base, ...extra });
      expect([res.status, res.json.ErrorCode], JSON.stringify(extra)).toEqual([400, 'InvalidArgument']);
      expect(res.json.ErrorMessage).toContain(`${field}:`);
    }
  });

  it("uses FC's text for an invalid runtime and keeps the field name", async () => {
    const res = await py('POST', `${V}/services/shapes/functions`, {
      functionName: 'rt',
      runtime: 'nodejs99',
      handler: 'index.handler',
      code: { zipFile: EMPTY_ZIP_B64 },
    });
    expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(res.json.ErrorMessage).toMatch(/^Runtime is set to an invalid value\. runtime: /);
  });
});
