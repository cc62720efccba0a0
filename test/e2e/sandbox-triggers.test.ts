// Triggers against the sandbox, with the official Node SDK and with hand-built requests in the
// Python SDK's habits (no account header, no Content-MD5): CRUD, paging, If-Match, each type's
// triggerConfig checks, and the HTTP trigger's proxy URL (auth type and methods).
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeSignature } from '../../src/fc/sign.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { EMPTY_ZIP_B64, openSdkSandbox, rawRequest, type RawResponse, sdkClient, sdkError } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const V = '/2016-08-15';
const ROLE = 'acs:ram::1234567890:role/fc-invoke';

function py(
  method: string,
  target: string,
  body?: unknown,
  extra: Record<string, string> = {},
  sign = true,
): Promise<RawResponse> {
  const text = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    ...(text ? { 'content-type': 'application/json', 'content-length': String(text.length) } : {}),
    ...extra,
  };
  const [path = target, queryText] = target.split('?');
  if (sign) {
    const query = path.includes('/proxy/') ? Object.fromEntries(new URLSearchParams(queryText ?? '')) : undefined;
    const signature = computeSignature(sandbox.credentials.accessKeySecret, { method, path, headers, query });
    headers.authorization = `FC ${sandbox.credentials.accessKeyId}:${signature}`;
  }
  return rawRequest(sandbox.url, { method, path: target, headers, body: text });
}

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox());
  await client.createService('trg');
  for (const name of ['web', 'cron', 'many']) {
    await client.createFunction('trg', {
      functionName: name,
      runtime: 'nodejs18',
      handler: 'index.handler',
      code: { zipFile: EMPTY_ZIP_B64 },
    });
  }
});

afterAll(async () => {
  await closeSandbox?.();
});

describe('triggers with the official SDK', () => {
  it('creates, gets, lists, updates with If-Match and deletes an HTTP trigger, in FC shapes', async () => {
    const created = await client.createTrigger('trg', 'web', {
      triggerName: 'http',
      triggerType: 'http',
      triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
    });
    expect(created.data).toMatchObject({
      triggerName: 'http',
      triggerType: 'http',
      description: '',
      sourceArn: '',
      invocationRole: '',
      qualifier: 'LATEST',
      triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
      urlInternet: `${sandbox.url}/2016-08-15/proxy/trg.LATEST/web/`,
    });
    expect(created.data.triggerId).toBeTruthy();
    expect(created.data.createdTime).toMatch(/Z$/);
    expect(created.headers.etag).toBeTruthy();

    const got = await client.getTrigger('trg', 'web', 'http');
    expect(got.data).toEqual(created.data);
    const listed = await client.listTriggers('trg', 'web');
    expect(listed.data).toEqual({ triggers: [created.data] });

    const stale = await sdkError(
      client.updateTrigger('trg', 'web', 'http', { description: 'x' }, { 'if-match': 'stale' }),
    );
    expect(stale.code).toBe('PreconditionFailed');
    const updated = await client.updateTrigger(
      'trg',
      'web',
      'http',
      { description: 'now function auth', triggerConfig: { authType: 'function' } },
      { 'if-match': created.headers.etag },
    );
    expect(updated.data.triggerConfig).toEqual({ authType: 'function', methods: ['GET', 'POST'] });
    expect(updated.data.description).toBe('now function auth');
    expect(updated.headers.etag).not.toBe(created.headers.etag);

    const dup = await sdkError(
      client.createTrigger('trg', 'web', {
        triggerName: 'http',
        triggerType: 'http',
        triggerConfig: { authType: 'anonymous', methods: ['GET'] },
      }),
    );
    expect(dup.code).toBe('TriggerAlreadyExists');
    const second = await sdkError(
      client.createTrigger('trg', 'web', {
        triggerName: 'http2',
        triggerType: 'http',
        triggerConfig: { authType: 'anonymous', methods: ['GET'] },
      }),
    );
    expect(second.code).toBe('InvalidArgument');

    const noAlias = await sdkError(
      client.createTrigger('trg', 'web', {
        triggerName: 'nightly',
        triggerType: 'timer',
        qualifier: 'prod',
        triggerConfig: { cronExpression: '@every 1h', enable: true },
      }),
    );
    expect(noAlias.code).toBe('AliasNotFound');
    const noVersion = await sdkError(client.updateTrigger('trg', 'web', 'http', { qualifier: '3' }));
    expect(noVersion.code).toBe('VersionNotFound');

    const busy = await sdkError(client.deleteFunction('trg', 'web'));
    expect(busy.code).toBe('FunctionNotEmpty');
    await client.deleteTrigger('trg', 'web', 'http');
    expect((await sdkError(client.getTrigger('trg', 'web', 'http'))).code).toBe('TriggerNotFound');
    expect((await sdkError(client.deleteTrigger('trg', 'web', 'http'))).code).toBe('TriggerNotFound');
    expect((await sdkError(client.listTriggers('trg', 'nope'))).code).toBe('FunctionNotFound');
    expect((await sdkError(client.listTriggers('nope', 'web'))).code).toBe('ServiceNotFound');
  });

  it('pages ListTriggers like ListFunctions (limit, nextToken, prefix, startKey)', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await client.createTrigger('trg', 'many', {
        triggerName: name,
        triggerType: 'timer',
        triggerConfig: { cronExpression: '@every 5m', enable: false },
      });
    }
    const first = await client.listTriggers('trg', 'many', { limit: 10 });
    expect(first.data.triggers.map((t: { triggerName: string }) => t.triggerName)).toEqual(names.slice(0, 10));
    expect(first.data.nextToken).toBe('t10');
    const second = await client.listTriggers('trg', 'many', { limit: 10, nextToken: first.data.nextToken });
    expect(second.data.triggers[0].triggerName).toBe('t10');
    const all = await client.listTriggers('trg', 'many');
    expect(all.data.triggers).toHaveLength(20);
    const prefixed = await client.listTriggers('trg', 'many', { prefix: 't2' });
    expect(prefixed.data.triggers).toHaveLength(5);
    expect(prefixed.data.nextToken).toBeUndefined();
  });
});

