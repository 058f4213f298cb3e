import { z } from 'zod';

/**
 * Wire contracts between stages. Field names are snake_case because the same names are
 * Kafka JSON, ClickHouse columns and API JSON. A breaking change is a new topic version
 * (`mentions.raw.v2`), never an in-place edit: golden fixtures in `fixtures/` keep us honest.
 */

/** Source names are open-ended (new connectors appear), but always a lowercase slug. */
export const SOURCE_NAME_RE = /^[a-z][a-z0-9_-]{0,31}$/;
export const SourceNameSchema = z
  .string()
  .regex(SOURCE_NAME_RE, 'source must be a lowercase slug like "bluesky"');

/** ISO 639-1 (two letters), optionally with a region (`pt-BR`); `und` means undetermined. */
export const LANG_CODE_RE = /^([a-z]{2,3})(-[A-Za-z0-9]{2,8})*$/;
export const LangCodeSchema = z
  .string()
  .regex(LANG_CODE_RE, 'lang must be an ISO 639 code like "de" or "pt-BR"');

const IsoDateTime = z.iso.datetime({ offset: true });

/**
 * The times a mention may carry when it comes in. A created_at of year 1 or 9999 is a bug or an
 * attack: it lands outside every chart, clamps in the engine's DateTime64, and breaks queries and
 * cursors that meet it. Every way in (webhook, import, connectors, the raw stage's decode) parses
 * this contract, so the check lives here once, kept cheap (below). The upper bound allows a
 * day of clock skew at the source.
 */
export const MENTION_TIME_MIN = '2000-01-01T00:00:00Z';
export const MENTION_TIME_MAX_AHEAD_MS = 86_400_000;
const MENTION_TIME_MIN_MS = Date.parse(MENTION_TIME_MIN);

/**
 * Whether an ISO time (already checked by IsoDateTime: a 4-digit year first) lies in the window.
 * Most times are dated strictly between 2000-01-01 and today, which a comparison of their date
 * text decides exactly (an offset moves a time by less than a day); only the rest are parsed.
 * Date.parse would cost more than the rest of the contract's checks together.
 */
let today = { at: 0, date: '' };
export function inIngestWindow(iso: string): boolean {
  const now = Date.now();
  // Refreshed every minute: a stale `today` is earlier, so the shortcut only gets stricter.
  if (now - today.at > 60_000) today = { at: now, date: new Date(now).toISOString().slice(0, 10) };
  const date = iso.slice(0, 10);
  if (date > '2000-01-01' && date < today.date) return true;
  const t = Date.parse(iso);
  return t >= MENTION_TIME_MIN_MS && t <= now + MENTION_TIME_MAX_AHEAD_MS;
}

const IngestTime = IsoDateTime.refine(inIngestWindow, {
  error: () =>
    `outside the accepted window: not before ${MENTION_TIME_MIN} and not more than a day ahead of now (${new Date(Date.now() + MENTION_TIME_MAX_AHEAD_MS).toISOString()})`,
});
const Count = z.number().int().nonnegative();

export const AuthorSchema = z.object({
  /** Stable id at the source (DID, account id, channel id…). */
  id: z.string().max(512).nullable().default(null),
  handle: z.string().max(512).nullable().default(null),
  display_name: z.string().max(512).nullable().default(null),
  /** Followers when the source tells; the basis of the reach estimate. */
  followers: Count.nullable().default(null),
});
export type Author = z.infer<typeof AuthorSchema>;

export const EngagementSchema = z.object({
  likes: Count.default(0),
  reposts: Count.default(0),
  replies: Count.default(0),
  views: Count.nullable().default(null),
});
export type Engagement = z.infer<typeof EngagementSchema>;

