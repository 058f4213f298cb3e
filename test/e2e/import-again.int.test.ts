import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earshotCli } from '../support/cli.ts';

/**
 * Every `earshot import` is a new process with a new in-process bus, whose offsets start at 0
 * again. The sink's insert dedup token is built from offsets; until the bus had an epoch of its
 * own, a second file's batches carried the first file's tokens and ClickHouse dropped them as
 * duplicates: "imported 50 mentions", and none of them stored. The same happened to the first
 * batches after a restart of `earshot start`.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-import-again-'));
const config = join(dir, 'earshot.config.yaml');
writeFileSync(
  config,
  `workspaces:
  - id: w
    name: W
    brands: [{ id: acme, name: Acme, query: acme }]
`,
);
const { earshot, sqlValue } = earshotCli({
  ...process.env,
  CHDB_PATH: join(dir, 'chdb'),
  LOG_LEVEL: 'warn',
  EARSHOT_CONFIG: config,
});

/** `count` lines with ids from `first` on, a minute apart; `bad` adds a line without text. */
function file(name: string, first: number, count: number, bad?: string): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `crm:${first + i}`,
      source: 'crm',
      text: `acme ticket ${first + i}`,
      created_at: new Date(Date.UTC(2026, 10, 12, 10, i)).toISOString(),
    }),
  );
  if (bad !== undefined) lines.push(JSON.stringify({ id: bad, source: 'crm' }));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const stored = (table: string) => sqlValue(`SELECT count() AS v FROM ${table} FINAL`);

describe('earshot import, again and again into one store', () => {
  it('stores every file, and a file imported twice once', () => {
    const a = file('a.jsonl', 0, 50, 'crm:bad-a');
    const b = file('b.jsonl', 1000, 50, 'crm:bad-b');
    const outputs: string[] = [];
    for (const path of [a, b, a]) {
      const r = earshot('import', path);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('imported 50 mentions, 1 invalid lines dead-lettered');
      outputs.push(r.stdout);
    }
    // The third run says that its 50 were there already; the first two add new ones only.
    expect(outputs.map((o) => /(\d+) of them were stored already/.exec(o)?.[1])).toEqual([
      undefined,
      undefined,
      '50',
    ]);
    expect(stored('mentions')).toBe('100');
    expect(stored('brand_mentions')).toBe('100');
    expect(sqlValue("SELECT count() AS v FROM mentions FINAL WHERE id LIKE 'crm:10__'")).toBe('50');
    // The rollups count each mention once: a file imported twice adds nothing.
    expect(sqlValue("SELECT sum(volume) AS v FROM brand_hourly WHERE workspace = 'w'")).toBe('100');
    // The second file's bad line is kept too.
    const dead = (id: string) =>
      Number(sqlValue(`SELECT count() AS v FROM dead_letters WHERE payload LIKE '%${id}%'`));
    expect(dead('bad-a')).toBeGreaterThanOrEqual(1);
    expect(dead('bad-b')).toBe(1);
  });
});
