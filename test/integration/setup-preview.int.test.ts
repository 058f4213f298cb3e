import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PreviewCache, previewQuery, rematch } from '../../cli/setup/port.ts';
import { ownerOfMentionId } from '../../core/contracts/owned-id.ts';
import { compileWatchQueries } from '../../enrich/match/index.ts';
import type { Store } from '../../store/port.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * The preview and the re-match narrow the stored mentions before the matcher sees them (the
 * process folds the texts it keeps, the store folds them in SQL for a re-match). Narrowing must
 * never change the answer: on texts and queries chosen to break it (negations, phrases,
 * wildcards, decomposed accents, Greek final sigma, Persian ZWNJ, Arabic harakat and tatweel,
 * Arabic and Persian spellings of one letter, Turkish dotted I, ß, ligatures), both give exactly
 * what the matcher gives on every mention of the window, read in full.
 */

const services = inject('services');
let store: Store;
const NOW = new Date();
const DAY = 86_400_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

const TEXTS = [
  'Le café de NESTLÉ est bon',
  'Die Straße ist lang',
  'STRASSE gesperrt',
  'Zu\u0308rich ist scho\u0308n', // decomposed: u + combining diaeresis
  'Η Αθήνα είναι ωραία',
  'ΑΘΗΝΑΣ ΤΩΡΑ',
  'من می\u200cخواهم یک دوربین بخرم', // Persian, a ZWNJ inside the word
  'من میخواهم یک دوربین',
  'هذا كِتَابٌ جميل', // Arabic harakat
  'كـتـاب رائع', // tatweel
  'یک کتاب خوب', // Persian kaf and yeh
  'İstanbul’da bir kamera',
  'love #Zörblax today',
  '@acme rocks',
  'ACMÉCORP ships the acme refund',
  'acme without a complaint',
  'refund only',
  'ﬁnance news', // a ligature
  '我爱Acme相机',
  'nothing to see',
];

const QUERIES = [
  'nestle',
  '"cafe de nestle"',
  'nestle NEAR/2 bon',
  'strasse',
  'straße',
  'zurich',
  'zürich AND schon',
  'αθηνα',
  'αθηνας',
  '"η αθηνα"',
  'می\u200cخواهم',
  'میخواهم',
  'كتاب',
  'کتاب',
  'istanbul*',
  'acme*',
  '#zorblax',
  'zorblax',
  '@acme',
  'acme NOT refund',
  'NOT refund',
  'lang:fa',
  'finance',
  'raw:Straße',
  'dorbin OR دوربین',
  '相机',
];

beforeAll(async () => {
  store = await freshStore(services);
  await storeThroughSink(store, [
    ...TEXTS.map((text, i) =>
      anEnrichedMention({
        id: `hostile:${i}`,
        source: 'hostile',
        text,
        lang: /[\u0600-\u06ff]/.test(text) ? 'fa' : 'en',
        created_at: ago(2 + i * 7),
        brands: [],
      }),
    ),
    // Another workspace's own mention: never in this workspace's preview.
    anEnrichedMention({
      id: 'webhook:@other:1',
      source: 'webhook',
      text: 'acme nestle zurich',
      created_at: ago(1),
      brands: [],
    }),
  ]);
});

afterAll(async () => {
  await store?.close();
});

interface Row {
  id: string;
  text: string;
  title: string | null;
  lang: string;
  source: string;
  author_handle: string | null;
  url: string | null;
}

/** What the matcher says on every stored mention from `from`, read in full (no narrowing). */
async function fullScan(query: string, from: Date): Promise<string[]> {
  const rows = await store.query<Row>(
    `SELECT id, text, title, lang, source, author_handle, url FROM mentions FINAL
     WHERE created_at >= {from:DateTime64(3, 'UTC')}`,
    { from: from.toISOString().replace('T', ' ').replace('Z', '') },
  );
  const matcher = compileWatchQueries([{ workspace: 'acme', brand: 'b', query }]);
  return rows
    .filter((r) => {
      const owner = ownerOfMentionId(r.id);
      return (
        (owner === null || owner === 'acme') &&
        matcher.match({
          text: r.text,
          title: r.title,
          lang: r.lang,
          source: r.source,
          author: r.author_handle,
          url: r.url,
          workspace: owner,
        }).length > 0
      );
    })
    .map((r) => r.id)
    .sort();
}

