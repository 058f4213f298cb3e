import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `earshot start` that cannot start must say why and exit non-zero. It used to print the
 * error and then neither listen nor exit: the config watcher, the stages and the store it had
 * opened kept the process alive. The real CLI in a child process, with a temp data dir.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-start-fail-'));
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** Give up well before vitest does, so a hang is reported as one. */
const EXIT_WITHIN_MS = 30_000;

async function start(
  config: string | null,
  env: Record<string, string> = {},
  args = ['start', '--no-demo'],
): Promise<{ code: number | null; stderr: string; ms: number; file: string }> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  if (config !== null) writeFileSync(file, config);
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/earshot.js', ...args], {
    env: {
      ...process.env,
      PORT: '0',
      CHDB_PATH: join(dir, 'chdb'),
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
      EARSHOT_CONFIG: file,
      EARSHOT_DEMO_API_KEY: 'start-failure-key',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null); // still running: the bug
    }, EXIT_WITHIN_MS);
    child.on('exit', (c) => (clearTimeout(timer), resolve(c)));
  });
  const ms = Date.now() - started;
  console.log(`[figure] earshot ${args[0]} with a failure exited ${code} after ${ms} ms`);
  return { code, stderr, ms, file };
}

const workspace = (query: string, brandExtra = '') => `workspaces:
  - id: acme
    name: ACME
    brands:
      - id: acme
        name: ACME
        query: '${query}'
${brandExtra}`;

describe('earshot start with a config that cannot run', () => {
  it('exits non-zero naming file:line of an invalid watch query', async () => {
    const r = await start(workspace('acme AND ('));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.file}:7:27: workspaces.0.brands.0.query: invalid watch query`);
  });

  it('exits non-zero for a query nested 2,000 levels deep, at the level past the limit', async () => {
    const r = await start(workspace(`${'('.repeat(2000)}acme${')'.repeat(2000)}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.file}:7:117:`);
    expect(r.stderr).toContain('nested too deeply: "(" at position 100');
    expect(r.stderr).not.toContain('Maximum call stack');
  });

  it('exits non-zero naming file:line and the key meant for an unknown key', async () => {
    const r = await start(
      `${workspace('acme', '        competitor: [acme]\n')}alert:\n  rules: []\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${r.file}:8:9: workspaces.0.brands.0.competitor: unknown key "competitor" (did you mean "competitors"?)`,
    );
    expect(r.stderr).toContain(
      `${r.file}:9:1: alert: unknown key "alert" (did you mean "alerts"?)`,
    );
  });

  it('exits non-zero naming file:line of an invalid alerts section', async () => {
    const r = await start(`${workspace('acme')}alerts:
  rules:
    - id: r
      brand: acme
      type: negative_spike
      window: 1w
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${r.file}:13: alerts.rules.0.window: use a duration like 15m`);
  });
});

async function takenPort(): Promise<number> {
  const taken = createServer();
  servers.push(taken);
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const address = taken.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('earshot start failing after services started', () => {
  it('stops what it started and exits non-zero when the port is taken', async () => {
    const r = await start(workspace('acme'), { PORT: String(await takenPort()) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('EADDRINUSE');
    // It exited because everything was stopped, not through the CLI's last-resort timer.
    expect(r.stderr).not.toContain('still running');
  });

  it('does the same for `earshot run` (the production entry point)', async () => {
    const r = await start(workspace('acme'), { PORT: String(await takenPort()) }, [
      'run',
      'sink',
      'enrich',
      'api',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('EADDRINUSE');
    expect(r.stderr).not.toContain('still running');
  });
});
