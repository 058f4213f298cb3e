import { MENTION_KEYS } from '../../core/contracts/contract-check.ts';
import type { BrandMatch, EnrichedMention, Mention } from '../../core/contracts/mention.ts';
import type { DedupIndex } from '../dedup/index.ts';
import { detectLanguage, scoringLanguage } from '../language/detect.ts';
import type { WatchMatch, WatchMatcher } from '../match/index.ts';
import type { OwnedBrand, OwnedIndex } from '../owned/index.ts';
import type { SentimentScorer } from '../sentiment/index.ts';
import { sentimentOf } from './sentiment-choice.ts';
import { countUrls, type SpamScorer } from '../spam/index.ts';
import type { TopicClusterer } from '../topics/index.ts';

/**
 * Everything the enrich stage computes for one mention, as one function over loaded models
 * and (for topics, near-duplicates and spam) bounded in-memory state. The stage, the
 * `earshot enrich` command and the benchmarks all call this.
 */
export interface Enrichers {
  sentiment: SentimentScorer;
  /** Watch queries of every workspace; null when no config is given. Replaced on config reload. */
  matcher: WatchMatcher | null;
  /** Owned accounts of every workspace's brands (absent: none); replaced with the matcher. */
  owned?: OwnedIndex | null;
  /** Stateful enrichers; null to skip (e.g. `earshot enrich` without --config). */
  topics: TopicClusterer | null;
  dedup: DedupIndex | null;
  spam: SpamScorer | null;
  now: () => Date;
}

/**
 * The query matches plus the brands that own the mention: a brand both matched and owning is
 * marked owned; an owning brand that did not match is added with the query id `<brand>:owned`.
 */
function withOwned(
  matches: WatchMatch[],
  owners: OwnedBrand[],
): Array<WatchMatch & { owned?: boolean }> {
  if (owners.length === 0) return matches;
  const out: Array<WatchMatch & { owned?: boolean }> = matches.map((m) =>
    owners.some((o) => o.workspace === m.workspace && o.brand === m.brand)
      ? { ...m, owned: true }
      : m,
  );
  for (const o of owners) {
    if (!matches.some((m) => m.workspace === o.workspace && m.brand === o.brand))
      out.push({ ...o, query_id: `${o.brand}:owned`, terms: [], spans: [], owned: true });
  }
  return out;
}

const HASHTAG = /(?:^|[^\p{L}\p{N}_])#([\p{L}\p{N}_]{1,100})/gu;

export function enrichMention(mention: Mention, enrichers: Enrichers): EnrichedMention {
  const fullText = mention.title ? `${mention.title}\n${mention.text}` : mention.text;
  const language = detectLanguage(fullText, mention.lang);
  const sentiment = sentimentOf(mention, () =>
    enrichers.sentiment.score(mention.text, scoringLanguage(mention.text, language)),
  );
  const queryMatches =
    enrichers.matcher?.match({
      text: mention.text,
      title: mention.title,
      lang: language.lang,
      source: mention.source,
      author: mention.author.handle,
      url: mention.url,
      // A workspace's own mention (its webhook) is about that workspace only.
      workspace: mention.workspace ?? null,
    }) ?? [];
  // A workspace's own mention (its webhook) can only be owned by that workspace's brands: it may
  // name another workspace's account as its author or parent, and must not land in its feed.
  const owners = enrichers.owned?.owners(mention) ?? [];
  const matches = withOwned(
    queryMatches,
    mention.workspace === undefined
      ? owners
      : owners.filter((o) => o.workspace === mention.workspace),
  );

  // A workspace's own mention (its webhook) must not change what other workspaces see. So it
  // stays out of the shared state they read: the unbranded topic clusters when it matched
  // nothing, the near-duplicate index (a copy of it would make their posts duplicates, and their
  // spam scores a campaign), and the public posting history of its author.
  const owner = mention.workspace;
  // A refresh (the same mention re-read for its engagement) was clustered the first time.
  const topics =
    mention.refresh || (owner !== undefined && matches.length === 0)
      ? undefined
      : enrichers.topics?.assign({
          id: mention.id,
          text: fullText,
          lang: language.lang,
          brands: matches.map((m) => `${m.workspace}/${m.brand}`),
          created_at: mention.created_at,
          // The brand's own name is in every post about it: not a topic.
          exclude_terms: matches.flatMap((m) => m.terms),
        });
  const hashtags = topics?.hashtags ?? extractHashtags(mention.text);
  const duplicate =
    owner === undefined ? enrichers.dedup?.assign(mention.id, mention.text) : undefined;
  const author = mention.author.handle ?? mention.author.id;
  const spam = enrichers.spam?.score({
    id: mention.id,
    text: mention.text,
    author: owner !== undefined && author !== null ? `${owner}\u0000${author}` : author,
    created_at: mention.created_at,
    dup_group_size: duplicate?.group_size ?? 1,
    hashtags,
    urls: countUrls(mention.text),
    account_created_at: null,
  });

  const added: Added = {
    lang: language.lang,
    lang_confidence: language.confidence,
    lang_declared: mention.lang,
    sentiment,
    emotion: enrichers.sentiment.emotion(mention.text, language.lang),
    brands: matches.map(toBrandMatch),
    topics: topics?.topics ?? [],
    keywords: topics?.keywords ?? [],
    hashtags,
    dup_group: duplicate?.dup_group ?? null,
    spam: spam ?? { score: 0, reasons: [] },
    enriched_at: enrichers.now().toISOString(),
  };
  return hasPlainKeys(mention) ? plainEnriched(mention, added) : assignEnriched(mention, added);
}