describe('narrowing never changes what the matcher says', () => {
  it.each(QUERIES)('preview of %s = the full scan', async (query) => {
    const p = await previewQuery(store, {
      workspace: 'acme',
      query,
      current: null,
      days: 7,
      samples: 50,
      now: NOW,
    });
    const expected = await fullScan(query, new Date(p.from));
    expect(p.estimated).toBe(false);
    expect(p.samples.map((m) => m.id).sort()).toEqual(expected);
    expect(p.total).toBe(expected.length);
    expect(p.by_day.reduce((n, d) => n + d.matches, 0)).toBe(expected.length);
  });

  it('the sanity of the corpus: most queries match something', async () => {
    const matched = await Promise.all(QUERIES.map((q) => fullScan(q, new Date(0))));
    expect(matched.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(
      QUERIES.length - 1,
    );
  });

  it.each(QUERIES.filter((q) => !q.startsWith('NOT') && !q.startsWith('lang:')))(
    're-match of %s = the full scan',
    async (query) => {
      const result = await rematch(store, {
        workspace: 'acme',
        brand: 'b',
        query,
        days: 7,
        now: NOW,
      });
      const expected = await fullScan(query, new Date(result.from));
      expect(result.mentions).toBe(expected.length);
      const [stored] = await store.query<{ ids: string[] }>(
        "SELECT arraySort(groupUniqArray(mention_id)) AS ids FROM brand_mentions FINAL WHERE workspace = 'acme' AND brand = 'b'",
      );
      expect(stored?.ids ?? []).toEqual(expected);
    },
  );

  it('a read kept from a preview with a later now answers as a fresh one does', async () => {
    const cache = new PreviewCache();
    const input = { workspace: 'acme', query: 'nestle OR zurich', current: null, days: 7 };
    await previewQuery(store, { ...input, samples: 50, now: NOW }, cache);
    const earlier = new Date(NOW.getTime() - 3 * 3_600_000);
    const kept = await previewQuery(store, { ...input, samples: 50, now: earlier }, cache);
    const fresh = await previewQuery(store, { ...input, samples: 50, now: earlier });
    expect(kept).toEqual(fresh);
    // Stored 2 h before NOW: after the earlier now.
    expect(kept.samples.map((m) => m.id)).not.toContain('hostile:0');
    expect(kept.samples.map((m) => m.id)).toContain('hostile:3');
  });

  it('a preview kept across keystrokes still sees a mention stored since', async () => {
    const cache = new PreviewCache();
    const input = {
      workspace: 'acme',
      query: 'quuxbrand',
      current: null,
      days: 7,
      samples: 10,
      now: new Date(NOW.getTime() + 60_000),
    };
    // Store reads counted: a keystroke on unchanged mentions asks only for their version.
    let reads = 0;
    const counted = new Proxy(store, {
      get(target, name) {
        const value: unknown = Reflect.get(target, name);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'query') reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    expect((await previewQuery(counted, input, cache)).total).toBe(0);
    const first = reads;
    expect((await previewQuery(counted, { ...input, query: 'quuxbra*' }, cache)).total).toBe(0);
    expect(reads - first).toBe(1);
    await storeThroughSink(
      store,
      [
        anEnrichedMention({
          id: 'hostile:late',
          source: 'hostile',
          text: 'QuuxBrand arrived',
          created_at: new Date(NOW.getTime() - DAY / 2).toISOString(),
          brands: [],
        }),
      ],
      1_000,
    );
    expect((await previewQuery(store, input, cache)).total).toBe(1);
  });
});
