// Shared by the executor tests: an executor with a fixed identity on a temp directory, and a
// function target whose code package is a zip written into that directory.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type JSZip from 'jszip';

import type { FunctionInfo } from '../../src/fc/types.js';
import { FunctionExecutor, type FunctionTarget } from '../../src/sandbox/runtime/executor.js';
import { tempDir } from './sandbox-support.js';

/** An executor whose instances' working copies live under `dir`. */
export function testExecutor(dir: string): FunctionExecutor {
  return new FunctionExecutor({
    accountId: '1234567890',
    region: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAIsandbox', accessKeySecret: 'sandbox-secret' },
    tempDir: dir,
  });
}

/** A temp directory and an executor on it; `close` stops the executor and removes the directory. */
export async function openExecutor(
  prefix: string,
): Promise<{ dir: string; executor: FunctionExecutor; close(): Promise<void> }> {
  const { dir, remove } = await tempDir(prefix);
  const executor = testExecutor(dir);
  const close = async () => {
    try {
      await executor.close();
    } finally {
      await remove();
    }
  };
  return { dir, executor, close };
}

/** Writes `zip` as `<functionName>.zip` in `dir`; the function answers on LATEST with a 30 s timeout. */
export async function writeTarget(
  dir: string,
  zip: JSZip,
  config: Pick<FunctionInfo, 'functionName' | 'runtime'> & Partial<FunctionInfo>,
): Promise<FunctionTarget> {
  const codeZipPath = path.join(dir, `${config.functionName}.zip`);
  writeFileSync(codeZipPath, await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' }));
  return {
    serviceName: 'svc',
    qualifier: 'LATEST',
    revision: 'r1',
    codeZipPath,
    config: {
      handler: 'index.handler',
      functionId: config.functionName,
      createdTime: '',
      lastModifiedTime: '',
      codeChecksum: '42',
      timeout: 30,
      ...config,
    },
  };
}

export type HostScript = 'node-host.cjs' | 'python-host.py';

/** This process's children running a host script (Linux: read from /proc). */
export function hostChildren(script: HostScript): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || Number(fields[1]) !== process.pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(script)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (no bound: the test's timeout is the bound) until `count` hosts run the script. */
export async function spareStarted(script: HostScript, count = 1): Promise<number[]> {
  for (;;) {
    const pids = hostChildren(script);
    if (pids.length >= count) return pids;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
