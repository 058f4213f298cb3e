import { z } from 'zod';
import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';
import { parseJsonBody } from '../http/json.ts';

/**
 * Algolia HN Search, `search_by_date` (newest first). Hits stay `unknown` here: each is
 * validated on its own in normalize so one odd hit is dead-lettered, not the page.
 */
export const AlgoliaPageSchema = z.object({
  hits: z.array(z.unknown()),
  page: z.number().int().nonnegative(),
  nbPages: z.number().int().nonnegative(),
  nbHits: z.number().int().nonnegative().optional(),
  hitsPerPage: z.number().int().optional(),
});
export type AlgoliaPage = z.infer<typeof AlgoliaPageSchema>;

export interface SearchParams {
  query: string;
  tags: string;
  /** Only hits with created_at_i strictly greater than this (epoch seconds). */
  sinceSeconds: number;
  page: number;
  hitsPerPage: number;
  signal?: AbortSignal;
}

export class HackerNewsClient {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
  ) {}

  async searchByDate(params: SearchParams): Promise<AlgoliaPage> {
    const url = new URL('/api/v1/search_by_date', this.baseUrl);
    url.searchParams.set('query', params.query);
    url.searchParams.set('tags', params.tags);
    url.searchParams.set('numericFilters', `created_at_i>${Math.floor(params.sinceSeconds)}`);
    url.searchParams.set('page', String(params.page));
    url.searchParams.set('hitsPerPage', String(params.hitsPerPage));
    const res = await this.http.request(url.toString(), {
      headers: { accept: 'application/json' },
      ...(params.signal ? { signal: params.signal } : {}),
    });
    if (res.status !== 200) {
      throw new SourceRejectedError(`hackernews: search returned HTTP ${res.status}`, {
        context: { status: res.status },
      });
    }
    return parseJsonBody('hackernews', res.body, AlgoliaPageSchema, 'search page');
  }

  /**
   * The stories with these ids as Algolia has them now, in one request: every item is tagged
   * `story_<id of its story>`, so `tags=story,(story_1,story_2,…)` matches exactly those
   * stories (comments of them carry the tag too but not `story`). Ids that are comments or
   * unknown match nothing. One search instead of one `items/{id}` per story, which would also
   * send each story's whole comment tree.
   */
  async storiesById(ids: readonly string[], signal?: AbortSignal): Promise<AlgoliaPage> {
    const url = new URL('/api/v1/search', this.baseUrl);
    url.searchParams.set('tags', `story,(${ids.map((id) => `story_${id}`).join(',')})`);
    url.searchParams.set('hitsPerPage', String(ids.length));
    const res = await this.http.request(url.toString(), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) {
      throw new SourceRejectedError(`hackernews: story lookup returned HTTP ${res.status}`, {
        context: { status: res.status },
      });
    }
    return parseJsonBody('hackernews', res.body, AlgoliaPageSchema, 'story lookup');
  }
}

/** Stories per lookup: one page of hits (Algolia's page size limit is 1,000; the URL stays short). */
export const STORIES_PER_REQUEST = 100;
