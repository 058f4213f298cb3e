import { z } from 'zod';
import { ExplanationItemSchema, SentimentLabelSchema } from '../../core/contracts/mention.ts';

/**
 * What `GET /v1/brands/{brand}/mentions` answers: one page of the mentions behind the numbers
 * (see health.ts for how these schemas are used).
 */

/** What people of the workspace did to a mention (POST /v1/mentions/actions). */
export const MentionActions = z.object({
  tags: z.array(z.string()),
  hidden: z.boolean(),
  bookmarked: z.boolean(),
  muted: z.boolean().describe('its author or domain is muted'),
  corrected: z
    .object({
      label: SentimentLabelSchema,
      original_label: SentimentLabelSchema.describe("the model's label"),
      by: z.string(),
      at: z.string(),
    })
    .nullable()
    .describe('set when a person corrected the sentiment: `sentiment.label` is the correction'),
});
export type MentionActions = z.infer<typeof MentionActions>;

export const ApiMention = z.object({
  id: z.string(),
  source: z.string(),
  url: z.string().nullable(),
  author: z.object({
    id: z.string().nullable(),
    handle: z.string().nullable(),
    display_name: z.string().nullable(),
    followers: z.number().nullable(),
  }),
  text: z.string(),
  title: z.string().nullable(),
  lang: z.string(),
  created_at: z.iso.datetime(),
  engagement: z
    .object({ likes: z.number(), reposts: z.number(), replies: z.number() })
    .describe('as now: the stored counts raised by later refreshes'),
  sentiment: z.object({
    label: SentimentLabelSchema,
    score: z.number(),
    confidence: z.number(),
    explanation: z.array(ExplanationItemSchema).describe('the words that drove the score'),
    model: z.string().describe('the model (tier and version) that scored it, or "given"'),
  }),
  topics: z.array(z.object({ id: z.string(), label: z.string() })),
  matched_terms: z.array(z.string()),
  owned: z.boolean().describe("by or under one of the brand's own accounts"),
  spam_score: z.number(),
  dup_group: z.string().nullable(),
  synthetic: z.boolean(),
  actions: MentionActions.optional(),
});
export type ApiMention = z.infer<typeof ApiMention>;

export const MentionsResponse = z.object({
  mentions: z.array(ApiMention),
  next_cursor: z.string().nullable().describe('pass as `cursor` for the next page; null: last'),
});
export type MentionsResponse = z.infer<typeof MentionsResponse>;
