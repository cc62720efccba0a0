// The sandbox executor's pure parts: the host framing, the log tail, qualifiers, version notes,
// the instance environment, and the warm pool's reuse and retirement.
import { describe, expect, it } from 'vitest';

import { logTail, splitQualifier } from '../../src/sandbox/invoke-api.js';
import { instanceEnvironment } from '../../src/sandbox/runtime/environment.js';
import { encodeFrame, FrameReader } from '../../src/sandbox/runtime/frames.js';
import { InstancePool, type Slot } from '../../src/sandbox/runtime/instance-pool.js';
import { runtimeSupport, versionNote } from '../../src/sandbox/runtime/support.js';
import type { FunctionTarget } from '../../src/sandbox/runtime/types.js';

describe('frames', () => {
  it('round-trip header and binary body, split across chunks at every byte', () => {
    const body = Buffer.from([0, 255, 10, 13, 0x80]);
    const bytes = Buffer.concat([encodeFrame({ type: 'log' }, body), encodeFrame({ type: 'done', ok: true })]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const reader = new FrameReader();
      const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(frames.map((f) => f.header.type)).toEqual(['log', 'done']);
      expect(frames.map((f) => [...f.body])).toEqual([[...body], []]);
    }
  });
});

describe('logTail', () => {
  it('keeps the last 4 KB, starting on a whole UTF-8 character', () => {
    const log = Buffer.from(`${'é'.repeat(3000)}end`, 'utf8');
    const tail = logTail(log);
    expect(tail.length).toBeLessThanOrEqual(4096);
    expect(tail.toString('utf8')).toMatch(/^é+end$/);
    expect(logTail(Buffer.from('short'))).toEqual(Buffer.from('short'));
  });
});

describe('splitQualifier', () => {
  it('splits service.qualifier; no qualifier is LATEST', () => {
    expect(splitQualifier('demo')).toEqual({ service: 'demo', qualifier: 'LATEST' });
    expect(splitQualifier('demo.prod')).toEqual({ service: 'demo', qualifier: 'prod' });
    expect(splitQualifier('demo.3')).toEqual({ service: 'demo', qualifier: '3' });
  });
});

describe('runtime support and version notes', () => {
  it('runs Node.js, Python 3 and custom runtimes; refuses the rest with a reason', () => {
    expect(runtimeSupport('nodejs14')).toEqual({ kind: 'nodejs', version: [14] });
    expect(runtimeSupport('python3')).toEqual({ kind: 'python', version: [3, 6] });
    expect(runtimeSupport('python3.10')).toEqual({ kind: 'python', version: [3, 10] });
    expect(runtimeSupport('custom.debian10')).toEqual({ kind: 'custom' });
    expect(runtimeSupport('java11').kind).toBe('unsupported');
    expect(runtimeSupport('python2.7').kind).toBe('unsupported');
    expect(runtimeSupport('custom-container').kind).toBe('unsupported');
  });

  it('notes a different local interpreter, and says when it is older', () => {
    expect(versionNote('nodejs20', [20], 'v20.11.1', 'Node.js')).toBeUndefined();
    expect(versionNote('nodejs14', [14], 'v20.11.1', 'Node.js')).toBe(
      'fcw sandbox: runtime nodejs14 ran on the local Node.js v20.11.1',
    );
    expect(versionNote('python3.12', [3, 12], '3.11.7', 'Python')).toBe(
      'fcw sandbox: runtime python3.12 ran on the local Python 3.11.7, which is older than the runtime',
    );
    expect(versionNote('python3.10', [3, 10], '3.10.2', 'Python')).toBeUndefined();
  });
});

describe('instanceEnvironment', () => {
  const target: FunctionTarget = {
    serviceName: 'svc',
    qualifier: 'LATEST',
    revision: 'r1',
    codeZipPath: '/x.zip',
    config: {
      functionName: 'fn',
      runtime: 'nodejs20',
      handler: 'index.handler',
      memorySize: 256,
      environmentVariables: { A: '1' },
      functionId: 'id',
      createdTime: '',
      lastModifiedTime: '',
    },
  };

  it("holds the function's variables and FC's, none of fcw's own", () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'never';
    try {
      const env = instanceEnvironment(target, {
        codeDir: '/w/code',
        tmpDir: '/w/tmp',
        region: 'cn-hangzhou',
        accountId: '123',
        instanceId: 'i1',
        optDir: '/w/opt',
        kind: 'nodejs',
        nodeMajor: 20,
      });
      expect(env).toMatchObject({
        A: '1',
        FC_FUNCTION_NAME: 'fn',
        FC_SERVICE_NAME: 'svc',
        FC_FUNC_CODE_PATH: '/w/code',
        FC_FUNCTION_MEMORY_SIZE: '256',
        // The sandbox's own: where the layers are, as it cannot put them at /opt.
        FC_OPT_DIR: '/w/opt',
        HOME: '/w/tmp',
      });
      // Layers: the instance's /opt stand-in where FC's Node.js runtime looks.
      expect(env.NODE_PATH).toBe('/w/opt/nodejs/node20/node_modules:/w/opt/nodejs/node_modules');
      expect(env.PATH?.split(':')).toContain('/w/opt/bin');
      expect(Object.keys(env).filter((k) => k.startsWith('ALIBABA') || k.startsWith('FCW'))).toEqual([]);
      expect(env.FC_SERVER_PORT).toBeUndefined();
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    }
  });
});

describe('InstancePool', () => {
  function pool(max = 2) {
    const started: Slot<number>[] = [];
    const stopped: number[] = [];
    let next = 0;
    const p = new InstancePool<number>({
      max,
      idleMs: 60_000,
      start: async () => {
        const slot: Slot<number> = { value: next++, initialized: false, fresh: true };
        started.push(slot);
        return slot;
      },
      stop: async (slot) => {
        stopped.push(slot.value);
      },
    });
    return { p, started, stopped };
  }

  it('reuses an idle instance; a concurrent request gets its own; a lost one is ended', async () => {
    const { p, started, stopped } = pool();
    const a = await p.acquire();
    const b = await p.acquire();
    expect([a.value, b.value]).toEqual([0, 1]);
    p.release(a, false);
    const again = await p.acquire();
    expect(again.value).toBe(0);
    expect(again.fresh).toBe(false);
    p.release(again, true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toEqual([0]);
    expect(started).toHaveLength(2);
    await p.stopAll();
    expect(stopped.sort()).toEqual([0, 1]);
  });

  it('past the cap a request waits for a release', async () => {
    const { p } = pool(1);
    const a = await p.acquire();
    const waiting = p.acquire();
    p.release(a, false);
    expect((await waiting).value).toBe(0);
    await p.stopAll();
  });

  it('retire ends idle instances now and busy ones at release', async () => {
    const { p, stopped } = pool();
    const a = await p.acquire();
    const b = await p.acquire();
    p.release(a, false);
    await p.retire();
    expect(stopped).toEqual([0]);
    p.release(b, false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toEqual([0, 1]);
  });
});
