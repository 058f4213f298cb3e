import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The live process holding the embedded engine's lock on `path`, if any. The engine writes
 * its PID into `status` while it holds the directory and removes the file on a clean close;
 * a PID that no longer runs (a killed process) left a stale file, not a holder. Reading this
 * first lets us say who holds the directory instead of letting the engine fail to open it
 * (which also prints its own error line on stderr).
 */
export function chdbLockHolder(path: string): number | null {
  const status = join(path, 'status');
  if (!existsSync(status)) return null;
  let pid: number;
  try {
    pid = Number(/^PID:\s*(\d+)/m.exec(readFileSync(status, 'utf8'))?.[1]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
