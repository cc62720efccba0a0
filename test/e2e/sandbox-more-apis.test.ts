// The rest of FC 2.0's service API a tool touches, with the official Node SDK: tags on services,
// async invoke / provision / on-demand configs, custom domains, account settings; and the 501 of
// what the sandbox cannot stand in for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { EMPTY_ZIP_B64, openSdkSandbox, sdkError } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

beforeAll(async () => {
  ({ sandbox, client, close: closeSandbox } = await openSdkSandbox());
  await client.createService('app');
  await client.createFunction('app', {
    functionName: 'fn',
    runtime: 'nodejs18',
    handler: 'index.handler',
    code: { zipFile: EMPTY_ZIP_B64 },
  });
  await client.publishVersion('app', 'v1');
  await client.createAlias('app', 'prod', '1');
});

afterAll(async () => {
  await closeSandbox?.();
});

describe('tags on services', () => {
  it('tag, read, untag some and all; errors name the field or the service', async () => {
    const arn = `acs:fc:cn-hangzhou:${sandbox.accountId}:services/app`;
    await client.tagResource(arn, { team: 'web', env: 'prod' });
    expect((await client.getResourceTags({ resourceArn: arn })).data).toEqual({
      resourceArn: arn,
      tags: { team: 'web', env: 'prod' },
    });
    await client.createService('untagged');
    const filtered = await client.listServices({ tag_team: 'web' });
    expect(filtered.data.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['app']);
    const none = await client.listServices({ tag_team: 'web', tag_env: 'dev' });
    expect(none.data.services).toEqual([]);
    await client.untagResource('services/app', ['env']);
    expect((await client.getResourceTags({ resourceArn: 'services/app' })).data.tags).toEqual({ team: 'web' });
    await client.untagResource(arn, [], true);
    expect((await client.getResourceTags({ resourceArn: arn })).data.tags).toEqual({});
    expect((await sdkError(client.tagResource('services/ghost', { a: 'b' }))).code).toBe('ServiceNotFound');
    const badArn = await sdkError(client.tagResource('functions/x', { a: 'b' }));
    expect([badArn.code, badArn.message]).toEqual(['InvalidArgument', expect.stringContaining('resourceArn')]);
    const reserved = await sdkError(client.tagResource(arn, { 'aliyun:x': 'b' }));
    expect([reserved.code, reserved.message]).toEqual(['InvalidArgument', expect.stringContaining('tags')]);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect((await sdkError(client.tagResource(arn, tooMany))).code).toBe('InvalidArgument');
  });
});

describe('function async invoke config', () => {
  it('put, get, list, delete per qualifier; 404 when unset; fields checked', async () => {
    const destination = `acs:fc:cn-hangzhou:${sandbox.accountId}:services/app.LATEST/functions/fn`;
    const put = await client.putFunctionAsyncConfig('app', 'fn', 'prod', {
      maxAsyncEventAgeInSeconds: 300,
      maxAsyncRetryAttempts: 2,
      destinationConfig: { onFailure: { destination } },
    });
    expect(put.data).toMatchObject({
      service: 'app',
      function: 'fn',
      qualifier: 'prod',
      maxAsyncEventAgeInSeconds: 300,
      maxAsyncRetryAttempts: 2,
      destinationConfig: { onFailure: { destination } },
      statefulInvocation: false,
    });
    expect((await client.getFunctionAsyncConfig('app', 'fn', 'prod')).data).toEqual(put.data);
    expect((await sdkError(client.getFunctionAsyncConfig('app', 'fn', 'LATEST'))).code).toBe('AsyncConfigNotExists');
    await client.putFunctionAsyncConfig('app', 'fn', null, { maxAsyncRetryAttempts: 0 });
    const listed = await client.listFunctionAsyncConfigs('app', 'fn');
    expect(listed.data.configs.map((c: { qualifier: string }) => c.qualifier)).toEqual(['LATEST', 'prod']);
    await client.deleteFunctionAsyncConfig('app', 'fn', 'prod');
    expect((await sdkError(client.deleteFunctionAsyncConfig('app', 'fn', 'prod'))).code).toBe('AsyncConfigNotExists');
    const badRetries = await sdkError(client.putFunctionAsyncConfig('app', 'fn', null, { maxAsyncRetryAttempts: 9 }));
    expect([badRetries.code, badRetries.message]).toEqual([
      'InvalidArgument',
      expect.stringContaining('maxAsyncRetryAttempts'),
    ]);
    const badDest = await sdkError(
      client.putFunctionAsyncConfig('app', 'fn', null, { destinationConfig: { onSuccess: { destination: 'x' } } }),
    );
    expect(badDest.message).toContain('destinationConfig.onSuccess.destination');
    expect((await sdkError(client.putFunctionAsyncConfig('app', 'ghost', null, {}))).code).toBe('FunctionNotFound');
    expect((await sdkError(client.getFunctionAsyncConfig('app', 'fn', 'beta'))).code).toBe('AliasNotFound');
  });
});

