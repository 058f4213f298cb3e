import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  mentionFeed,
  type ApiMention,
  type FeedCursor,
  decodeCursor,
} from '../../store/queries/mentions.ts';
import type { MentionFilters } from '../../store/queries/filters.ts';
import type { Store } from '../../store/port.ts';
import type { ApiContext } from '../app.ts';
import { EXPORT_COLUMNS, ExportRow } from '../contracts/export.ts';
import { route } from '../openapi.ts';
import { brandOf, FilterQuery, mentionFilters, RangeQuery, rangeOf, Slug } from '../params.ts';

const ExportQuery = RangeQuery.extend(FilterQuery.shape)
  .extend({
    brand: Slug.describe('brand id'),
    sentiment: z
      .enum(['pos', 'neu', 'neg', 'unscored'])
      .optional()
      .describe('only this sentiment label'),
    topic: z.string().min(1).max(128).optional().describe('only this topic id'),
    q: z.string().min(1).max(200).optional().describe('case-insensitive text search'),
  })
  .strict();

export function exportRoutes(ctx: ApiContext): FastifyPluginAsync {
  return (app) => {
    route(
      ctx.routes,
      app,
      {
        method: 'GET',
        url: '/export/mentions.csv',
        tag: 'export',
        auth: true,
        summary: 'All mentions of a brand matching the filters, as CSV (streamed page by page)',
        query: ExportQuery,
        response: ExportRow,
        responses: {
          200: 'CSV, one row per mention (columns: api/contracts/export.ts)',
          400: 'a bad parameter',
          404: 'no such brand',
        },
        produces: 'text/csv',
      },
      async (request, reply, input) => {
        // Everything that can fail on the request's input fails here, before the headers: once
        // a 200 is sent, an error can only cut the stream.
        const q = input.query;
        const { ws } = brandOf(ctx, request.workspaceId, q.brand);
        const range = rangeOf(q, ctx.now());
        const filters = mentionFilters(ws.id, q.brand, range, q);
        // The first page too: a store that fails answers a JSON 5xx/503, not a cut CSV.
        const first = await mentionFeed(ctx.store, filters, { limit: PAGE_SIZE, cursor: null });
        void reply.header('Content-Type', 'text/csv; charset=utf-8');
        void reply.header('Content-Disposition', `attachment; filename="${q.brand}-mentions.csv"`);
        return reply.send(Readable.from(csvLines(ctx.store, filters, first)));
      },
    );
    return Promise.resolve();
  };
}

const PAGE_SIZE = 1_000;

type FeedPage = Awaited<ReturnType<typeof mentionFeed>>;

/** Pages through the feed so memory stays flat however many mentions there are. */
async function* csvLines(
  store: Store,
  filters: MentionFilters,
  first: FeedPage,
): AsyncGenerator<string> {
  yield `${EXPORT_COLUMNS.join(',')}\n`;
  let page = first;
  for (;;) {
    yield page.mentions.map(toCsvRow).join('');
    const cursor: FeedCursor | null =
      page.next_cursor === null ? null : decodeCursor(page.next_cursor);
    if (cursor === null) return;
    page = await mentionFeed(store, filters, { limit: PAGE_SIZE, cursor });
  }
}

function toCsvRow(m: ApiMention): string {
  // In EXPORT_COLUMNS order.
  const values: Array<string | number | null> = [
    m.id,
    m.created_at,
    m.source,
    m.lang,
    m.author.handle ?? '',
    m.url ?? '',
    m.sentiment.label,
    m.sentiment.score,
    m.engagement.likes,
    m.engagement.reposts,
    m.engagement.replies,
    m.topics.map((t) => t.label).join('; '),
    m.text,
  ];
  return `${values.map(csvField).join(',')}\n`;
}

function csvField(v: unknown): string {
  if (typeof v === 'number') return String(v);
  const s = String(v);
  // Quote when needed; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
