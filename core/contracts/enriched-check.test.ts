import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { enrichMention } from '../../enrich/pipeline/enrich.ts';
import { range } from '../../ingest/demo/connector.ts';
import { loadEarshotConfig } from '../workspace-config.ts';
import { InvalidMessageError } from '../errors.ts';
import { decodeJson } from './codec.ts';
import { decodeEnriched, isCanonicalEnriched } from './enriched-check.ts';
import { EnrichedMentionSchema } from './mention.ts';

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
 * The invariant: decodeEnriched gives what the contract gives (the same value, or the same
 * InvalidMessageError), and its fast check accepts only what the contract takes unchanged.
 */
function expectSameAsContract(json: string): void {
  let expected: unknown;
  let expectedError: string | null = null;
  try {
    expected = decodeJson(EnrichedMentionSchema, message(json));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    expectedError = (error as Error).message;
  }
  if (expectedError !== null) {
    expect(() => decodeEnriched(message(json))).toThrow(InvalidMessageError);
    expect(() => decodeEnriched(message(json))).toThrow(expectedError);
  } else {
    expect(decodeEnriched(message(json))).toEqual(expected);
  }
  if (isCanonicalEnriched(JSON.parse(json))) {
    expect(expectedError, json.slice(0, 300)).toBeNull();
    expect(expected).toStrictEqual(JSON.parse(json));
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
    const sample =
      samples.find(
        (m) => (m.brands as unknown[]).length > 0 && (m.topics as unknown[]).length > 0,
      ) ?? samples[0]!;
    let n = 0;
    for (const path of paths(sample)) {
      if (path.length === 0) continue;
      for (const value of replacements) {
        // A number too large for a double reaches JSON.parse as text and comes out as Infinity.
        const json =
          value === HUGE
            ? JSON.stringify(mutate(sample, path, 'HUGE')).replace('"HUGE"', '1e400')
            : JSON.stringify(mutate(sample, path, value));
        expectSameAsContract(json);
        n++;
      }
    }
    expect(n).toBeGreaterThan(1_000);
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
