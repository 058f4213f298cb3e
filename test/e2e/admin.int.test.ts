import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range } from '../../ingest/demo/connector.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Admin commands against a running `earshot start` on the embedded default: the engine locks
 * its data directory, so `keys`, `sql` and `import` reach the server through its loopback
 * admin endpoint (descriptor in the data directory). Each is checked by its effect on the
 * running server; where the server cannot be reached, one sentence says what to do.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-admin-'));
const chdbPath = join(dir, 'chdb');
const DEMO_KEY = 'admin-e2e-demo-key';
const env = {
  ...process.env,
  CHDB_PATH: chdbPath,
  EARSHOT_CONFIG: '',
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'false',
};
const children: ChildProcess[] = [];
let server: { child: ChildProcess; url: string; output: () => string; exited: Promise<unknown> };

function earshot(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/earshot.js', ...args], {
    env: { ...env, ...commandEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
let commandEnv: Record<string, string> = {};

/** One clear sentence on stderr: no stack trace, no engine error line. */
function expectOneSentence(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Cannot lock file|DB::Exception/);
}

function sqlNumber(query: string): number {
  const r = earshot('sql', query, '--json');
  expect(r.code, r.stderr).toBe(0);
  return Number((JSON.parse(r.stdout.trim()) as { n: number }).n);
}

const status = async (key: string) =>
  (await fetch(`${server.url}/v1/brands`, { headers: { authorization: `Bearer ${key}` } })).status;

beforeAll(async () => {
  const child = spawn(process.execPath, ['bin/earshot.js', 'start', '--no-demo'], {
    env: { ...env, PORT: '0', LOG_LEVEL: 'info', EARSHOT_DEMO_API_KEY: DEMO_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await waitFor(() => /earshot is running at (http:\/\/\S+)/.exec(output)?.[1], {
    timeoutMs: 90_000,
    what: `the start banner (output so far: ${output.slice(-500)})`,
  });
  server = { child, url, output: () => output, exited };
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('admin commands while earshot start runs (embedded)', () => {
  it('the server leaves a descriptor readable by its owner only, pointing at loopback', () => {
    const file = join(chdbPath, 'earshot-admin.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const descriptor = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
    expect(descriptor.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(descriptor.pid).toBe(server.child.pid);
  });

  let keyId = '';
  let key = '';
  it('keys create: the new key works on the API at once; keys list shows it without its secret', async () => {
    const created = earshot('keys', 'create', '--workspace', 'demo', '--name', 'admin-e2e');
    expect(created.code, created.stderr).toBe(0);
    key = created.stdout.trim();
    expect(key).toMatch(/^esk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    keyId = key.split('_')[1]!;
    expect(await status(key)).toBe(200);
    const listed = earshot('keys', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}\\tdemo\\tactive\\t.*\\tadmin-e2e$`, 'm'));
    // The secret is everything after the id (base64url: it may hold '_' itself).
    expect(listed.stdout).not.toContain(key.slice(`esk_${keyId}_`.length));
    const unknown = earshot('keys', 'create', '--workspace', 'nope');
    expect(unknown.code).toBe(1);
    expectOneSentence(unknown.stderr, /no workspace "nope" in the configuration \(known: demo\)/);
  });

  it('keys create --scope read: the key reads, and a route that writes answers 403', async () => {
    const created = earshot('keys', 'create', '--workspace', 'demo', '--scope', 'read');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('created read key');
    const reader = created.stdout.trim();
    expect(await status(reader)).toBe(200);
    const write = await fetch(`${server.url}/v1/brands/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'aurora' }),
    });
    expect(write.status).toBe(403);
    expect(earshot('keys', 'create', '--workspace', 'demo', '--scope', 'owner').code).toBe(1);
  });

  it('keys revoke: the key is refused at once (no wait for the key cache)', async () => {
    expect(await status(key)).toBe(200); // the key is in the API's cache now
    const revoked = earshot('keys', 'revoke', keyId);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${keyId}\n`);
    expect(await status(key)).toBe(401);
    expect(earshot('keys', 'list').stdout).toMatch(new RegExp(`^${keyId}\\tdemo\\trevoked`, 'm'));
    // The CLI takes seconds to start, longer than the API's 5 s key cache on a busy machine;
    // the admin call it makes, timed alone, shows the cache is told: milliseconds apart.
    const { url, token } = JSON.parse(
      readFileSync(join(chdbPath, 'earshot-admin.json'), 'utf8'),
    ) as { url: string; token: string };
    const second = earshot('keys', 'create', '--workspace', 'demo').stdout.trim();
    expect(await status(second)).toBe(200);
    const began = Date.now();
    const res = await fetch(`${url}/admin/v1/keys/${second.split('_')[1]}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await status(second)).toBe(401);
    expect(Date.now() - began).toBeLessThan(4_000);
    const missing = earshot('keys', 'revoke', 'nosuchkey000');
    expect(missing.code).toBe(1);
    expectOneSentence(missing.stderr, /no key nosuchkey000/);
  });

  it('sql answers, and stays read-only through the server', () => {
    const table = earshot('sql', 'SELECT 1 AS one');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/one/);
    const target = join(dir, 'written.csv');
    const write = earshot('sql', `SELECT 1 INTO OUTFILE '${target}'`);
    expect(write.code).toBe(1);
    expectOneSentence(write.stderr, /refused \(earshot sql is read-only\): .*writes a file/);
    expect(existsSync(target)).toBe(false);
    const insert = earshot('sql', "INSERT INTO mentions (id) VALUES ('x:1')");
    expect(insert.code).toBe(1);
    expect(insert.stderr).toMatch(/read-only/);
  });

  it('import: mentions appear through the running pipeline, bad lines dead-lettered; a second import does not double them', () => {
    const start = Date.parse('2026-11-12T00:00:00Z');
    const lines = range(start, start + 3_600_000, { ratePerMinute: 20, incident: null })
      .slice(0, 150)
      .map((m) => JSON.stringify(m));
    lines.splice(7, 0, '{"broken json');
    const file = join(dir, 'mentions.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const first = earshot('import', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('imported 150 mentions, 1 invalid lines dead-lettered');
    expect(first.stderr).toMatch(/line 8: not JSON/);
    expect(first.stderr).toMatch(/151\/151 lines/);
    expect(sqlNumber('SELECT count() AS n FROM mentions FINAL')).toBe(150);
    expect(sqlNumber("SELECT count() AS n FROM dead_letters WHERE reason LIKE 'line 8:%'")).toBe(1);
    const volume = sqlNumber("SELECT sum(volume) AS n FROM brand_hourly WHERE workspace = 'demo'");
    expect(volume).toBeGreaterThan(0);

    expect(first.stdout).not.toContain('stored already');
    const again = earshot('import', file);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('150 of them were stored already: skipped, not counted twice');
    expect(sqlNumber('SELECT count() AS n FROM mentions FINAL')).toBe(150);
    expect(sqlNumber("SELECT sum(volume) AS n FROM brand_hourly WHERE workspace = 'demo'")).toBe(
      volume,
    );
  });

  it('the admin endpoint takes only its token: workspace keys are refused there, the token on the API', async () => {
    const { url, token } = JSON.parse(
      readFileSync(join(chdbPath, 'earshot-admin.json'), 'utf8'),
    ) as { url: string; token: string };
    const created = earshot('keys', 'create', '--workspace', 'demo');
    const workspaceKey = created.stdout.trim();
    for (const credential of [workspaceKey, DEMO_KEY, '']) {
      const res = await fetch(`${url}/admin/v1/keys`, {
        headers: { authorization: `Bearer ${credential}` },
      });
      expect(res.status).toBe(401);
    }
    expect(await status(token)).toBe(401);
    expect(server.url).not.toBe(url);
    const openapi = await (await fetch(`${server.url}/openapi.json`)).text();
    expect(openapi).not.toContain('/admin');
  });

  it('other commands that need the store say in one sentence why they cannot run now', () => {
    const migrate = earshot('migrate');
    expect(migrate.code).toBe(1);
    expectOneSentence(
      migrate.stderr,
      new RegExp(`is in use by process ${server.child.pid}; stop it first`),
    );
  });

  it('a server that does not answer: one sentence, no stack trace', () => {
    server.child.kill('SIGSTOP');
    try {
      const r = earshot('keys', 'list');
      expect(r.code).toBe(1);
      expectOneSentence(r.stderr, /admin endpoint at http:\/\/127\.0\.0\.1:\d+ does not answer/);
    } finally {
      server.child.kill('SIGCONT');
    }
  });

  it('a directory locked by a process without a descriptor: one sentence, no stack trace', async () => {
    const other = join(dir, 'other');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { Session } from 'chdb'; new Session(${JSON.stringify(other)}); console.log('holding'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    let said = '';
    holder.stdout.on('data', (d: Buffer) => (said += d.toString()));
    await waitFor(() => said.includes('holding') || null, {
      timeoutMs: 30_000,
      what: 'a plain process holding a chdb directory',
    });
    commandEnv = { CHDB_PATH: other };
    try {
      for (const args of [
        ['keys', 'list'],
        ['sql', 'SELECT 1'],
        ['import', join(dir, 'mentions.jsonl')],
      ]) {
        const r = earshot(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expectOneSentence(
          r.stderr,
          new RegExp(
            `in use by process ${holder.pid}, which is not an earshot start with an admin endpoint`,
          ),
        );
      }
    } finally {
      commandEnv = {};
      holder.kill('SIGKILL');
    }
  });

  it('after a clean stop the descriptor is gone and the commands open the store themselves', async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    expect(server.output()).toContain('stopped cleanly');
    expect(existsSync(join(chdbPath, 'earshot-admin.json'))).toBe(false);
    const listed = earshot('keys', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}\\tdemo\\trevoked`, 'm'));
    expect(sqlNumber('SELECT count() AS n FROM mentions FINAL')).toBe(150);
  });
});