describe('triggerConfig checked as FC checks it (400 InvalidArgument naming the field)', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown type', { triggerType: 'kafka', triggerConfig: {} }, 'triggerType'],
    ['http without authType', { triggerType: 'http', triggerConfig: { methods: ['GET'] } }, 'triggerConfig.authType'],
    [
      'http with a bad method',
      { triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['FETCH'] } },
      'triggerConfig.methods',
    ],
    [
      'http with no methods',
      { triggerType: 'http', triggerConfig: { authType: 'function', methods: [] } },
      'triggerConfig.methods',
    ],
    [
      'timer without a schedule',
      { triggerType: 'timer', triggerConfig: { enable: true } },
      'triggerConfig.cronExpression',
    ],
    [
      'timer with five cron fields',
      { triggerType: 'timer', triggerConfig: { cronExpression: '*/5 * * * *', enable: true } },
      'triggerConfig.cronExpression',
    ],
    [
      'timer under a minute',
      { triggerType: 'timer', triggerConfig: { cronExpression: '@every 0m', enable: true } },
      'triggerConfig.cronExpression',
    ],
    [
      'timer without enable',
      { triggerType: 'timer', triggerConfig: { cronExpression: '0 0/5 * * * *' } },
      'triggerConfig.enable',
    ],
    [
      'oss without sourceArn',
      { triggerType: 'oss', invocationRole: ROLE, triggerConfig: { events: ['oss:ObjectCreated:*'] } },
      'sourceArn',
    ],
    [
      'oss without a role',
      {
        triggerType: 'oss',
        sourceArn: 'acs:oss:cn-hangzhou:123:my-bucket',
        triggerConfig: { events: ['oss:ObjectCreated:*'] },
      },
      'invocationRole',
    ],
    [
      'oss with a bad event',
      {
        triggerType: 'oss',
        sourceArn: 'acs:oss:cn-hangzhou:123:my-bucket',
        invocationRole: ROLE,
        triggerConfig: { events: ['ObjectCreated'] },
      },
      'triggerConfig.events',
    ],
    [
      'log without a logstore',
      {
        triggerType: 'log',
        sourceArn: 'acs:log:cn-hangzhou:123:project/my-proj',
        invocationRole: ROLE,
        triggerConfig: { sourceConfig: {} },
      },
      'triggerConfig.sourceConfig.logstore',
    ],
    [
      'mns with a bad format',
      {
        triggerType: 'mns_topic',
        sourceArn: 'acs:mns:cn-hangzhou:123:/topics/t1',
        invocationRole: ROLE,
        triggerConfig: { notifyContentFormat: 'XML' },
      },
      'triggerConfig.notifyContentFormat',
    ],
    [
      'eventbridge with no source type',
      { triggerType: 'eventbridge', triggerConfig: { eventSourceConfig: {} } },
      'triggerConfig.eventSourceConfig.eventSourceType',
    ],
    [
      'a bad name',
      { triggerName: '9lives', triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', enable: true } },
      'triggerName',
    ],
  ];
  it.each(cases)('%s', async (_label, body, field) => {
    const res = await py('POST', `${V}/services/trg/functions/cron/triggers`, { triggerName: 'bad', ...body });
    expect([res.status, res.json.ErrorCode]).toEqual([400, 'InvalidArgument']);
    expect(res.json.ErrorMessage.startsWith(`${field}:`), res.json.ErrorMessage).toBe(true);
  });

  it('accepts every FC 2.0 trigger type in its documented shape (hand-built, no account header)', async () => {
    const good: Record<string, unknown>[] = [
      {
        triggerName: 'timer',
        triggerType: 'timer',
        triggerConfig: { cronExpression: 'CRON_TZ=Asia/Shanghai 0 0 8 * * *', enable: true, payload: '{}' },
      },
      {
        triggerName: 'oss',
        triggerType: 'oss',
        sourceArn: 'acs:oss:cn-hangzhou:123:my-bucket',
        invocationRole: ROLE,
        triggerConfig: { events: ['oss:ObjectCreated:PutObject'], filter: { key: { prefix: 'in/', suffix: '.png' } } },
      },
      {
        triggerName: 'log',
        triggerType: 'log',
        sourceArn: 'acs:log:cn-hangzhou:123:project/my-proj',
        invocationRole: ROLE,
        triggerConfig: {
          sourceConfig: { logstore: 'src' },
          jobConfig: { maxRetryTime: 3, triggerInterval: 60 },
          logConfig: { project: 'my-proj', logstore: 'trigger-log' },
          enable: true,
        },
      },
      {
        triggerName: 'mns',
        triggerType: 'mns_topic',
        sourceArn: 'acs:mns:cn-hangzhou:123:/topics/t1',
        invocationRole: ROLE,
        triggerConfig: { notifyContentFormat: 'JSON', notifyStrategy: 'BACKOFF_RETRY' },
      },
      {
        triggerName: 'cdn',
        triggerType: 'cdn_events',
        sourceArn: 'acs:cdn:*:123',
        invocationRole: ROLE,
        triggerConfig: {
          eventName: 'CdnDomainStarted',
          eventVersion: '1.0.0',
          notes: '',
          filter: { domain: ['example.com'] },
        },
      },
      {
        triggerName: 'ots',
        triggerType: 'tablestore',
        sourceArn: 'acs:ots:cn-hangzhou:123:instance/ins/table/tab',
        invocationRole: ROLE,
        triggerConfig: {},
      },
      {
        triggerName: 'eb',
        triggerType: 'eventbridge',
        triggerConfig: {
          triggerEnable: true,
          asyncInvocationType: false,
          eventSourceConfig: { eventSourceType: 'Default' },
          eventRuleFilterPattern: '{}',
        },
      },
    ];
    for (const body of good) {
      const res = await py('POST', `${V}/services/trg/functions/cron/triggers`, body);
      expect(res.status, `${body.triggerName}: ${res.text}`).toBe(200);
      expect(res.json).toMatchObject(body);
    }
    const list = await py('GET', `${V}/services/trg.LATEST/functions/cron/triggers`);
    expect(list.json.triggers.map((t: { triggerType: string }) => t.triggerType).sort()).toEqual([
      'cdn_events',
      'eventbridge',
      'log',
      'mns_topic',
      'oss',
      'tablestore',
      'timer',
    ]);
    const changeType = await py('PUT', `${V}/services/trg/functions/cron/triggers/timer`, { triggerType: 'http' });
    expect([changeType.status, changeType.json.ErrorMessage.startsWith('triggerType:')]).toEqual([400, true]);
    const badUpdate = await py('PUT', `${V}/services/trg/functions/cron/triggers/timer`, {
      triggerConfig: { cronExpression: 'never' },
    });
    expect([badUpdate.status, badUpdate.json.ErrorMessage.startsWith('triggerConfig.cronExpression:')]).toEqual([
      400,
      true,
    ]);
  });
});

