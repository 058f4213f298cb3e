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
}
