// An alias with additionalVersionWeight splits invocations between its versions as FC does, both
// for InvokeFunction (the official SDK) and for an HTTP trigger on the alias. The sandbox's random
// source is a fixed sequence here, so which version each call runs is known in advance. An alias
// with `resolvePolicy: Content` routes by the request instead: InvokeFunction, its HTTP trigger and
// a custom domain's route all follow its routePolicy.

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, rawRequest, sdkError } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const SERVICE = 'canary';
const DOMAIN = 'beta.example.com';
/** Calls with the header x-group: beta or the query ?tier=gold run version 2 (the canary). */
const BETA_ROUTE = {
  condition: 'OR',
  policyItems: [
    { type: 'Header', key: 'x-group', value: 'beta', operator: '=' },
    { type: 'Query', key: 'tier', value: 'gold,platinum', operator: 'in' },
  ],
};
/** Version 2 has a 0.25 share: a draw below 0.25 runs it, anything else version 1. */
const DRAWS = [0.1, 0.3, 0.24, 0.9, 0.25, 0];
let drawn = 0;
const sequence = () => DRAWS[drawn++ % DRAWS.length] ?? 0;

async function zipOf(files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
}

/** Both functions answer the version of the code that ran (its text) and the version id in the context. */
async function deployVersion(label: string): Promise<void> {
  const event = `exports.handler = (e, context, cb) => cb(null, '${label} ' + context.service.versionId);\n`;
  const web =
    'exports.handler = (req, resp, context) => ' +
    `resp.send('${label} ' + context.service.versionId + ' ' + context.service.qualifier);\n`;
  for (const [functionName, source] of [
    ['event', event],
    ['web', web],
    ['webbeta', web], // the sandbox takes one HTTP trigger per function: this one's is on alias beta
  ] as const) {
    const code = { zipFile: await zipOf({ 'index.js': source }) };
    const exists = await client.getFunction(SERVICE, functionName).then(
      () => true,
      () => false,
    );
    if (exists) await client.updateFunction(SERVICE, functionName, { code });
    else await client.createFunction(SERVICE, { functionName, runtime: 'nodejs18', handler: 'index.handler', code });
  }
  await client.publishVersion(SERVICE, label);
}

beforeAll(async () => {
  ({
    sandbox,
    client,
    close: closeSandbox,
  } = await openSdkSandbox({ dataSubdir: 'data', random: sequence, sdkTimeoutMs: 60_000 }));
  await client.createService(SERVICE);
  await deployVersion('one');
  await deployVersion('two');
  await client.createAlias(SERVICE, 'prod', '1', { additionalVersionWeight: { '2': 0.25 } });
  await client.createTrigger(SERVICE, 'web', {
    triggerName: 'http',
    triggerType: 'http',
    qualifier: 'prod',
    triggerConfig: { authType: 'anonymous', methods: ['GET'] },
  });
  await client.createAlias(SERVICE, 'beta', '1', {
    additionalVersionWeight: { '2': 0.01 },
    resolvePolicy: 'Content',
    routePolicy: BETA_ROUTE,
  });
  await client.createTrigger(SERVICE, 'webbeta', {
    triggerName: 'http-beta',
    triggerType: 'http',
    qualifier: 'beta',
    triggerConfig: { authType: 'anonymous', methods: ['GET'] },
  });
  await client.createCustomDomain(DOMAIN, {
    protocol: 'HTTP',
    routeConfig: { routes: [{ path: '/*', serviceName: SERVICE, functionName: 'webbeta', qualifier: 'beta' }] },
  });
}, 60_000);

afterAll(async () => {
  await closeSandbox?.();
});

describe('an alias with additionalVersionWeight', () => {
  it('sends its share of InvokeFunction calls to the additional version', async () => {
    drawn = 0;
    const answers: string[] = [];
    for (let i = 0; i < DRAWS.length; i++) {
      answers.push(String((await client.invokeFunction(SERVICE, 'event', '{}', {}, 'prod')).data));
    }
    expect(answers).toEqual(['two 2', 'one 1', 'two 2', 'one 1', 'one 1', 'two 2']);
  });

  it('sends its share of HTTP trigger requests there too, the context naming the alias', async () => {
    drawn = 0;
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await rawRequest(sandbox.url, { method: 'GET', path: `/2016-08-15/proxy/${SERVICE}.prod/web/` });
      expect(res.status, res.text).toBe(200);
      answers.push(res.text);
    }
    expect(answers).toEqual(['two 2 prod', 'one 1 prod', 'two 2 prod', 'one 1 prod']);
  });

  it('is read as its main version: GetFunction through the alias draws nothing', async () => {
    drawn = 0;
    const got = await client.getFunction(SERVICE, 'event', {}, 'prod');
    expect(got.data.functionName).toBe('event');
    expect(drawn).toBe(0);
  });
});

