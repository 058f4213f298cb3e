import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { summarizeIssues } from '../../core/contracts/codec.ts';
import { MentionSchema, type Mention } from '../../core/contracts/mention.ts';

/**
 * Historical backfill from files: JSONL (one Mention per line, or at least `text` and
 * `created_at`) and CSV with a column mapping. Pure parsing here; `earshot import` feeds
 * the result through the same pipeline as live sources.
 */
export type FileRecord =
  { line: number; mention: Mention } | { line: number; error: string; raw: string };

export interface ReadOptions {
  format?: 'jsonl' | 'csv';
  /** CSV: mention field ← column name, e.g. { text: 'body', created_at: 'date', 'author.handle': 'user' }. */
  columns?: Record<string, string>;
  /** Source name for mentions without one (default: `file`). */
  source?: string;
}

export function detectFormat(path: string): 'jsonl' | 'csv' {
  return /\.csv$/i.test(path) ? 'csv' : 'jsonl';
}

export async function* readMentionFile(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<FileRecord> {
  const format = options.format ?? detectFormat(path);
  const lines = withoutBom(
    createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity }),
  );
  const fileTag = basename(path).replace(/[^A-Za-z0-9_.-]/g, '_');
  const source = options.source ?? 'file';
  if (format === 'jsonl') {
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      yield parseJsonLine(line, n, fileTag, source);
    }
    return;
  }
  let header: string[] | null = null;
  for await (const record of csvRecords(lines)) {
    if ('error' in record) {
      yield record;
      continue;
    }
    if (header === null) {
      header = record.fields.map((h) => h.trim());
      continue;
    }
    yield fromCsv(
      header,
      record.fields,
      record.line,
      options.columns ?? {},
      fileTag,
      source,
      record.raw,
    );
  }
}

/** Spreadsheet exports start with a byte-order mark; it is not part of the first line's data. */
async function* withoutBom(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  for await (const line of lines) {
    yield first && line.startsWith('\uFEFF') ? line.slice(1) : line;
    first = false;
  }
}

function parseJsonLine(line: string, n: number, fileTag: string, source: string): FileRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { line: n, error: `not JSON: ${(error as Error).message}`, raw: line };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { line: n, error: 'not a JSON object', raw: line };
  const obj = json as Record<string, unknown>;
  return validate({ source, ...obj, id: obj.id ?? `${source}:${fileTag}:${n}` }, n, line);
}

function fromCsv(
  header: string[],
  fields: string[],
  n: number,
  mapping: Record<string, string>,
  fileTag: string,
  source: string,
  raw: string,
): FileRecord {
  const row = new Map(header.map((h, i) => [h, fields[i] ?? '']));
  const get = (field: string): string | undefined => {
    const column = mapping[field] ?? field;
    const v = row.get(column);
    return v === undefined || v === '' ? undefined : v;
  };
  const num = (field: string): number | undefined => {
    const v = get(field);
    return v === undefined ? undefined : Number(v);
  };
  const createdAt = get('created_at');
  const candidate = {
    id: get('id') !== undefined ? `${source}:${get('id')}` : `${source}:${fileTag}:${n}`,
    source: get('source') ?? source,
    text: get('text') ?? '',
    title: get('title') ?? null,
    url: get('url') ?? null,
    lang: get('lang') ?? null,
    created_at:
      createdAt !== undefined && !Number.isNaN(Date.parse(createdAt))
        ? new Date(createdAt).toISOString()
        : createdAt,
    author: {
      id: get('author.id') ?? null,
      handle: get('author.handle') ?? null,
      display_name: get('author.display_name') ?? null,
      followers: num('author.followers') ?? null,
    },
    engagement: {
      likes: num('likes') ?? 0,
      reposts: num('reposts') ?? 0,
      replies: num('replies') ?? 0,
      views: num('views') ?? null,
    },
    // A label from another tool, kept as given (an empty cell: none, the model scores it).
    ...(get('sentiment') !== undefined
      ? { sentiment: get('sentiment')!.trim().toLowerCase() }
      : {}),
  };
  return validate(candidate, n, raw);
}

