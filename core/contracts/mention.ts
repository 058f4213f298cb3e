import { z } from 'zod';

/**
 * Wire contracts between stages. Field names are snake_case because the same names are
 * Kafka JSON, ClickHouse columns and API JSON. A breaking change is a new topic version
 * (`mentions.raw.v2`), never an in-place edit: golden fixtures in `fixtures/` keep us honest.
 */

/** Source names are open-ended (new connectors appear), but always a lowercase slug. */
export const SourceNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'source must be a lowercase slug like "bluesky"');

/** ISO 639-1 (two letters), optionally with a region (`pt-BR`); `und` means undetermined. */
export const LangCodeSchema = z
  .string()
  .regex(/^([a-z]{2,3})(-[A-Za-z0-9]{2,8})*$/, 'lang must be an ISO 639 code like "de" or "pt-BR"');

const IsoDateTime = z.iso.datetime({ offset: true });
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

export const MentionSchema = z.object({
  /** `source:native_id`: deterministic, so a redelivered or re-fetched item dedups. */
  id: z
    .string()
    .min(3)
    .max(512)
    .regex(/^[a-z][a-z0-9_-]*:.+$/s, 'id must look like "source:native_id"'),
  source: SourceNameSchema,
  url: z.url().max(4096).nullable().default(null),
  author: AuthorSchema.default({ id: null, handle: null, display_name: null, followers: null }),
  text: z.string().max(100_000),
  title: z.string().max(2_000).nullable().default(null),
  /** Language the source declares (a hint, not the truth). */
  lang: LangCodeSchema.nullable().default(null),
  created_at: IsoDateTime,
  fetched_at: IsoDateTime.nullable().default(null),
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
   * True when a connector re-read a mention it produced before, for its engagement
   * (ingest/refresh/): enrichment leaves it out of the topic clusters (it was counted there the
   * first time), and the sink takes only its engagement when the mention is stored already.
   */
  refresh: z.boolean().optional(),
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

export const TopicRefSchema = z.object({ id: z.string(), label: z.string() });

export const SpamSchema = z.object({
  score: z.number().min(0).max(1),
  reasons: z.array(z.string()).default([]),
});

export const EnrichedMentionSchema = MentionSchema.extend({
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