/** What enrichment adds to a mention (or replaces: `lang`, a given `sentiment`). */
type Added = Pick<
  EnrichedMention,
  | 'lang'
  | 'lang_confidence'
  | 'lang_declared'
  | 'sentiment'
  | 'emotion'
  | 'brands'
  | 'topics'
  | 'keywords'
  | 'hashtags'
  | 'dup_group'
  | 'spam'
  | 'enriched_at'
>;

/**
 * The keys of a mention with no optional field, in the contract's order: what every connector
 * and the demo produce. Such a mention is enriched into one object literal (`plainEnriched`).
 */
const PLAIN_KEYS: readonly string[] = MENTION_KEYS.filter((k) => !k.optional).map((k) => k.key);

function hasPlainKeys(mention: Mention): boolean {
  let i = 0;
  for (const key in mention) if (PLAIN_KEYS[i++] !== key) return false;
  return i === PLAIN_KEYS.length;
}

/**
 * The enriched mention as one object literal, when the mention has exactly PLAIN_KEYS: the
 * same keys in the same order as `assignEnriched` (the mention's own, its `lang` replaced in
 * place, then the new ones). V8 gives a literal a fixed shape; adding 23 keys one by one to `{}`
 * (Object.assign) left the object in dictionary mode, 2.9 kB of garbage a mention, and its
 * JSON.stringify 25 % slower (5.5 against 4.4 µs).
 */
function plainEnriched(m: Mention, a: Added): EnrichedMention {
  return {
    id: m.id,
    source: m.source,
    url: m.url,
    author: m.author,
    text: m.text,
    title: m.title,
    lang: a.lang,
    created_at: m.created_at,
    fetched_at: m.fetched_at,
    engagement: m.engagement,
    parent_id: m.parent_id,
    synthetic: m.synthetic,
    lang_confidence: a.lang_confidence,
    lang_declared: a.lang_declared,
    sentiment: a.sentiment,
    emotion: a.emotion,
    brands: a.brands,
    topics: a.topics,
    keywords: a.keywords,
    hashtags: a.hashtags,
    dup_group: a.dup_group,
    spam: a.spam,
    enriched_at: a.enriched_at,
  };
}

/**
 * Any other mention (optional fields, another key order): Object.assign, not `{ ...mention,
 * lang, … }`: V8 builds a spread followed by more properties on a slow path (16 µs a mention,
 * measured; Object.assign 1.6 µs). The keys come out in the same order either way: the
 * mention's own, then the new ones.
 */
function assignEnriched(m: Mention, a: Added): EnrichedMention {
  return Object.assign({}, m, a);
}

function toBrandMatch(m: WatchMatch & { owned?: boolean }): BrandMatch {
  const b: BrandMatch = {
    workspace: m.workspace,
    brand: m.brand,
    query_id: m.query_id,
    terms: m.terms,
  };
  if (m.owned) b.owned = true;
  return b;
}

function extractHashtags(text: string): string[] {
  const tags = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) tags.add(m[1]!.toLowerCase());
  return [...tags];
}
