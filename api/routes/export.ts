import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { brandHealth } from '../../store/queries/brand-health.ts';
import { compareBrands, type CompareBrand } from '../../store/queries/compare.ts';
import { countMentions, daysWithMentions } from '../../store/queries/export.ts';
import {
  mentionFeed,
  type ApiMention,
  type FeedCursor,
  decodeCursor,
} from '../../store/queries/mentions.ts';
import type { MentionFilters } from '../../store/queries/filters.ts';
import { engagement, type EngagementWeights } from '../../store/queries/metrics.ts';
import type { Store } from '../../store/port.ts';
import type { ApiContext } from '../app.ts';
import { EXPORT_COLUMNS, ExportRow } from '../contracts/export.ts';
import { ApiError } from '../errors.ts';
import {
  CONTENT_TYPES,
  fileName,
  tableStream,
  type Cell,
  type Table,
  type TableFormat,
} from '../export-table.ts';
import { route } from '../openapi.ts';
import { CompareQuery } from './compare.ts';
import {
  brandOf,
  FilterQuery,
  MentionFilterQuery,
  mentionFilters,
  RangeQuery,
  rangeOf,
  Slug,
  timeZoneOf,
  workspaceOf,
} from '../params.ts';

/**
 * Downloads for spreadsheets: the mention feed with its filters, a brand's series and the
 * comparison table, each as CSV (UTF-8 with a byte-order mark, so Excel reads Greek and Persian
 * right) or XLSX. Every download says how many rows it holds (`X-Total-Count`, counted before
 * the first byte) and streams page by page: nothing is cut, whatever the size, and nothing is
 * added (mentions stored during the download are left out of it, as of the count).
 */

const ExportQuery = RangeQuery.extend(FilterQuery.shape)
  .extend(MentionFilterQuery.shape)
  .extend({ brand: Slug.describe('brand id') })
  .strict();

const SeriesQuery = RangeQuery.extend(FilterQuery.shape)
  .extend({ brand: Slug.describe('brand id') })
  .strict();

/** The comparison table's download asks what the comparison asks. */
const CompareExportQuery = CompareQuery;

/** The mention download's columns (api/contracts/export.ts: the row's schema). */
export const MENTION_COLUMNS = EXPORT_COLUMNS;

const FORMATS: TableFormat[] = ['csv', 'xlsx'];

/** Headers of a download, and its stream. */
function sendTable(
  reply: FastifyReply,
  table: Table,
  format: TableFormat,
  base: string,
  rows: number,
): FastifyReply {
  void reply.header('Content-Type', CONTENT_TYPES[format]);
  void reply.header('Content-Disposition', `attachment; filename="${fileName(base, format)}"`);
  // Read by the UI ("12,345 mentions exported"); exposed for browsers on other origins too.
  void reply.header('X-Total-Count', String(rows));
  void reply.header('Access-Control-Expose-Headers', 'X-Total-Count, Content-Disposition');
  void reply.header('Cache-Control', 'no-store');
  return reply.send(tableStream(table, format));
}

