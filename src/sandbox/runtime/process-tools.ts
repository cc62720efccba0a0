// Process helpers shared by the instance kinds: ending a process with everything it started, the
// peak memory of a process, and FC's texts for a call that did not complete.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Kills the child's whole process group (instances are started detached, in a group of their own,
 * so what the function started dies with it), and on Linux also what left that group: a process
 * the function started in a session of its own (`setsid`, Node.js's `detached: true`, Python's
 * `start_new_session`) is not in the group, and outlived every timeout and `fcw serve`'s stop
 * until this looked for it. Such a process is found as a descendant of the child, or, once its
 * parent is gone, by the instance's `FC_INSTANCE_ID` in the environment it was started with.
 * Resolves once the child has exited.
 */
export function killTree(child: ChildProcess, instanceId?: string): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null;
  // Found before the group is killed: once their parents die, descendants are re-parented. An
  // exited child's pid may belong to another process by now: then only the marker is looked for.
  const strays = strayProcesses(exited ? undefined : child.pid, instanceId);
  for (const pid of strays) signal(pid);
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

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Linux: the processes descended from `rootPid`, and those started with `FC_INSTANCE_ID=<id>` in
 * their environment (readable for processes of the same user), never this process itself.
 */
export function strayProcesses(rootPid: number | undefined, instanceId?: string): number[] {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = instanceId ? `FC_INSTANCE_ID=${instanceId}\0` : undefined;
  const children = new Map<number, number[]>();
  const marked: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      // The parent pid is the second field after the command, which is in parentheses and may hold any byte.
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
      if (marker && `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(`\0${marker}`)) marked.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  const found = new Set<number>(marked);
  const queue = rootPid === undefined ? [] : [rootPid];
  while (queue.length > 0) {
    for (const pid of children.get(queue.pop()!) ?? []) {
      if (found.has(pid) || pid === rootPid) continue;
      found.add(pid);
      queue.push(pid);
    }
  }
  if (rootPid !== undefined) found.delete(rootPid);
  found.delete(process.pid);
  return [...found];
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
