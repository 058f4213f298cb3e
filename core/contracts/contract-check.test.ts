import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { enrichMention } from '../../enrich/pipeline/enrich.ts';
import { range } from '../../ingest/demo/connector.ts';
import { loadEarshotConfig } from '../workspace-config.ts';
import { InvalidMessageError } from '../errors.ts';
import { decodeJson } from './codec.ts';
import {
  decodeEnriched,
  decodeMention,
  isCanonicalEnriched,
  isCanonicalMention,
} from './contract-check.ts';
import { EnrichedMentionSchema, MentionSchema } from './mention.ts';

/** Enriched demo mentions as the sink reads them: JSON from the enrich stage. */
function demoEnriched(n: number): Array<Record<string, unknown>> {
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  const start = Date.parse('2026-11-10T09:00:00Z');
  return range(start, start + 3_600_000, { ratePerMinute: 200, incident: null })
    .slice(0, n)
    .map((m) => JSON.parse(JSON.stringify(enrichMention(m, enrichers))) as Record<string, unknown>);
}

const message = (json: string) => ({
  topic: 'mentions.enriched.v1',
  offset: '7',
  value: Buffer.from(json),
});

/**
 * The invariant: the decoder gives what the contract gives (the same value — for raw mentions
 * the same JSON, key order included — or the same InvalidMessageError), and its fast check
 * accepts only what the contract takes unchanged.
 */
function expectSameAsContract(json: string, raw = false): void {
  const schema = raw ? MentionSchema : EnrichedMentionSchema;
  const decode = raw ? decodeMention : decodeEnriched;
  const canonical = raw ? isCanonicalMention : isCanonicalEnriched;
  let expected: unknown;
  let expectedError: string | null = null;
  try {
    expected = decodeJson(schema, message(json));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    expectedError = (error as Error).message;
  }
  if (expectedError !== null) {
    // The window's message names "now": the same up to the clock's milliseconds.
    const now = (m: string) => m.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<now>');
    expect(() => decode(message(json))).toThrow(InvalidMessageError);
    let error: unknown;
    try {
      decode(message(json));
    } catch (e) {
      error = e;
    }
    expect(now((error as Error).message)).toBe(now(expectedError));
  } else if (raw) {
    expect(JSON.stringify(decode(message(json)))).toBe(JSON.stringify(expected));
  } else {
    expect(decode(message(json))).toEqual(expected);
  }
  if (canonical(JSON.parse(json))) {
    expect(expectedError, json.slice(0, 300)).toBeNull();
    expect(expected).toStrictEqual(JSON.parse(json));
    if (raw) expect(JSON.stringify(expected)).toBe(json);
  }
}

