import type { EnrichedMention, Mention } from '../../core/contracts/mention.ts';
import { detectLanguage } from '../language/detect.ts';
import type { WatchMatcher } from '../match/index.ts';
import type { SentimentScorer } from '../sentiment/index.ts';

/**
 * Everything the enrich stage computes for one mention, as one pure function over loaded
 * models. The stage, the `earshot enrich` command and the benchmarks all call this.
 */
export interface Enrichers {
  sentiment: SentimentScorer;
  /** Watch queries of every workspace; null when no config is given. */
  matcher: WatchMatcher | null;
  now: () => Date;
}

const HASHTAG = /(?:^|[^\p{L}\p{N}_])#([\p{L}\p{N}_]{1,100})/gu;

export function enrichMention(mention: Mention, enrichers: Enrichers): EnrichedMention {
  const text = mention.title ? `${mention.title}\n${mention.text}` : mention.text;
  const language = detectLanguage(text, mention.lang);
  const sentiment = enrichers.sentiment.score(mention.text, language.lang);
  const matches =
    enrichers.matcher?.match({
      text: mention.text,
      title: mention.title,
      lang: language.lang,
      source: mention.source,
      author: mention.author.handle,
      url: mention.url,
    }) ?? [];
  return {
    ...mention,
    lang: language.lang,
    lang_confidence: language.confidence,
    lang_declared: mention.lang,
    sentiment,
    emotion: enrichers.sentiment.emotion(mention.text, language.lang),
    brands: matches.map((m) => ({ workspace: m.workspace, brand: m.brand, query_id: m.query_id, terms: m.terms })),
    topics: [],
    keywords: [],
    hashtags: extractHashtags(mention.text),
    dup_group: null,
    spam: { score: 0, reasons: [] },
    enriched_at: enrichers.now().toISOString(),
  };
}

function extractHashtags(text: string): string[] {
  const tags = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) tags.add(m[1]!.toLowerCase());
  return [...tags];
}
