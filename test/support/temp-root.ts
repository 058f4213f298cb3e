import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder per test run, removed when the run ends. Tests make chdb data
 * directories, CLI workspaces and e2e data dirs with `mkdtemp(os.tmpdir())`, some of them
 * 100 MB; left in /tmp they added up to gigabytes over a day of runs. Pointing TMPDIR here
 * before the test processes start puts all of them (and whatever the processes they spawn
 * write) in one folder that goes at teardown, whichever way each test ended.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'earshot-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
