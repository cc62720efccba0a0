// An alias with additionalVersionWeight splits invocations between its versions as FC does, both
// for InvokeFunction (the official SDK) and for an HTTP trigger on the alias. The sandbox's random
// source is a fixed sequence here, so which version each call runs is known in advance.

import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSandbox } from '../../src/sandbox/index.js';
import { openSdkSandbox, rawRequest } from './sandbox-support.js';

let sandbox: RunningSandbox;
let closeSandbox: () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const SERVICE = 'canary';
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
