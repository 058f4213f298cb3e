import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * The `earshot` command run as a user runs it (a child process of bin/earshot.js, from the
 * repository root) with the given environment, and `sqlValue` for a one-value read of its
 * store through `earshot sql` (the query must name its one column `v`).
 */
export function earshotCli(env: NodeJS.ProcessEnv) {
  const earshot = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/earshot.js', ...args], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const sqlValue = (query: string): string => {
    const r = earshot('sql', query, '--json');
    expect(r.code, r.stderr).toBe(0);
    return String((JSON.parse(r.stdout.trim()) as { v: unknown }).v);
  };
  return { earshot, sqlValue };
}
