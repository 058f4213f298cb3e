import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earshotCli } from '../support/cli.ts';

/**
 * `earshot import` of mentions that carry another tool's sentiment, as a user runs it on the
 * embedded engine: a given label is stored as given (`model: "given"`), even against what the
 * model would say; the others are scored. And `earshot export corrections` on that store.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-import-given-'));
const env = { ...process.env, CHDB_PATH: join(dir, 'chdb'), LOG_LEVEL: 'warn', EARSHOT_CONFIG: '' };
const { earshot, sqlValue } = earshotCli(env);

describe('earshot import: a given sentiment', () => {
  it('JSONL and CSV: kept as given, model "given", never re-scored', () => {
    const jsonl = join(dir, 'given.jsonl');
    const line = (id: string, text: string, sentiment?: string) =>
      JSON.stringify({
        id: `tool:${id}`,
        source: 'tool',
        text,
        created_at: '2026-11-12T10:00:00Z',
        ...(sentiment ? { sentiment } : {}),
      });
    writeFileSync(
      jsonl,
      [
        line('1', 'I love my Aurora phone, the camera is wonderful', 'neg'),
        line('2', 'I love my Aurora phone, the camera is wonderful'),
      ].join('\n') + '\n',
    );
    const r = earshot('import', jsonl);
    expect(r.code, r.stderr).toBe(0);
    const csv = join(dir, 'given.csv');
    writeFileSync(
      csv,
      'id,text,created_at,sentiment\n3,Aurora is terrible and broken,2026-11-12T11:00:00Z,pos\n',
    );
    const c = earshot('import', csv, '--source', 'tool');
    expect(c.code, c.stderr).toBe(0);

    const of = (id: string, col: string) =>
      sqlValue(`SELECT any(${col}) AS v FROM mentions FINAL WHERE id = '${id}'`);
    expect([of('tool:1', 'sentiment_label'), of('tool:1', 'sentiment_model')]).toEqual([
      'neg',
      'given',
    ]);
    expect(of('tool:2', 'sentiment_label')).toBe('pos');
    expect(of('tool:2', 'sentiment_model')).not.toBe('given');
    expect([of('tool:3', 'sentiment_label'), of('tool:3', 'sentiment_model')]).toEqual([
      'pos',
      'given',
    ]);
    // Counted as given in the brand's numbers.
    expect(
      sqlValue(
        "SELECT sum(negative) AS v FROM brand_hourly WHERE brand = 'aurora' AND hour = '2026-11-12 10:00:00'",
      ),
    ).toBe('1');
  });

  it('earshot export corrections: none yet, an empty file and a count', () => {
    const out = join(dir, 'corrections.jsonl');
    const r = earshot('export', 'corrections', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('exported 0 corrections');
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});
