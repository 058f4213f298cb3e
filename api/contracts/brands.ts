import { z } from 'zod';

/**
 * What the brand routes answer, as zod schemas: they describe the 200 responses in
 * /openapi.json (route specs' `response`), type the handlers' answers, and are checked exactly
 * against real answers (test/integration/api-contracts.int.test.ts: a field added or dropped by
 * a route fails there first). Parsing drops unknown fields, so the web UI, which parses with
 * these, reads a newer server's answers.
 */

const Share = z.number().nullable().describe('0..1, null when nothing was scored');

export const BrandsResponse = z.object({
  workspace: z.string(),
  name: z.string(),
  /** The reporting time zone (IANA): days and weeks split at its midnight. */
  timezone: z.string(),
  brands: z.array(z.lazy(() => BrandView)),
});
export type BrandsResponse = z.infer<typeof BrandsResponse>;

/** One brand as GET /v1/brands lists it and the setup routes answer. */
export const BrandView = z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  competitors: z.array(z.string()),
  color: z.string().nullable(),
  owned: z
    .object({
      youtube: z.array(z.string()).optional(),
      mastodon: z.array(z.string()).optional(),
      bluesky: z.array(z.string()).optional(),
    })
    .nullable()
    .describe("the brand's own accounts"),
  origin: z
    .enum(['config', 'api'])
    .describe('config: defined in earshot.config.yaml (read-only here); api: stored, editable'),
});

const Scope = {
  workspace: z.string(),
  brand: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
};

const TopicLangs = z
  .array(z.string())
  .describe(
    "languages of the topic's mentions in the period, most first (one story told in several languages is one topic)",
  );

export const TopicsResponse = z.object({
  ...Scope,
  top: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      volume: z.number(),
      negative_share: Share,
      langs: TopicLangs,
    }),
  ),
  trending: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      volume: z.number(),
      langs: TopicLangs,
      previous_volume: z.number(),
      growth: z.number().nullable().describe('% change vs the previous period'),
    }),
  ),
});
export type TopicsResponse = z.infer<typeof TopicsResponse>;

export const AuthorsResponse = z.object({
  workspace: z.string(),
  brand: z.string(),
  authors: z.array(
    z.object({
      author_id: z.string(),
      handle: z.string().nullable(),
      display_name: z.string().nullable(),
      followers: z.number().nullable(),
      mentions: z.number(),
      engagement: z.number(),
      negative_share: Share,
    }),
  ),
});
export type AuthorsResponse = z.infer<typeof AuthorsResponse>;
