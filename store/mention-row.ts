import type { EnrichedMention } from '../core/contracts/mention.ts';

/** The `mentions` table row for an enriched mention (column names = table columns). */
export function toMentionRow(m: EnrichedMention): Record<string, unknown> {
  return {
    id: m.id,
    source: m.source,
    url: m.url,
    author_id: m.author.id,
    author_handle: m.author.handle,
    author_name: m.author.display_name,
    author_followers: m.author.followers,
    text: m.text,
    title: m.title,
    lang: m.lang,
    lang_confidence: m.lang_confidence,
    lang_declared: m.lang_declared,
    created_at: m.created_at,
    fetched_at: m.fetched_at,
    enriched_at: m.enriched_at,
    likes: m.engagement.likes,
    reposts: m.engagement.reposts,
    replies: m.engagement.replies,
    views: m.engagement.views,
    parent_id: m.parent_id,
    synthetic: m.synthetic,
    sentiment_label: m.sentiment.label,
    sentiment_score: m.sentiment.score,
    sentiment_confidence: m.sentiment.confidence,
    // "<name>@<version>"; a label an import brought is just "given" (it has no version).
    sentiment_model: m.sentiment.model.version
      ? `${m.sentiment.model.name}@${m.sentiment.model.version}`
      : m.sentiment.model.name,
    sentiment_explanation: JSON.stringify(m.sentiment.explanation),
    emotion: m.emotion ? JSON.stringify(m.emotion) : null,
    brand_workspaces: m.brands.map((b) => b.workspace),
    brand_ids: m.brands.map((b) => b.brand),
    brand_query_ids: m.brands.map((b) => b.query_id),
    brand_terms: m.brands.map((b) => b.terms),
    brand_owned: m.brands.map((b) => b.owned === true),
    topic_ids: m.topics.map((t) => t.id),
    topic_labels: m.topics.map((t) => t.label),
    // Whose each topic is: brand_mentions keeps a brand's own (migration 0014).
    topic_brands: m.topics.map((t) => t.brand ?? ''),
    keywords: m.keywords,
    hashtags: m.hashtags,
    dup_group: m.dup_group,
    spam_score: m.spam.score,
    spam_reasons: m.spam.reasons,
    // Later enrichment of the same mention wins (ReplacingMergeTree version).
    version: Date.parse(m.enriched_at),
  };
}