export function exportRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    for (const format of FORMATS) {
      route(
        ctx.routes,
        app,
        {
          method: 'GET',
          url: `/export/mentions.${format}`,
          tag: 'export',
          auth: true,
          summary: `All mentions of a brand matching the filters, as ${format.toUpperCase()} (streamed page by page; X-Total-Count: the number of rows)`,
          query: ExportQuery,
          ...(format === 'csv' ? { response: ExportRow } : {}),
          responses: {
            200: `${CONTENT_TYPES[format]}, one row per mention (columns: api/contracts/export.ts)`,
            400: 'a bad parameter',
            404: 'no such brand',
          },
          produces: CONTENT_TYPES[format].split(';')[0]!,
        },
        async (request, reply, input) => {
          // Everything that can fail on the request's input fails here, before the headers:
          // once a 200 is sent, an error can only cut the stream.
          const q = input.query;
          const { ws } = brandOf(ctx, request.workspaceId, q.brand);
          const range = rangeOf(q, ctx.now(), timeZoneOf(ws));
          const asked = mentionFilters(ws.id, q.brand, range, q);
          // The count and the first page too: a store that fails answers a JSON 5xx/503, not a
          // cut file. The rows are read under the count's storage bound: what is stored while
          // the file streams is left out, so the file holds exactly X-Total-Count rows.
          const { rows, storedUpTo } = await countMentions(ctx.store, asked);
          const filters: MentionFilters = { ...asked, storedUpTo };
          const first = await mentionFeed(ctx.store, filters, { limit: PAGE_SIZE, cursor: null });
          const table: Table = {
            name: 'mentions',
            columns: MENTION_COLUMNS,
            rows: mentionRows(ctx.store, filters, first, ctx.engagementWeights),
          };
          return sendTable(reply, table, format, `${q.brand}-mentions`, rows);
        },
      );

      route(
        ctx.routes,
        app,
        {
          method: 'GET',
          url: `/export/series.${format}`,
          tag: 'export',
          auth: true,
          summary: `A brand's volume and sentiment per bucket (as /brands/{brand}/health), as ${format.toUpperCase()}`,
          query: SeriesQuery,
          responses: { 200: CONTENT_TYPES[format], 400: 'a bad parameter', 404: 'no such brand' },
          produces: CONTENT_TYPES[format].split(';')[0]!,
        },
        async (request, reply, input) => {
          const q = input.query;
          const { ws } = brandOf(ctx, request.workspaceId, q.brand);
          const range = rangeOf(q, ctx.now(), timeZoneOf(ws));
          const health = await brandHealth(ctx.store, {
            workspace: ws.id,
            brand: q.brand,
            from: range.from,
            to: range.to,
            intervalSeconds: range.intervalMs / 1000,
            calendar: range.calendar,
            source: q.source,
            lang: q.lang,
            weights: ctx.engagementWeights,
            now: range.now,
          });
          const local = localTimeFormat(range.tz);
          const table: Table = {
            name: 'series',
            columns: [
              'bucket_start',
              `bucket_start_local (${range.tz})`,
              'volume',
              'positive',
              'neutral',
              'negative',
              'unscored',
              'net_sentiment',
              'engagement',
            ],
            rows: health.series.map((p) => [
              p.t,
              local(p.t),
              p.volume,
              p.positive,
              p.neutral,
              p.negative,
              p.unscored,
              p.net_sentiment,
              p.engagement,
            ]),
          };
          return sendTable(reply, table, format, `${q.brand}-series`, health.series.length);
        },
      );

      route(
        ctx.routes,
        app,
        {
          method: 'GET',
          url: `/export/compare.${format}`,
          tag: 'export',
          auth: true,
          summary: `The comparison table (as /compare) with its intervals and verdicts, as ${format.toUpperCase()}`,
          query: CompareExportQuery,
          responses: {
            200: CONTENT_TYPES[format],
            400: 'a bad parameter',
            404: 'a brand not in your workspace',
          },
          produces: CONTENT_TYPES[format].split(';')[0]!,
        },
        async (request, reply, input) => {
          const q = input.query;
          const ws = workspaceOf(ctx, request.workspaceId);
          const brands = q.brands.map((id) => {
            const b = ws.brands.find((x) => x.id === id);
            if (!b) throw new ApiError(404, 'not_found', `no brand "${id}"`);
            return { id: b.id, name: b.name };
          });
          const range = rangeOf(q, ctx.now(), timeZoneOf(ws));
          const result = await compareBrands(ctx.store, {
            workspace: ws.id,
            brands,
            from: range.from,
            to: range.to,
            intervalSeconds: range.intervalMs / 1000,
            calendar: range.calendar,
            weights: ctx.engagementWeights,
            now: range.now,
          });
          const table: Table = {
            name: 'compare',
            columns: COMPARE_COLUMNS,
            rows: result.brands.map(compareRow),
          };
          return sendTable(reply, table, format, 'compare', result.brands.length);
        },
      );
    }
    return Promise.resolve();
  };
}

const PAGE_SIZE = 1_000;

type FeedPage = Awaited<ReturnType<typeof mentionFeed>>;

/**
 * Every mention of the filters, newest first, in windows of a day: each window is paged by the
 * feed's keyset within its own bounds, so a page reads only its day. Paging the whole range by
 * one keyset makes every page scan all rows older than its cursor (quadratic: a 30-day export of
 * 330,000 mentions took more than 20 minutes); by windows it is linear. Only the days that hold a
 * mention are visited (one query lists them), so a range of years costs nothing for its empty
 * days. Memory stays flat.
 */