export const MENTION_ID_RE = /^[a-z][a-z0-9_-]*:.+$/s;
export const WORKSPACE_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const MentionSchema = z.object({
  /** `source:native_id`: deterministic, so a redelivered or re-fetched item dedups. */
  id: z.string().min(3).max(512).regex(MENTION_ID_RE, 'id must look like "source:native_id"'),
  source: SourceNameSchema,
  url: z.url().max(4096).nullable().default(null),
  author: AuthorSchema.default({ id: null, handle: null, display_name: null, followers: null }),
  text: z.string().max(100_000),
  title: z.string().max(2_000).nullable().default(null),
  /** Language the source declares (a hint, not the truth). */
  lang: LangCodeSchema.nullable().default(null),
  created_at: IngestTime,
  fetched_at: IngestTime.nullable().default(null),
  engagement: EngagementSchema.default({ likes: 0, reposts: 0, replies: 0, views: null }),
  parent_id: z.string().max(512).nullable().default(null),
  /**
   * Whose item this one answers or sits under, when the source says: the author of the
   * replied-to post (Bluesky DID, Mastodon `name@instance`), the channel of the commented video
   * (YouTube). Lets a brand keep the replies to its own accounts (`owned`, enrich/owned/).
   */
  parent_author: z
    .object({
      id: z.string().max(512).nullable().default(null),
      handle: z.string().max(512).nullable().default(null),
    })
    .optional(),
  /** True for generated data (the demo source) so it is never mistaken for real mentions. */
  synthetic: z.boolean().default(false),
  /**
   * A sentiment label the mention came with (an import from another tool: `sentiment` in JSONL
   * or CSV). Kept as given, marked `model: "given"`, and never re-scored by any tier
   * (enrich/pipeline/sentiment-choice.ts). Optional, so messages without it keep their meaning.
   */
  sentiment: z
    .enum(['pos', 'neu', 'neg'], { error: () => 'sentiment must be one of pos, neu, neg' })
    .optional(),
  /**
   * True when a connector re-read a mention it produced before, for its engagement
   * (ingest/refresh/): enrichment leaves it out of the topic clusters (it was counted there the
   * first time), and the sink takes only its engagement when the mention is stored already.
   */
  refresh: z.boolean().optional(),
  /**
   * The workspace that owns the mention when it came through that workspace's own feed
   * (`POST /v1/ingest`: set by the API from the key, never from the body). It is matched
   * against that workspace's watch queries only. Absent for public sources, whose mentions
   * match every workspace. Optional, so messages without it keep their meaning on this topic.
   */
  workspace: z.string().regex(WORKSPACE_ID_RE, 'workspace must be a workspace id').optional(),
});
export type Mention = z.infer<typeof MentionSchema>;
/** What a producer may send: defaults filled in by the schema. */
export type MentionInput = z.input<typeof MentionSchema>;

export const SentimentLabelSchema = z.enum(['pos', 'neu', 'neg', 'unscored']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

/** One word, emoji or feature that moved the score; offsets are UTF-16 indexes into `text`. */
export const ExplanationItemSchema = z.object({
  text: z.string(),
  start: z.number().int().nonnegative().nullable(),
  end: z.number().int().nonnegative().nullable(),
  weight: z.number(),
  kind: z.string(),
});
export type ExplanationItem = z.infer<typeof ExplanationItemSchema>;

export const SentimentSchema = z.object({
  label: SentimentLabelSchema,
  score: z.number().min(-1).max(1),
  confidence: z.number().min(0).max(1),
  explanation: z.array(ExplanationItemSchema).default([]),
  model: z.object({ name: z.string(), version: z.string() }),
});
export type Sentiment = z.infer<typeof SentimentSchema>;

export const BrandMatchSchema = z.object({
  brand: z.string(),
  workspace: z.string(),
  /** Which watch query matched (brand id + query text hash), so a user can see why. */
  query_id: z.string(),
  terms: z.array(z.string()).default([]),
  /**
   * Kept because it is by, or answers, one of the brand's own accounts (`owned` in the config),
   * whether or not the query matched; absent = false.
   */
  owned: z.boolean().optional(),
});
export type BrandMatch = z.infer<typeof BrandMatchSchema>;

export const TopicRefSchema = z.object({
  id: z.string(),
  label: z.string(),
  /**
   * The "workspace/brand" whose topic cluster this is: a post several workspaces match gets one
   * topic per brand, and each brand (each workspace) sees only its own (a label is made of that
   * brand's posts). Absent in older messages: then every matched brand sees it, as before.
   */
  brand: z.string().optional(),
});

export const SpamSchema = z.object({
  score: z.number().min(0).max(1),
  reasons: z.array(z.string()).default([]),
});

export const EnrichedMentionSchema = MentionSchema.extend({
  /**
   * Checked against the window when the mention came in (the raw stage); not again downstream,
   * where another host's clock could refuse what enrich accepted.
   */
  created_at: IsoDateTime,
  fetched_at: IsoDateTime.nullable().default(null),
  /** Detected language (ISO 639-1) or `und`; replaces the declared one, kept in `lang_declared`. */
  lang: LangCodeSchema,
  lang_confidence: z.number().min(0).max(1),
  lang_declared: LangCodeSchema.nullable().default(null),
  sentiment: SentimentSchema,
  emotion: z.record(z.string(), z.number()).nullable().default(null),
  brands: z.array(BrandMatchSchema).default([]),
  topics: z.array(TopicRefSchema).default([]),
  keywords: z.array(z.string()).default([]),
  hashtags: z.array(z.string()).default([]),
  dup_group: z.string().nullable().default(null),
  spam: SpamSchema.default({ score: 0, reasons: [] }),
  enriched_at: IsoDateTime,
});
export type EnrichedMention = z.infer<typeof EnrichedMentionSchema>;
export type EnrichedMentionInput = z.input<typeof EnrichedMentionSchema>;
