import { z } from 'zod';
import { TimeZoneSchema } from '../core/time-zone.ts';
import type { WorkspaceConfig } from '../core/workspace-config.ts';
import type { ApiContext } from './app.ts';
import type { MentionFilters } from '../store/queries/filters.ts';
import { ApiError } from './errors.ts';
import {
  DurationSchema,
  resolveRange,
  timeProblem,
  TimeSchema,
  type ResolvedRange,
} from './time-params.ts';

/** Query and path parameters shared by the routes, with the words the OpenAPI page shows. */
export const Slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a lowercase id like "acme"');

export const BrandParams = z.object({ brand: Slug.describe('brand id from GET /v1/brands') });

export const RangeQuery = z.object({
  from: TimeSchema.optional().describe(
    'ISO 8601 or relative (now-24h, -7d); default: 24 h before `to`',
  ),
  to: TimeSchema.optional().describe('ISO 8601 or relative; default: now'),
  interval: DurationSchema.optional().describe(
    'bucket width: 5m, 15m, 1h, 6h, 1d, 1w; default: picked for ≤ 48 buckets',
  ),
  tz: TimeZoneSchema.optional().describe(
    'IANA time zone where days and weeks split (local midnight, weeks from Monday), e.g. Europe/Athens; default: the workspace’s `timezone`, else UTC',
  ),
});

export const FilterQuery = z.object({
  source: Slug.optional().describe('only mentions from this source (bluesky, mastodon, demo, …)'),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'an ISO 639 code like "de"')
    .optional()
    .describe('only mentions in this detected language'),
});

/**
 * The mention feed's own filters. Its download (`/v1/export/mentions.*`) takes the same ones, so
 * a file holds what the feed shows: one schema, so the two cannot drift apart.
 */
export const MentionFilterQuery = z.object({
  sentiment: z
    .enum(['pos', 'neu', 'neg', 'unscored'])
    .optional()
    .describe('only this sentiment label'),
  topic: z.string().min(1).max(128).optional().describe('only mentions of this topic id'),
  q: z.string().min(1).max(200).optional().describe('case-insensitive text search'),
  owned: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      "true: only mentions by or under the brand's own accounts (`owned` in the config); false: only the others",
    ),
  tag: z.string().trim().min(1).max(40).optional().describe('only mentions you tagged so'),
  bookmarked: z.enum(['true']).optional().describe('true: only bookmarked mentions'),
  hidden: z
    .enum(['true'])
    .optional()
    .describe('true: only the mentions you hid (hidden and muted ones are left out otherwise)'),
});

/** The reporting time zone of a workspace (config `workspaces[].timezone`), UTC by default. */
export function timeZoneOf(ws: Pick<WorkspaceConfig, 'timezone'>): string {
  return ws.timezone ?? 'UTC';
}

/** The request's range, its days in the request's `tz`, else `defaultTz` (the workspace's). */
export function rangeOf(
  q: z.infer<typeof RangeQuery>,
  now: Date,
  defaultTz = 'UTC',
): ResolvedRange {
  const range = resolveRange(q, now, q.tz ?? defaultTz);
  if ('error' in range) {
    throw new ApiError(
      400,
      'invalid_parameter',
      range.error,
      range.details ?? [{ parameter: range.parameter, message: range.error }],
    );
  }
  return range;
}

/** A 400 naming the first of these resolved times outside the window a query may name. */
export function checkTimes(times: Record<string, Date>): void {
  for (const [parameter, t] of Object.entries(times)) {
    const problem = timeProblem(parameter, t);
    if (problem !== null)
      throw new ApiError(400, 'invalid_parameter', problem, [{ parameter, message: problem }]);
  }
}

/** The caller's workspace (from its key). */
export function workspaceOf(ctx: ApiContext, workspaceId: string): WorkspaceConfig {
  const ws = ctx.config().workspaces.find((w) => w.id === workspaceId);
  // A key of a workspace that left the config sees nothing, like a foreign brand.
  if (!ws)
    throw new ApiError(404, 'not_found', `no workspace "${workspaceId}" in the configuration`);
  return ws;
}

/** A brand of the caller's workspace; any other brand is a 404 (never a 403: no existence leak). */
export function brandOf(ctx: ApiContext, workspaceId: string, brand: string) {
  const ws = workspaceOf(ctx, workspaceId);
  const config = ws.brands.find((b) => b.id === brand);
  if (!config) throw new ApiError(404, 'not_found', `no brand "${brand}"`);
  return { ws, brand: config };
}

/**
 * The common start of every brand route, from its parsed input (read in this order: the path's
 * brand, then the query): the caller's brand, or a 404, and the time range.
 */
export function brandScope<Q extends z.infer<typeof RangeQuery>>(
  ctx: ApiContext,
  workspaceId: string,
  input: { readonly params: { brand: string }; readonly query: Q },
): { ws: WorkspaceConfig; brand: string; q: Q; range: ResolvedRange } {
  const { brand } = input.params;
  const q = input.query;
  const { ws } = brandOf(ctx, workspaceId, brand);
  return { ws, brand, q, range: rangeOf(q, ctx.now(), timeZoneOf(ws)) };
}

/** Mention-level filters from a route's query (feed, authors, topics, export). */
export function mentionFilters(
  workspace: string,
  brand: string,
  range: ResolvedRange,
  q: {
    sentiment?: MentionFilters['sentiment'];
    source?: string;
    lang?: string;
    topic?: string;
    q?: string;
    owned?: 'true' | 'false';
    tag?: string;
    bookmarked?: 'true';
    hidden?: 'true';
  },
): MentionFilters {
  return {
    workspace,
    brand,
    from: range.from,
    to: range.to,
    sentiment: q.sentiment,
    source: q.source,
    lang: q.lang,
    topic: q.topic,
    q: q.q,
    owned: q.owned === undefined ? undefined : q.owned === 'true',
    tag: q.tag?.toLowerCase(),
    bookmarked: q.bookmarked === 'true' ? true : undefined,
    hidden: q.hidden === 'true' ? true : undefined,
  };
}
