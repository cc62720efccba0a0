// Whether a process id names a running process on this machine: how a lock file or a temp file
// left by a crashed (or SIGKILLed) process is told apart from one a running process still uses.

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
