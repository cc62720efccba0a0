// Spare hosts: Node.js and Python processes started ahead of need (by prepare, as CreateFunction and
// UpdateFunction do), per memory size, that a new instance is bound to. Which process served a call
// is told by its pid: a spare's pid was running before the call was made.
import path from 'node:path';

import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { FunctionInfo } from '../../src/fc/types.js';
import { type FunctionExecutor, type FunctionTarget } from '../../src/sandbox/runtime/executor.js';
import { findProgram } from '../../src/sandbox/runtime/environment.js';
import { alive, openExecutor, spareStarted, writeTarget } from './executor-support.js';

const HAS_PYTHON = findProgram('python3') !== undefined;
const LINUX = process.platform === 'linux';

let dir: string;
let closeExecutor: () => Promise<void>;
let executor: FunctionExecutor;

beforeEach(async () => {
  ({ dir, executor, close: closeExecutor } = await openExecutor('fcw-executor-spares-'));
});

afterEach(async () => {
  await closeExecutor?.();
});

async function target(
  name: string,
  runtime: string,
  files: Record<string, string>,
  extra: Partial<FunctionInfo> = {},
): Promise<FunctionTarget> {
  const zip = new JSZip();
  for (const [file, content] of Object.entries(files)) zip.file(file, content);
  return writeTarget(dir, zip, { functionName: name, runtime, ...extra });
}

async function call(fn: FunctionTarget): Promise<Record<string, unknown>> {
  const result = await executor.invoke(fn, Buffer.alloc(0), { requestId: `rid-${fn.config.functionName}` });
  expect(result.errorType, result.body.toString()).toBeUndefined();
  expect(result.coldStart).toBe(true);
  return JSON.parse(result.body.toString()) as Record<string, unknown>;
}

const PY_REPORT =
  'import json, os, resource, sys\n' +
  'def handler(event, context):\n' +
  '    return json.dumps({"pid": os.getpid(), "cwd": os.getcwd(), "env": dict(os.environ),\n' +
  '        "path": sys.path, "limit": resource.getrlimit(resource.RLIMIT_AS)[0]})\n';
const NODE_REPORT =
  'exports.handler = (e, c, cb) => cb(null, JSON.stringify({ pid: process.pid, execArgv: process.execArgv }));\n';

describe.skipIf(!HAS_PYTHON || !LINUX)('a spare Python host', () => {
  it('serves the first call of a function prepared for: started before the call, bound to its code', async () => {
    const fn = await target(
      'py',
      'python3.10',
      { 'index.py': PY_REPORT, 'helper.py': 'X = 1\n' },
      { environmentVariables: { MY_VAR: 'mine', PYTHONPATH: '/from/the/function' } },
    );
    executor.prepare('python3.10', undefined);
    const before = await spareStarted('python-host.py');
    const seen = (await call(fn)) as { pid: number; cwd: string; env: Record<string, string>; path: string[] };
    expect(before).toContain(seen.pid);
    expect(path.basename(seen.cwd)).toBe('code');
    expect(seen.path[0]).toBe(seen.cwd);
    // PYTHONPATH is read by Python only at start: the bound spare has it where a fresh one would.
    expect(seen.path).toContain('/from/the/function');
    expect(seen.path.indexOf('/from/the/function')).toBeLessThan(seen.path.findIndex((p) => p.endsWith('lib-dynload')));
    expect(seen.env.MY_VAR).toBe('mine');
    expect(seen.env.FC_FUNCTION_NAME).toBe('py');
    // Nothing of the spare's own environment stays (it had a HOME of its own).
    expect(seen.env.HOME).toBe(path.join(path.dirname(seen.cwd), 'tmp'));
  });

  it("caps a spare's address space at the memory size it was started for", async () => {
    const small = await target('small', 'python3.10', { 'index.py': PY_REPORT }, { memorySize: 128 });
    const large = await target('large', 'python3.10', { 'index.py': PY_REPORT }, { memorySize: 1024 });
    executor.prepare('python3.10', 128);
    executor.prepare('python3.10', 1024);
    const before = await spareStarted('python-host.py', 2);
    const a = (await call(small)) as { pid: number; limit: number };
    const b = (await call(large)) as { pid: number; limit: number };
    expect(before).toContain(a.pid);
    expect(before).toContain(b.pid);
    // Each is what the interpreter mapped at start plus the function's memory: they differ by the
    // memory sizes' difference, give or take what the two interpreters mapped (a few MB).
    const differenceMB = (b.limit - a.limit) / (1024 * 1024);
    expect(Math.abs(differenceMB - (1024 - 128))).toBeLessThan(64);
  });

  it('is not used for a function that sets a variable Python reads only at start', async () => {
    const fn = await target(
      'seeded',
      'python3.10',
      { 'index.py': PY_REPORT },
      { environmentVariables: { PYTHONHASHSEED: '7' } },
    );
    executor.prepare('python3.10', undefined);
    const before = await spareStarted('python-host.py');
    const seen = (await call(fn)) as { pid: number };
    expect(before).not.toContain(seen.pid);
  });

  it('ends when the executor closes', async () => {
    executor.prepare('python3.10', undefined);
    const [spare] = await spareStarted('python-host.py');
    await closeExecutor();
    expect(alive(spare!)).toBe(false);
  });
});

describe.skipIf(!LINUX)('a spare Node.js host', () => {
  it('started by prepare serves the first call, with the heap cap of its memory size', async () => {
    const fn = await target('node', 'nodejs20', { 'index.js': NODE_REPORT }, { memorySize: 512 });
    executor.prepare('nodejs20', 512);
    const before = await spareStarted('node-host.cjs');
    const seen = (await call(fn)) as { pid: number; execArgv: string[] };
    expect(before).toContain(seen.pid);
    expect(seen.execArgv).toContain('--max-old-space-size=512');
  });

  it('is not used for a function of another memory size, nor one that sets NODE_OPTIONS', async () => {
    const other = await target('other', 'nodejs20', { 'index.js': NODE_REPORT }, { memorySize: 256 });
    const withOptions = await target(
      'opts',
      'nodejs20',
      { 'index.js': NODE_REPORT },
      { memorySize: 512, environmentVariables: { NODE_OPTIONS: '--no-warnings' } },
    );
    executor.prepare('nodejs20', 512);
    const before = await spareStarted('node-host.cjs');
    const a = (await call(other)) as { pid: number; execArgv: string[] };
    expect(before).not.toContain(a.pid);
    expect(a.execArgv).toContain('--max-old-space-size=256');
    const b = (await call(withOptions)) as { pid: number };
    expect(before).not.toContain(b.pid);
  });
});
