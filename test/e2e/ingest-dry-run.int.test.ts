import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeHackerNews, type FakeSource } from '../support/source-fakes.ts';

/**
 * `earshot ingest <source> --dry-run` as a user runs it, against a fake source whose second
 * page comes back cut half-way (issue 18: the command exited 1 with a stack trace and printed
 * nothing). The CLI runs in a child process; the fake answers from this one, so the child is
 * spawned without blocking the event loop.
 */
function earshot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/earshot.js', ...args], {
      env: { ...process.env, EARSHOT_CONFIG: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('earshot ingest --dry-run with a truncated page', () => {
  let fake: FakeSource | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('prints what it read, one line about the failure, and exits 3', async () => {
    const now = Date.now();
    const items = Array.from({ length: 12 }, (_, k) => ({ n: k, atMs: now - (k + 1) * 60_000 }));
    fake = await startFakeHackerNews({
      items: () => items,
      pageSize: 5,
      fault: (i) => (i === 0 ? 'ok' : 'truncate'),
    });
    const r = await earshot([
      'ingest',
      'hackernews',
      '--dry-run',
      '--base-url',
      fake.baseUrl,
      '--set',
      'queries=[acme]',
      '--set',
      'hits_per_page=5',
      '--limit',
      '100',
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const lines = r.stderr.trim().split('\n');
    // the dead letter (the cut page, as JSON), the source's retry warnings, and one summary
    expect(lines.filter((l) => l.includes('"dead_letter"'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      /^hackernews: 5 mentions, 1 dead-lettered; stopped: hackernews: search page is not JSON$/,
    );
  });
});

describe('earshot sources', () => {
  it('lists every way in: the connectors, the webhook and file import (issue 18)', async () => {
    const r = await earshot(['sources']);
    expect(r.code, r.stderr).toBe(0);
    for (const source of ['bluesky', 'mastodon', 'hackernews', 'reddit', 'rss', 'youtube'])
      expect(r.stdout).toMatch(new RegExp(`^✗ ${source} `, 'm'));
    expect(r.stdout).toMatch(/^✓ webhook .*\n(\s+uses: .*\n)*\s+uses: .*POST \/v1\/ingest/m);
    expect(r.stdout).toMatch(/^✓ files .*\n\s+uses: `earshot import <file>`/m);
  });
});