function validate(candidate: unknown, n: number, raw: string): FileRecord {
  const parsed = MentionSchema.safeParse(candidate);
  return parsed.success
    ? { line: n, mention: parsed.data }
    : { line: n, error: summarizeIssues(parsed.error), raw };
}

/**
 * How far a quoted field may run over lines before its quote counts as stray. Generous for
 * real multi-line posts (a mention's text is at most 100,000 characters), and it bounds what
 * is held in memory to re-read after a stray quote.
 */
export const CSV_MAX_QUOTED_LINES = 1_000;
export const CSV_MAX_QUOTED_CHARS = 1_000_000;

type CsvRecord =
  { line: number; fields: string[]; raw: string } | { line: number; error: string; raw: string };

interface Line {
  n: number;
  text: string;
}

/**
 * RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. A quoted field
 * that runs over lines is held to three rules, because a stray `"` otherwise swallows every
 * row after it into one record: it must close before the end of the file, within
 * CSV_MAX_QUOTED_LINES lines and CSV_MAX_QUOTED_CHARS characters, and its closing quote must be
 * followed by a comma or the end of the line (a stray quote usually "closes" on the opening
 * quote of a later row's field, followed by that field's text). A record that breaks a rule is
 * cut: only the line where it started comes out, as an error naming the line and column of the
 * quote, and reading resumes with the next line as a new record. (On one line the reader stays
 * lenient: `"ab"cd` is `abcd`.)
 */
async function* csvRecords(lines: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const source = lines[Symbol.asyncIterator]();
  let read = 0;
  // Lines taken by a record that was cut, to be read again as new records.
  const replay: Line[] = [];
  const next = async (): Promise<Line | null> => {
    const again = replay.shift();
    if (again) return again;
    const r = await source.next();
    return r.done ? null : { n: ++read, text: r.value };
  };
  for (;;) {
    const first = await next();
    if (first === null) return;
    if (first.text === '') continue;
    const record = await csvRecord(first, next);
    if ('cut' in record) {
      replay.unshift(...record.cut);
      yield { line: first.n, error: record.error, raw: first.text };
    } else {
      yield { line: first.n, fields: record.fields, raw: record.raw };
    }
  }
}

/** One record from `first` on, or the lines to read again after it when it breaks a rule. */
async function csvRecord(
  first: Line,
  next: () => Promise<Line | null>,
): Promise<{ fields: string[]; raw: string } | { error: string; cut: Line[] }> {
  const taken: Line[] = [first];
  const fields: string[] = [];
  let field = '';
  let quote: { line: number; column: number } | null = null;
  let chars = 0;
  let line = first;
  const stray = (why: string) => ({
    error: `unterminated quote: the quote opened at line ${quote!.line}, column ${quote!.column} ${why}; the record was cut there and reading resumed at line ${first.n + 1}`,
    cut: taken.slice(1),
  });
  for (;;) {
    const text = line.text;
    chars += text.length + 1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quote !== null) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') {
          const after = text[i + 1];
          if (line.n !== quote.line && after !== undefined && after !== ',') {
            return stray(
              `closes at line ${line.n}, column ${i + 1} followed by ${JSON.stringify(after)} instead of a comma or the end of the line`,
            );
          }
          quote = null;
        } else field += c;
      } else if (c === '"' && field === '') quote = { line: line.n, column: i + 1 };
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else field += c;
    }
    if (quote === null) {
      fields.push(field);
      return { fields, raw: taken.map((l) => l.text).join('\n') };
    }
    field += '\n';
    if (taken.length >= CSV_MAX_QUOTED_LINES || chars > CSV_MAX_QUOTED_CHARS) {
      return stray(
        `is not closed within ${CSV_MAX_QUOTED_LINES.toLocaleString('en')} lines and ${CSV_MAX_QUOTED_CHARS.toLocaleString('en')} characters`,
      );
    }
    const more = await next();
    if (more === null) return stray('is never closed (the file ends first)');
    taken.push(more);
    line = more;
  }
}
