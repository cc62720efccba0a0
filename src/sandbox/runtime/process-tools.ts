// Process helpers shared by the instance kinds: ending a process with everything it started, the
// peak memory of a process, and FC's texts for a call that did not complete.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Kills the child's whole process group (instances are started detached, in a group of their own,
 * so what the function started dies with it). Resolves once the child has exited.
 */
export function killTree(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (exited) return Promise.resolve();
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  return done;
}

/** The peak resident memory of a live process in MB (Linux: VmHWM), or undefined where unknown. */
export function peakRssMB(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function formatMB(mb: number | undefined): string {
  return mb === undefined ? 'unknown' : `${mb.toFixed(2)}MB`;
}

/** FC's body for a call killed at its timeout (UnhandledInvocationError). */
export function timedOutBody(seconds: number, maxMemoryMB: number | undefined): Buffer {
  return Buffer.from(
    JSON.stringify({
      errorMessage: `Function timed out after ${seconds} seconds (maxMemoryUsage: ${formatMB(maxMemoryMB)})`,
    }),
  );
}

/** FC's body for a process that ended during a call (a crash, process.exit, out of memory). */
export function exitedBody(durationMs: number, maxMemoryMB: number | undefined): Buffer {
  return Buffer.from(
    JSON.stringify({
      errorMessage:
        'Process exited unexpectedly before completing request ' +
        `(duration: ${durationMs}ms, maxMemoryUsage: ${formatMB(maxMemoryMB)})`,
    }),
  );
}