describe('an alias with resolvePolicy Content', () => {
  it('is stored and answered with its routePolicy', async () => {
    const got = await client.getAlias(SERVICE, 'beta');
    expect(got.data).toMatchObject({ resolvePolicy: 'Content', routePolicy: BETA_ROUTE, versionId: '1' });
  });

  it('runs InvokeFunction calls matching its routePolicy on the canary version, others on the main one', async () => {
    drawn = 0;
    const invoke = async (headers: Record<string, string>) =>
      String((await client.invokeFunction(SERVICE, 'event', '{}', headers, 'beta')).data);
    expect(await invoke({ 'x-group': 'beta' })).toBe('two 2');
    expect(await invoke({ 'x-group': 'alpha' })).toBe('one 1');
    expect(await invoke({})).toBe('one 1');
    expect(drawn).toBe(0);
  });

  it('routes HTTP trigger and custom domain requests by their headers and query', async () => {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await rawRequest(sandbox.url, { method: 'GET', path, headers });
      expect(res.status, res.text).toBe(200);
      return res.text;
    };
    const proxy = `/2016-08-15/proxy/${SERVICE}.beta/webbeta/`;
    expect(await get(proxy, { 'X-Group': 'beta' })).toBe('two 2 beta');
    expect(await get(`${proxy}?tier=platinum`)).toBe('two 2 beta');
    expect(await get(`${proxy}?tier=silver`)).toBe('one 1 beta');
    expect(await get('/any/path?tier=gold', { host: DOMAIN })).toBe('two 2 beta');
    expect(await get('/any/path', { host: DOMAIN })).toBe('one 1 beta');
  });

  it('refuses a routePolicy or resolvePolicy that breaks a rule with a 400 naming it', async () => {
    const policy = (routePolicy: unknown, extra: Record<string, unknown> = {}) =>
      sdkError(
        client.createAlias(SERVICE, 'bad', '1', {
          additionalVersionWeight: { '2': 1 },
          resolvePolicy: 'Content',
          routePolicy,
          ...extra,
        }),
      );
    const wrongOperator = await policy({ policyItems: [{ type: 'Header', key: 'k', value: 'v', operator: '~' }] });
    expect(wrongOperator.code).toBe('InvalidArgument');
    expect(wrongOperator.message).toContain('routePolicy.policyItems[0].operator: must be one of');
    const noPolicy = await policy(undefined);
    expect(noPolicy.message).toContain('routePolicy: is required with resolvePolicy Content');
    const wrongMode = await policy(BETA_ROUTE, { resolvePolicy: 'Weighted' });
    expect(wrongMode.message).toContain('resolvePolicy: must be Random');
    const twoCanaries = await sdkError(client.updateAlias(SERVICE, 'beta', '1', { additionalVersionWeight: {} }));
    expect(twoCanaries.message).toContain('additionalVersionWeight: with resolvePolicy Content must name exactly one');
    expect((await client.getAlias(SERVICE, 'beta')).data.additionalVersionWeight).toEqual({ '2': 0.01 });
  });

  it('goes back to weights when UpdateAlias sets resolvePolicy Random, keeping the routePolicy stored', async () => {
    await client.createAlias(SERVICE, 'switch', '1', {
      additionalVersionWeight: { '2': 1 },
      resolvePolicy: 'Content',
      routePolicy: BETA_ROUTE,
    });
    const invoke = async () => String((await client.invokeFunction(SERVICE, 'event', '{}', {}, 'switch')).data);
    expect(await invoke()).toBe('one 1');
    const updated = await client.updateAlias(SERVICE, 'switch', undefined, { resolvePolicy: 'Random' });
    expect(updated.data).toMatchObject({ resolvePolicy: 'Random', routePolicy: BETA_ROUTE });
    expect(await invoke()).toBe('two 2');
  });
});
