import { describe, expect, it } from 'vitest';

import { spareCanServe } from '../../src/sandbox/runtime/spares.js';
import { commonShapes } from '../../src/sandbox/startup-spares.js';

describe('spareCanServe', () => {
  it('takes a function whose variables a process reads after it started, or none', () => {
    expect(spareCanServe('nodejs', {}, false)).toBe(true);
    expect(
      spareCanServe('nodejs', { NODE_PATH: '/x', NODE_ENV: 'production', NODE_TLS_REJECT_UNAUTHORIZED: '0' }, false),
    ).toBe(true);
    expect(spareCanServe('nodejs', { NODE_PATH: '/x', MY_VAR: '1', PYTHONHASHSEED: '1' }, false)).toBe(true);
    expect(spareCanServe('python', { PYTHONPATH: '/x', NODE_OPTIONS: '--x' }, false)).toBe(true);
  });

  it('refuses variables read only at start: NODE_OPTIONS, UV_*, PYTHON* but PYTHONPATH, LD_*', () => {
    expect(spareCanServe('nodejs', { NODE_OPTIONS: '--max-old-space-size=64' }, false)).toBe(false);
    expect(spareCanServe('nodejs', { UV_THREADPOOL_SIZE: '8' }, false)).toBe(false);
    expect(spareCanServe('nodejs', { LD_PRELOAD: '/x.so' }, false)).toBe(false);
    expect(spareCanServe('python', { PYTHONHASHSEED: '0' }, false)).toBe(false);
    expect(spareCanServe('python', { PYTHONPATHS: '0' }, false)).toBe(false);
    expect(spareCanServe('python', { LD_LIBRARY_PATH: '/x' }, false)).toBe(false);
    expect(spareCanServe('python', { LANG: 'en_US.ISO-8859-1' }, false)).toBe(false);
    expect(spareCanServe('nodejs', { NODE_EXTRA_CA_CERTS: '/ca.pem' }, false)).toBe(false);
  });

  it('refuses a function whose layers hold /opt/lib (the loader reads LD_LIBRARY_PATH at start)', () => {
    expect(spareCanServe('nodejs', {}, true)).toBe(false);
    expect(spareCanServe('python', {}, true)).toBe(false);
  });
});

describe('commonShapes', () => {
  it('picks the most used runtime and memory size pairs, most used first, ties in the order seen', () => {
    const records = [
      { runtime: 'python3.10', memorySize: 256 },
      { runtime: 'nodejs20' },
      { runtime: 'nodejs20', memorySize: 128 },
      { runtime: 'nodejs18', memorySize: 512 },
      { runtime: 'python3.10', memorySize: 256 },
      { runtime: 'python3.10', memorySize: 256 },
    ];
    expect(commonShapes(records, 2)).toEqual([
      { runtime: 'python3.10', memorySize: 256 },
      { runtime: 'nodejs20', memorySize: 128 },
    ]);
    expect(commonShapes([], 2)).toEqual([]);
  });
});