async function* mentionRows(
  store: Store,
  filters: MentionFilters,
  first: FeedPage,
  weights: EngagementWeights,
): AsyncGenerator<Cell[]> {
  const fromMs = filters.from.getTime();
  const toMs = filters.to.getTime();
  // The first page read before the headers is the newest; it stands for its window only when
  // the whole range fits in one window.
  if (toMs - fromMs <= EXPORT_WINDOW_MS) {
    yield* windowRows(store, filters, first, weights);
    return;
  }
  for (const day of await daysWithMentions(store, filters)) {
    const window = {
      ...filters,
      from: new Date(Math.max(fromMs, day)),
      to: new Date(Math.min(toMs, day + EXPORT_WINDOW_MS)),
    };
    const page = await mentionFeed(store, window, { limit: PAGE_SIZE, cursor: null });
    yield* windowRows(store, window, page, weights);
  }
}

/** The rows of one window, page by page from its first page. */
async function* windowRows(
  store: Store,
  window: MentionFilters,
  first: FeedPage,
  weights: EngagementWeights,
): AsyncGenerator<Cell[]> {
  let page = first;
  for (;;) {
    for (const m of page.mentions) yield mentionRow(m, weights);
    const cursor: FeedCursor | null =
      page.next_cursor === null ? null : decodeCursor(page.next_cursor);
    if (cursor === null) return;
    page = await mentionFeed(store, window, { limit: PAGE_SIZE, cursor });
  }
}

const EXPORT_WINDOW_MS = 86_400_000;

function mentionRow(m: ApiMention, weights: EngagementWeights): Cell[] {
  const followers = m.author.followers === null ? null : Number(m.author.followers);
  return [
    m.id,
    m.created_at,
    m.source,
    m.lang,
    m.author.handle,
    m.author.display_name,
    followers,
    // One mention's reach estimate: its author's followers (see store/queries/metrics.ts).
    followers ?? 0,
    m.url,
    m.sentiment.label,
    m.sentiment.score,
    m.sentiment.confidence,
    m.sentiment.model,
    m.engagement.likes,
    m.engagement.reposts,
    m.engagement.replies,
    engagement(m.engagement, weights),
    m.owned,
    m.topics.map((t) => t.label).join('; '),
    m.title,
    m.text,
  ];
}

const COMPARE_COLUMNS = [
  'brand',
  'name',
  'mentions',
  'mentions_previous',
  'mentions_change_pct',
  'mentions_vs_previous',
  'mentions_vs_reference',
  'share_of_voice',
  'share_of_voice_ci95_low',
  'share_of_voice_ci95_high',
  'share_of_voice_vs_previous',
  'positive_share',
  'positive_share_ci95_low',
  'positive_share_ci95_high',
  'positive_share_vs_previous',
  'positive_share_vs_reference',
  'negative_share',
  'negative_share_ci95_low',
  'negative_share_ci95_high',
  'negative_share_vs_previous',
  'negative_share_vs_reference',
  'net_sentiment',
  'engagement',
  'engagement_per_mention',
  'engagement_per_mention_ci95_low',
  'engagement_per_mention_ci95_high',
  'engagement_per_mention_vs_previous',
  'engagement_per_mention_vs_reference',
  'reach_estimate',
] as const;

function compareRow(b: CompareBrand): Cell[] {
  const ref = b.vs_reference;
  return [
    b.brand,
    b.name,
    b.volume,
    b.previous.volume,
    b.change.volume_pct,
    b.vs_previous.volume.verdict,
    ref?.volume.verdict ?? 'reference',
    b.share_of_voice.value,
    b.share_of_voice.ci95?.[0],
    b.share_of_voice.ci95?.[1],
    b.vs_previous.share_of_voice.verdict,
    b.positive_share.value,
    b.positive_share.ci95?.[0],
    b.positive_share.ci95?.[1],
    b.vs_previous.positive_share.verdict,
    ref?.positive_share.verdict ?? 'reference',
    b.negative_share.value,
    b.negative_share.ci95?.[0],
    b.negative_share.ci95?.[1],
    b.vs_previous.negative_share.verdict,
    ref?.negative_share.verdict ?? 'reference',
    b.net_sentiment,
    b.engagement,
    b.engagement_per_mention.value,
    b.engagement_per_mention.ci95?.[0],
    b.engagement_per_mention.ci95?.[1],
    b.vs_previous.engagement_per_mention.verdict,
    ref?.engagement_per_mention.verdict ?? 'reference',
    b.reach_estimate,
  ];
}

/** "2026-11-20 00:00" in `tz`: the bucket as the reader's calendar names it. */
function localTimeFormat(tz: string): (iso: string) => string {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (iso) => f.format(new Date(iso));
}
