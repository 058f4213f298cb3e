import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder per test run, removed when the run ends. Tests make chdb data
 * directories, CLI workspaces and e2e data dirs with `mkdtemp(os.tmpdir())`, some of them
 * 100 MB; left in /tmp they added up to gigabytes over a day of runs. Pointing TMPDIR here
 * before the test processes start puts all of them (and whatever the processes they spawn
 * write) in one folder that goes at teardown, whichever way each test ended.
 *
 * Every project lists this setup and they all run in vitest's main process, so the first one
 * makes the folder and the others use it: nested folders made Chromium's socket path longer
 * than a Unix socket may be. The folder name is short for the same reason.
 */
const OWNER = 'EARSHOT_TEST_TMP_ROOT';

export default function setup(): () => void {
  const existing = process.env[OWNER];
  if (existing !== undefined && existsSync(existing) && process.env.TMPDIR === existing) {
    return () => {};
  }
  const root = mkdtempSync(join(tmpdir(), 'earshot-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  process.env[OWNER] = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    delete process.env[OWNER];
    rmSync(root, { recursive: true, force: true });
  };
}
