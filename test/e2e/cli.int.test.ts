import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { range } from '../../ingest/demo/connector.ts';

/**
 * The CLI as a user runs it, against the embedded engine in a temp directory: `import`
 * (JSONL and CSV through the real pipeline), `sql` (read-only), `keys`, and `enrich`.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-cli-'));
const env = { ...process.env, CHDB_PATH: join(dir, 'chdb'), LOG_LEVEL: 'warn', EARSHOT_CONFIG: '' };

function earshot(...args: string[]) {
  return earshotWithInput(undefined, ...args);
}

function earshotWithInput(input: string | undefined, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/earshot.js', ...args], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
    input,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sqlCount(query: string): number {
  const r = earshot('sql', query, '--json');
  expect(r.code, r.stderr).toBe(0);
  return Number((JSON.parse(r.stdout.trim()) as { n: number }).n);
}

describe('earshot CLI on the embedded store', () => {
  it('imports JSONL through the pipeline; bad lines are dead-lettered with their line number', () => {
    const start = Date.parse('2026-11-12T00:00:00Z');
    const mentions = range(start, start + 3_600_000, { ratePerMinute: 20, incident: null }).slice(
      0,
      200,
    );
    const lines = mentions.map((m) => JSON.stringify(m));
    lines.splice(10, 0, '{"broken json');
    lines.splice(50, 0, JSON.stringify({ text: 'no created_at here' }));
    const file = join(dir, 'mentions.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const r = earshot('import', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 200 mentions, 2 invalid lines dead-lettered');
    expect(r.stderr).toMatch(/line 11: not JSON/);
    expect(sqlCount('SELECT count() AS n FROM mentions FINAL')).toBe(200);
    expect(
      sqlCount("SELECT count() AS n FROM dead_letters WHERE reason LIKE 'line 51:%created_at%'"),
    ).toBe(1);

    // Importing the same file again changes nothing: ids are stable, the store is idempotent.
    expect(earshot('import', file).code).toBe(0);
    expect(sqlCount('SELECT count() AS n FROM mentions FINAL')).toBe(200);
    expect(
      sqlCount("SELECT sum(volume) AS n FROM brand_hourly WHERE workspace = 'demo'"),
    ).toBeGreaterThanOrEqual(200);
    expect(sqlCount("SELECT sum(volume) AS n FROM brand_hourly WHERE workspace = 'demo'")).toBe(
      sqlCount("SELECT count() AS n FROM brand_mentions FINAL WHERE workspace = 'demo'"),
    );
  });

  it('imports CSV with a column mapping', () => {
    const file = join(dir, 'export.csv');
    writeFileSync(
      file,
      [
        'post_id,body,posted,user,likes',
        '1,"Aurora camera is great, really",2026-11-12T10:00:00Z,anna,3',
        '2,"Nimbus said ""sorry"" again",2026-11-12T10:05:00Z,ben,0',
        '3,missing date,,carl,1',
      ].join('\n'),
    );
    const r = earshot(
      'import',
      file,
      '--map',
      'id=post_id,text=body,created_at=posted,author.handle=user',
      '--source',
      'csv',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 2 mentions, 1 invalid');
    expect(
      sqlCount(
        "SELECT count() AS n FROM mentions WHERE id IN ('csv:1', 'csv:2') AND author_handle IN ('anna', 'ben')",
      ),
    ).toBe(2);
  });

  it('sql is read-only: the engine refuses writes', () => {
    const insert = earshot('sql', "INSERT INTO mentions (id) VALUES ('x:1')");
    expect(insert.code).toBe(1);
    expect(insert.stderr).toMatch(/read-only/);
    const sneaky = earshot('sql', 'SELECT * FROM mentions SETTINGS readonly = 0');
    expect(sneaky.code).toBe(1);
    const table = earshot('sql', 'SELECT 1 AS one');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('one');
  });

  it('enrich: one JSONL line out per line in, in order, with lang and sentiment on top', () => {
    const lines = [
      JSON.stringify({ id: 'a', text: 'I absolutely love this phone, the camera is amazing' }),
      'not json',
      JSON.stringify({ text: 'Das ist wirklich schlecht, ich bin sehr enttäuscht', lang: 'de' }),
      '',
      JSON.stringify({ nope: 1 }),
      JSON.stringify({ text: 'I love it' }),
      JSON.stringify({ text: 'Το τηλέφωνο είναι απαίσιο' }),
    ];
    const r = earshotWithInput(`${lines.join('\n')}\n`, 'enrich', '--tier', 'fast');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    const summary = out.map((o) =>
      'error' in o
        ? { line: o.line, error: true }
        : { lang: o.lang, label: (o.sentiment as { label: string }).label },
    );
    expect(summary).toEqual([
      { lang: 'en', label: 'pos' },
      { line: 2, error: true },
      { lang: 'de', label: 'neg' },
      { line: 4, error: true },
      { line: 5, error: true },
      // Too short to identify (lang und), still scored in its likeliest language.
      { lang: 'und', label: 'pos' },
      { lang: 'el', label: 'neg' },
    ]);
    const first = out[0] as {
      sentiment: { explanation: Array<{ text: string }>; model: { name: unknown } };
    };
    // "absolutely love": an intensifier is explained with the word it lifts.
    expect(first.sentiment.explanation.map((e) => e.text)).toContain('absolutely love');
    expect(typeof first.sentiment.model.name).toBe('string');
  });

  it('enrich --tier: accurate and auto score with the encoder, fast without; sentiment.model says which', () => {
    const lines = [
      JSON.stringify({ id: 'a', text: 'I absolutely love this phone, the camera is amazing' }),
      'not json',
      JSON.stringify({ text: 'Ce service est une catastrophe, je suis furieux' }),
      JSON.stringify({ text: 'Ten telefon jest świetny, polecam' }),
    ];
    const run = (...args: string[]) => {
      const r = earshotWithInput(`${lines.join('\n')}\n`, 'enrich', ...args);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              error?: string;
              sentiment?: { label: string; model: { name: string } };
            },
        );
    };
    const label = (o: { sentiment?: { label: string } }) => o.sentiment?.label ?? 'error';
    const model = (o: { sentiment?: { model: { name: string } } }) =>
      o.sentiment?.model.name ?? 'error';
    const accurate = run('--tier', 'accurate');
    expect(accurate.map(model)).toEqual([
      'earshot-sentiment-accurate',
      'error',
      'earshot-sentiment-accurate',
      // Polish has no labelled data: scored by the shared head (cross-lingual transfer).
      'earshot-sentiment-accurate',
    ]);
    expect(accurate.map(label)).toEqual(['pos', 'error', 'neg', 'pos']);
    expect(run().map(model)).toEqual(accurate.map(model)); // auto is the default
    const fast = run('--tier', 'fast');
    // The fast tier has no Polish model: unscored.
    expect(fast.map(model)).toEqual([
      'earshot-sentiment',
      'error',
      'earshot-sentiment',
      'earshot-sentiment',
    ]);
    expect(fast[3]!.sentiment!.label).toBe('unscored');
    const bad = earshotWithInput('', 'enrich', '--tier', 'best');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/best/);
  });

  it('keys create prints a key once; list shows no secrets', () => {
    const created = earshot('keys', 'create', '--workspace', 'demo', '--name', 'ci');
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^esk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = earshot('keys', 'list');
    expect(listed.stdout).toContain(key.split('_')[1]);
    expect(listed.stdout).not.toContain(key.split('_')[2]);
    expect(earshot('keys', 'create', '--workspace', 'nope').code).toBe(1);
  });
});