describe('provision and on-demand configs', () => {
  it('provision: put on an alias, get (target 0 when unset), list; LATEST refused', async () => {
    const put = await client.putProvisionConfig('app', 'fn', 'prod', { target: 2 });
    expect(put.data).toEqual({
      resource: `${sandbox.accountId}#app#prod#fn`,
      target: 2,
      scheduledActions: [],
      targetTrackingPolicies: [],
      alwaysAllocateCPU: true,
    });
    expect((await client.getProvisionConfig('app', 'fn', 'prod')).data).toMatchObject({ target: 2, current: 2 });
    expect((await client.getProvisionConfig('app', 'fn', '1')).data).toMatchObject({ target: 0, current: 0 });
    const listed = await client.listProvisionConfigs({ serviceName: 'app' });
    expect(listed.data.provisionConfigs.map((c: { resource: string }) => c.resource)).toEqual([
      `${sandbox.accountId}#app#prod#fn`,
    ]);
    const latest = await sdkError(client.putProvisionConfig('app', 'fn', 'LATEST', { target: 1 }));
    expect([latest.code, latest.message]).toEqual(['InvalidArgument', expect.stringContaining('qualifier')]);
    expect((await sdkError(client.putProvisionConfig('app', 'fn', 'prod', { target: -1 }))).message).toContain(
      'target',
    );
  });

  it('on-demand: put, get, list, delete; 404 when unset', async () => {
    const put = await client.putOnDemandConfig('app', 'fn', 'LATEST', { maximumInstanceCount: 5 });
    expect(put.data).toEqual({ resource: 'services/app.LATEST/functions/fn', maximumInstanceCount: 5 });
    expect((await client.getOnDemandConfig('app', 'fn', 'LATEST')).data).toEqual(put.data);
    expect((await client.listOnDemandConfigs()).data.configs).toEqual([put.data]);
    await client.deleteOnDemandConfig('app', 'fn', 'LATEST');
    expect((await sdkError(client.getOnDemandConfig('app', 'fn', 'LATEST'))).code).toBe('OnDemandConfigNotFound');
    expect((await sdkError(client.putOnDemandConfig('app', 'fn', 'LATEST', {}))).message).toContain(
      'maximumInstanceCount',
    );
  });
});

describe('custom domains', () => {
  it('create, get, list, update with If-Match, delete, in FC shape; routes must name real functions', async () => {
    const routeConfig = {
      routes: [{ path: '/api/*', serviceName: 'app', functionName: 'fn', qualifier: 'prod', methods: ['GET'] }],
    };
    const created = await client.createCustomDomain('api.example.com', { protocol: 'HTTP', routeConfig });
    expect(created.data).toMatchObject({
      domainName: 'api.example.com',
      accountId: sandbox.accountId,
      apiVersion: '2016-08-15',
      protocol: 'HTTP',
      routeConfig,
      certConfig: {},
      tlsConfig: {},
    });
    expect((await client.getCustomDomain('api.example.com')).data).toEqual(created.data);
    expect((await client.listCustomDomains()).data).toEqual({ customDomains: [created.data] });
    expect((await sdkError(client.createCustomDomain('api.example.com', { protocol: 'HTTP' }))).code).toBe(
      'DomainNameAlreadyExists',
    );
    const stale = await sdkError(
      client.updateCustomDomain('api.example.com', { protocol: 'HTTP' }, { 'if-match': 'stale' }),
    );
    expect(stale.code).toBe('PreconditionFailed');
    const updated = await client.updateCustomDomain('api.example.com', { routeConfig: { routes: [] } });
    expect(updated.data.routeConfig).toEqual({ routes: [] });
    await client.deleteCustomDomain('api.example.com');
    expect((await sdkError(client.getCustomDomain('api.example.com'))).code).toBe('DomainNameNotFound');

    const ghost = await sdkError(
      client.createCustomDomain('b.example.com', {
        protocol: 'HTTP',
        routeConfig: { routes: [{ path: '/', serviceName: 'app', functionName: 'ghost' }] },
      }),
    );
    expect([ghost.code, ghost.message]).toEqual([
      'InvalidArgument',
      expect.stringContaining('routeConfig.routes[0].functionName'),
    ]);
    const https = await sdkError(client.createCustomDomain('c.example.com', { protocol: 'HTTPS' }));
    expect(https.message).toContain('certConfig');
    const badName = await sdkError(client.createCustomDomain('Not_A_Domain', { protocol: 'HTTP' }));
    expect(badName.message).toContain('domainName');
  });
});

describe('account and what the sandbox cannot stand in for', () => {
  it('answers account settings, and 501 naming the API for temp code buckets and instances', async () => {
    expect((await client.getAccountSettings()).data).toEqual({ availableAZs: ['cn-hangzhou-sandbox'] });
    const token = await sdkError(client.getTempCodeBucketPermission('app', 'fn'));
    expect([token.code, token.message]).toEqual(['NotImplemented', expect.stringContaining('GetTempCodeBucketToken')]);
    const instances = await sdkError(client.listInstances('app', 'fn', 'LATEST'));
    expect([instances.code, instances.message]).toEqual(['NotImplemented', expect.stringContaining('ListInstances')]);
  });
});
