import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_MAX_QUOTED_LINES, readMentionFile, type FileRecord } from './read.ts';

const dir = mkdtempSync(join(tmpdir(), 'earshot-read-'));
let files = 0;

async function read(name: string, content: string): Promise<FileRecord[]> {
  const file = join(dir, `${files++}-${name}`);
  writeFileSync(file, content);
  const out: FileRecord[] = [];
  for await (const r of readMentionFile(file, { columns: { created_at: 'date' } })) out.push(r);
  return out;
}

const row = (i: number) => `${i},mention number ${i},2026-11-12T10:00:00Z`;
const rows = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => row(from + k));
const errors = (records: FileRecord[]) =>
  records.filter((r): r is FileRecord & { error: string } => 'error' in r);
const mentions = (records: FileRecord[]) =>
  records.flatMap((r) => ('mention' in r ? [r.mention] : []));

describe('CSV import: a stray quote', () => {
  it('dead-letters only its row, naming the line and the quote, and keeps the 300 rows after it', async () => {
    // Line 1 is the header, line 6 opens a quote that never closes, 300 valid rows follow.
    const csv = [
      'id,text,date',
      ...rows(1, 4),
      '5,"unfinished,2026-11-12T10:00:00Z',
      ...rows(6, 305),
    ];
    const records = await read('stray.csv', `${csv.join('\n')}\n`);
    expect(errors(records)).toEqual([
      {
        line: 6,
        error:
          'unterminated quote: the quote opened at line 6, column 3 is never closed (the file ends first); the record was cut there and reading resumed at line 7',
        raw: '5,"unfinished,2026-11-12T10:00:00Z',
      },
    ]);
    const ok = mentions(records);
    expect(ok).toHaveLength(304);
    expect(ok.slice(4).map((m) => m.text)).toEqual(rows(6, 305).map((r) => r.split(',')[1]));
    // Line numbers of the rows after the cut are their own.
    expect(records.find((r) => 'mention' in r && r.mention.text === 'mention number 6')?.line).toBe(
      7,
    );
  });

  it('cuts a stray quote that "closes" on a later row\'s quoted field', async () => {
    const csv = [
      'id,text,date',
      '1,"stray,2026-11-12T10:00:00Z',
      row(2),
      '3,"quoted, with a comma",2026-11-12T10:00:00Z',
      row(4),
    ];
    const records = await read('closes-later.csv', csv.join('\n'));
    expect(errors(records).map((r) => [r.line, r.error])).toEqual([
      [
        2,
        'unterminated quote: the quote opened at line 2, column 3 closes at line 4, column 3 followed by "q" instead of a comma or the end of the line; the record was cut there and reading resumed at line 3',
      ],
    ]);
    expect(mentions(records).map((m) => m.text)).toEqual([
      'mention number 2',
      'quoted, with a comma',
      'mention number 4',
    ]);
  });

  it(`gives up on a quote after ${CSV_MAX_QUOTED_LINES} lines without reading the rest first`, async () => {
    const csv = ['id,text,date', '1,"stray', ...rows(2, 3_000)];
    const records = await read('long.csv', csv.join('\n'));
    expect(errors(records)).toHaveLength(1);
    expect(errors(records)[0]!.error).toContain('is not closed within 1,000 lines');
    expect(mentions(records)).toHaveLength(2_999);
  });

  it('keeps real multi-line quoted fields and doubled quotes', async () => {
    const csv = [
      'id,text,date',
      '1,"first line',
      'second, line',
      'he said ""hi""",2026-11-12T10:00:00Z',
      '2,"one ""line""",2026-11-12T10:00:00Z',
      row(3),
    ];
    const records = await read('multi.csv', csv.join('\r\n'));
    expect(errors(records)).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([2, 5, 6]);
    expect(mentions(records).map((m) => m.text)).toEqual([
      'first line\nsecond, line\nhe said "hi"',
      'one "line"',
      'mention number 3',
    ]);
  });

  it('reads a header behind a byte-order mark', async () => {
    const records = await read('bom.csv', `\uFEFF"id",text,date\n${row(1)}\n`);
    expect(mentions(records).map((m) => m.id)).toEqual(['file:1']);
  });
});

describe('JSONL import: one bad line loses nothing else', () => {
  it('dead-letters each bad line with its number and reads the others', async () => {
    const good = (i: number) =>
      JSON.stringify({ text: `post ${i}`, created_at: '2026-11-12T10:00:00Z' });
    const lines = [
      `\uFEFF${good(1)}`, // a byte-order mark is not an error
      '{"text": "unterminated string, created_at: "2026-11-12T10:00:00Z"}',
      '{"text": "a',
      good(4),
      '[1, 2]',
      '',
      good(7),
    ];
    const records = await read('m.jsonl', lines.join('\n'));
    expect(errors(records).map((r) => [r.line, r.error.split(':')[0]])).toEqual([
      [2, 'not JSON'],
      [3, 'not JSON'],
      [5, 'not a JSON object'],
    ]);
    expect(mentions(records).map((m) => m.text)).toEqual(['post 1', 'post 4', 'post 7']);
  });
});

describe('a sentiment given in the file (another tool’s label)', () => {
  it('CSV: a sentiment column is kept as given; an empty cell leaves it to the model; a bad one is a dead letter', async () => {
    const records = await read(
      'given.csv',
      [
        'id,text,date,sentiment',
        '1,great stuff,2026-11-12T10:00:00Z,neg',
        '2,fine,2026-11-12T10:00:00Z,',
        '3,meh,2026-11-12T10:00:00Z, NEU ',
        '4,hm,2026-11-12T10:00:00Z,positive',
      ].join('\n'),
    );
    expect(mentions(records).map((m) => [m.text, m.sentiment])).toEqual([
      ['great stuff', 'neg'],
      ['fine', undefined],
      ['meh', 'neu'],
    ]);
    expect(errors(records).map((r) => [r.line, r.error])).toEqual([
      [5, expect.stringContaining('sentiment must be one of pos, neu, neg') as string],
    ]);
  });

  it('JSONL: a sentiment field is kept as given', async () => {
    const records = await read(
      'given.jsonl',
      `${JSON.stringify({ id: 'x:1', source: 'x', text: 'ok', created_at: '2026-11-12T10:00:00Z', sentiment: 'pos' })}\n`,
    );
    expect(mentions(records)[0]?.sentiment).toBe('pos');
  });
});
