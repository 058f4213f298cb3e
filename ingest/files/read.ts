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
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
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
  };
  return validate(candidate, n, raw);
}

function validate(candidate: unknown, n: number, raw: string): FileRecord {
  const parsed = MentionSchema.safeParse(candidate);
  return parsed.success
    ? { line: n, mention: parsed.data }
    : { line: n, error: summarizeIssues(parsed.error), raw };
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. */
async function* csvRecords(
  lines: AsyncIterable<string>,
): AsyncGenerator<{ line: number; fields: string[]; raw: string }> {
  let n = 0;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let raw = '';
  let startLine = 1;
  for await (const line of lines) {
    n++;
    if (!quoted) {
      startLine = n;
      raw = '';
      if (line === '') continue;
    }
    raw += (raw ? '\n' : '') + line;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"' && field === '') quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else field += c;
    }
    if (quoted) {
      field += '\n';
      continue;
    }
    fields.push(field);
    yield { line: startLine, fields, raw };
    fields = [];
    field = '';
  }
  if (quoted) yield { line: startLine, fields: [...fields, field], raw };
}