/** Every path to a value inside `v` (objects and arrays), as key lists. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof v !== 'object' || v === null) return [at];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => paths(x, [...at, k]))];
}

function mutate(root: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(o)) o.splice(last as number, 1);
    else delete o[last];
  } else o[last] = value;
  return copy;
}
const DELETE = Symbol('delete');
const HUGE = Symbol('1e400');

function mutationsMatchContract(sample: Record<string, unknown>, raw: boolean): number {
  const replacements: unknown[] = [
    DELETE,
    null,
    '',
    'x',
    ' https://example.com/a',
    'https://exa\nmple.com/',
    'not a url',
    '2026-02-30T10:00:00Z',
    '2026-11-10T10:00:00+01:00',
    'pt-BR',
    'BAD',
    'demo:1',
    'Demo:1',
    -1,
    0,
    0.5,
    1,
    1.5,
    2,
    HUGE,
    2 ** 53,
    true,
    false,
    [],
    ['a'],
    [1],
    {},
    { a: 1 },
    'x'.repeat(513),
    'x'.repeat(4097),
  ];
  let n = 0;
  for (const path of paths(sample)) {
    if (path.length === 0) continue;
    for (const value of replacements) {
      // A number too large for a double reaches JSON.parse as text and comes out as Infinity.
      const json =
        value === HUGE
          ? JSON.stringify(mutate(sample, path, 'HUGE')).replace('"HUGE"', '1e400')
          : JSON.stringify(mutate(sample, path, value));
      expectSameAsContract(json, raw);
      n++;
    }
  }
  return n;
}

describe('decodeEnriched: the enriched contract with a fast check in front', () => {
  const samples = demoEnriched(300);

  it('takes what enrich produces through the fast check, unchanged', () => {
    for (const m of samples) {
      expect(isCanonicalEnriched(m)).toBe(true);
      expectSameAsContract(JSON.stringify(m));
    }
    // The demo mentions carry brands, topics, explanations and links: the paths below reach them.
    expect(samples.some((m) => (m.brands as unknown[]).length > 0)).toBe(true);
    expect(samples.some((m) => m.url !== null)).toBe(true);
  });

  it('gives the contract’s value or its error for any field removed, retyped or out of bounds', () => {
    const sample =
      samples.find(
        (m) => (m.brands as unknown[]).length > 0 && (m.topics as unknown[]).length > 0,
      ) ?? samples[0]!;
    expect(mutationsMatchContract(sample, false)).toBeGreaterThan(1_000);
  });

  it('leaves older and unusual messages to the contract: defaults filled, unknown keys dropped', () => {
    const m = samples[0]!;
    const cases: Array<Record<string, unknown>> = [
      { ...m, extra: 1 },
      { ...m, author: { ...(m.author as object), extra: 1 } },
      { ...m, parent_author: { id: 'did:x' } },
      { ...m, emotion: { joy: 0.5 } },
      { ...m, workspace: 'acme' },
      { ...m, workspace: 'Not A Workspace' },
      { ...m, refresh: true },
      { ...m, refresh: 'yes' },
      Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'keywords' && k !== 'spam')),
    ];
    for (const c of cases) expectSameAsContract(JSON.stringify(c));
    expect(decodeEnriched(message(JSON.stringify(cases[0])))).not.toHaveProperty('extra');
    expect(decodeEnriched(message(JSON.stringify(cases[8])))).toMatchObject({
      keywords: [],
      spam: { score: 0, reasons: [] },
    });
    expect(() => decodeEnriched(message('{"id":'))).toThrow(/not JSON/);
    expect(() => decodeEnriched(message('[]'))).toThrow(InvalidMessageError);
  });
});

/** `m` with `extra`'s keys inserted after `after`. */
function inOrder(
  m: Record<string, unknown>,
  after: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    out[k] = v;
    if (k === after) Object.assign(out, extra);
  }
  return out;
}

describe('decodeMention: the raw contract with a fast check in front', () => {
  const start = Date.parse('2026-11-10T09:00:00Z');
  // As producers write them: the contract's output, as JSON.
  const samples = range(start, start + 3_600_000, { ratePerMinute: 200, incident: null })
    .slice(0, 300)
    .map((m) => JSON.parse(JSON.stringify(MentionSchema.parse(m))) as Record<string, unknown>);

  it('takes what producers write through the fast check, unchanged and in order', () => {
    for (const m of samples) {
      expect(isCanonicalMention(m)).toBe(true);
      expectSameAsContract(JSON.stringify(m), true);
    }
    expect(samples.some((m) => m.url !== null)).toBe(true);
  });

  it('gives the contract’s value or its error for any field removed, retyped or out of bounds', () => {
    const sample = samples.find((m) => m.url !== null && m.lang !== null) ?? samples[0]!;
    expect(mutationsMatchContract(sample, true)).toBeGreaterThan(300);
  });

  it('leaves other key orders, optional fields and times outside the window to the contract', () => {
    const m = samples[0]!;
    const { id, ...rest } = m;
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const cases: Array<Record<string, unknown>> = [
      { ...rest, id }, // id last: zod gives it first
      { ...m, author: { handle: 'x', id: 'y', display_name: null, followers: null } },
      { ...m, extra: 1 },
      { ...m, sentiment: 'pos' },
      { ...m, sentiment: 'great' },
      { ...m, refresh: true, workspace: 'acme' },
      { ...m, workspace: 'acme', refresh: true }, // out of order
      { ...m, parent_author: { id: 'did:x' } },
      // In its place, with a default to fill (handle) and with an unknown key to drop.
      inOrder(m, 'parent_id', { parent_author: { id: 'did:x' } }),
      inOrder(m, 'parent_id', { parent_author: { id: 'did:x', handle: null, extra: 1 } }),
      { ...m, created_at: later },
      { ...m, created_at: '1999-12-31T23:59:59Z' },
      { ...m, fetched_at: later },
      Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'author' && k !== 'title')),
    ];
    for (const c of cases) expectSameAsContract(JSON.stringify(c), true);
    expect(isCanonicalMention({ ...m, refresh: true, workspace: 'acme' })).toBe(true);
    expect(isCanonicalMention({ ...rest, id })).toBe(false);
    expect(() => decodeMention(message(JSON.stringify({ ...m, created_at: later })))).toThrow(
      /created_at: outside the accepted window/,
    );
  });
});
