// Sending a zip encodes it to base64 twice (its Content-MD5, then the wire) in short-lived strings,
// which would make V8 grow its young generation to 32 MB: the call holds it small, as a build does.
// Other calls leave V8 as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcClient, type CodeUpload } from '../../src/fc/client.js';
import type { Credentials } from '../../src/fc/types.js';
import { growthFlagToRestore } from '../../src/package/young-generation.js';
import { ACCOUNT_ID, startFakeFc, type FakeFc } from './client-fake-fc.js';

const KEY: Credentials = { accessKeyId: 'LTAI_YOUNG_GEN_TEST', accessKeySecret: 'young-generation-test-secret' };

let fc: FakeFc;
/** What the guard said while each request was being answered (the server runs in this process). */
const seen: (string | undefined)[] = [];
beforeAll(async () => {
  fc = await startFakeFc(KEY, () => {
    seen.push(growthFlagToRestore());
    return { status: 200, json: { functionName: 'hello', serviceName: 'svc', codeChecksum: '1' } };
  });
});
afterAll(() => fc.close());

describe('the young generation while a call is sent', () => {
  it('is held small for a zip body, and left alone for a JSON one', async () => {
    const client = new FcClient({ endpoint: fc.url, accountId: ACCOUNT_ID, credentials: KEY, retries: 0 });
    const code: CodeUpload = { kind: 'zip', zip: Buffer.alloc(300_000, 7), checksum: '1' };
    await client.createFunction('svc', { functionName: 'hello', runtime: 'nodejs20', handler: 'index.handler' }, code);
    await client.createService({ serviceName: 'svc' });
    expect(seen).toEqual(['--semi-space-growth-factor=1', undefined]);
    expect(growthFlagToRestore()).toBeUndefined();
  });
});
