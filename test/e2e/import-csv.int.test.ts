import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earshotCli } from '../support/cli.ts';

/**
 * `earshot import` of a CSV with a stray quote, as a user runs it on the embedded engine: the
 * bad row goes to dead_letters with its line and reason, the rows after it are imported. It
 * used to swallow all 300 rows after the quote into one dead letter.
 */
const dir = mkdtempSync(join(tmpdir(), 'earshot-import-csv-'));
const env = { ...process.env, CHDB_PATH: join(dir, 'chdb'), LOG_LEVEL: 'warn', EARSHOT_CONFIG: '' };

const { earshot, sqlValue } = earshotCli(env);

describe('earshot import: CSV with an unterminated quote', () => {
  it('dead-letters the bad row with its line and the quote, and imports the 300 rows after it', () => {
    const row = (i: number) =>
      `${i},Aurora camera review number ${i},2026-11-12T${String(10 + (i % 10)).padStart(2, '0')}:00:00Z`;
    const lines = [
      'post_id,body,posted',
      row(1),
      row(2),
      '3,"Nimbus is broken again,2026-11-12T10:00:00Z', // line 4: the quote never closes
      ...Array.from({ length: 300 }, (_, k) => row(4 + k)),
    ];
    const file = join(dir, 'stray-quote.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const r = earshot('import', file, '--map', 'id=post_id,text=body,created_at=posted');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 302 mentions, 1 invalid lines dead-lettered');
    expect(r.stderr).toContain('line 4: unterminated quote: the quote opened at line 4, column 3');

    expect(sqlValue('SELECT count() AS v FROM mentions FINAL')).toBe('302');
    expect(sqlValue("SELECT count() AS v FROM mentions FINAL WHERE id = 'file:303'")).toBe('1');
    expect(sqlValue('SELECT count() AS v FROM dead_letters')).toBe('1');
    expect(sqlValue('SELECT any(reason) AS v FROM dead_letters')).toMatch(
      /^line 4: unterminated quote: the quote opened at line 4, column 3 is never closed/,
    );
    expect(sqlValue('SELECT any(payload) AS v FROM dead_letters')).toBe(
      '3,"Nimbus is broken again,2026-11-12T10:00:00Z',
    );
  });
});