/** A Node.js HTTP function that answers what it was given. */
const ECHO_HANDLER = `exports.handler = (req, resp, context) => {
  resp.setStatusCode(req.method === 'POST' ? 201 : 200);
  resp.setHeader('Content-Type', 'application/json');
  resp.setHeader('X-From', context.function.name);
  resp.send(JSON.stringify({ method: req.method, path: req.path, queries: req.queries, body: req.body.toString(),
    clientIP: req.clientIP, host: req.headers.host, version: context.service.versionId || null }));
};
`;

async function echoZip(text = ECHO_HANDLER): Promise<string> {
  const z = new JSZip();
  z.file('index.js', text, { date: new Date('2024-01-01T00:00:00Z') });
  return (await z.generateAsync({ type: 'nodebuffer' })).toString('base64');
}

describe('HTTP trigger URLs', () => {
  beforeAll(async () => {
    const zipFile = await echoZip();
    for (const functionName of ['site', 'private']) {
      await client.createFunction('trg', {
        functionName,
        runtime: 'nodejs18',
        handler: 'index.handler',
        code: { zipFile },
      });
    }
    await client.createTrigger('trg', 'site', {
      triggerName: 'h',
      triggerType: 'http',
      triggerConfig: { authType: 'anonymous', methods: ['GET'] },
    });
    await client.createTrigger('trg', 'private', {
      triggerName: 'h',
      triggerType: 'http',
      triggerConfig: { authType: 'function', methods: ['POST'] },
    });
  });

  it('runs the function with (request, response, context) after the trigger, its authType and methods', async () => {
    const anon = await py('GET', `${V}/proxy/trg/site/a/b?x=1&tag=p&tag=q`, undefined, {}, false);
    expect(anon.status, anon.text).toBe(200);
    expect(anon.headers['x-from']).toBe('site');
    expect(anon.headers['x-fc-request-id']).toBeTruthy();
    expect(anon.json).toMatchObject({
      method: 'GET',
      path: '/a/b',
      queries: { x: '1', tag: ['p', 'q'] },
      body: '',
      version: null,
    });
    expect(anon.json.clientIP).toMatch(/127\.0\.0\.1/);
    const wrongMethod = await py('DELETE', `${V}/proxy/trg.LATEST/site/`, undefined, {}, false);
    expect([wrongMethod.status, wrongMethod.json.ErrorCode, wrongMethod.headers.allow]).toEqual([
      405,
      'MethodNotAllowed',
      'GET',
    ]);

    const unsigned = await py('POST', `${V}/proxy/trg/private/`, undefined, {}, false);
    expect([unsigned.status, unsigned.json.ErrorCode]).toEqual([400, 'MissingRequiredHeader']);
    const signedQuery = await py('POST', `${V}/proxy/trg/private/x?b=2&a=1`, { hello: 1 });
    expect(signedQuery.status, signedQuery.text).toBe(201);
    expect(signedQuery.json).toMatchObject({
      method: 'POST',
      path: '/x',
      queries: { a: '1', b: '2' },
      body: '{"hello":1}',
    });
    const badSignature = await py(
      'POST',
      `${V}/proxy/trg/private/x?b=2`,
      {},
      { authorization: 'FC LTAIsandbox:bad' },
      false,
    );
    expect(badSignature.status).toBe(403);

    // Signed, a missing target is a 404 naming what is missing.
    const noTrigger = await py('GET', `${V}/proxy/trg/cron/`);
    expect([noTrigger.status, noTrigger.json.ErrorCode]).toEqual([404, 'TriggerNotFound']);
    const noFunction = await py('GET', `${V}/proxy/trg/ghost/`);
    expect([noFunction.status, noFunction.json.ErrorCode]).toEqual([404, 'FunctionNotFound']);
    const noAlias = await py('GET', `${V}/proxy/trg.prod/site/`);
    expect([noAlias.status, noAlias.json.ErrorCode]).toEqual([404, 'AliasNotFound']);
  });

  it('answers an unsigned or badly signed caller alike whether a function-auth trigger exists or not', async () => {
    const answer = (res: RawResponse) => [res.status, res.json?.ErrorCode, res.json?.ErrorMessage];
    const unsignedExisting = await py('POST', `${V}/proxy/trg/private/x`, undefined, {}, false);
    expect(unsignedExisting.status).toBe(400);
    for (const missing of ['trg/ghost', 'trg/cron', 'trg.prod/private', 'nosuchservice/private']) {
      const unsigned = await py('POST', `${V}/proxy/${missing}/x`, undefined, {}, false);
      expect(answer(unsigned), missing).toEqual(answer(unsignedExisting));
    }
    // The official SDK signs /proxy/ requests: with a wrong secret, existing and missing look the same.
    const wrongKey = sdkClient(sandbox, { secret: 'not-the-secret' });
    const existing = await sdkError(wrongKey.post('/proxy/trg/private/x', 'hi'));
    const missing = await sdkError(wrongKey.post('/proxy/trg/ghost/x', 'hi'));
    expect(existing.name).toBe('FCSignatureNotMatchError');
    expect([missing.name, missing.message.replace(/requestid: \S+/, '')]).toEqual([
      existing.name,
      existing.message.replace(/requestid: \S+/, '').replace('private', 'ghost'),
    ]);
    // With the right key the SDK is told what is missing; an anonymous trigger needs no key at all.
    const told = await sdkError(client.post('/proxy/trg/ghost/x', 'hi'));
    expect(told.name).toBe('FCFunctionNotFoundError');
    const anon = await py('GET', `${V}/proxy/trg/site/`, undefined, {}, false);
    expect(anon.status, anon.text).toBe(200);
  });

  it('serves the version a qualifier names, and answers 502 with the error when the function fails', async () => {
    await client.publishVersion('trg', 'site v1');
    const versions = await client.listVersions('trg', { limit: 1 });
    const versionId = versions.data.versions[0].versionId as string;
    await client.createAlias('trg', 'web', versionId);
    // One HTTP trigger per function: the alias's URL is served by pointing the trigger at it.
    await client.updateTrigger('trg', 'site', 'h', { qualifier: 'web' });
    await client.updateFunction('trg', 'site', {
      code: { zipFile: await echoZip('exports.handler = () => { throw new Error("boom"); };\n') },
    });
    const fromVersion = await py('GET', `${V}/proxy/trg.web/site/`, undefined, {}, false);
    expect(fromVersion.status, fromVersion.text).toBe(200);
    expect(fromVersion.json.version).toBe(versionId);
    await client.updateTrigger('trg', 'site', 'h', { qualifier: 'LATEST' });
    const failed = await py('GET', `${V}/proxy/trg/site/`, undefined, {}, false);
    expect([failed.status, failed.headers['x-fc-error-type']]).toEqual([502, 'UnhandledInvocationError']);
    expect(failed.json.errorMessage).toContain('boom');
  });
});
