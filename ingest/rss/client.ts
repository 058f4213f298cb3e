import type { HttpClient } from '../http/client.ts';
import { SourceRejectedError } from '../http/errors.ts';

export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedFetch =
  | { status: 'not_modified' }
  | { status: 'ok'; body: string; validators: FeedValidators; finalUrl: string };

/**
 * Conditional GET of one feed: we send back the `ETag` / `Last-Modified` the server gave us,
 * and a 304 costs neither of us a body. XML is parsed in parse.ts (pure).
 */
export async function fetchFeed(
  http: HttpClient,
  url: string,
  validators: FeedValidators,
  signal?: AbortSignal,
): Promise<FeedFetch> {
  const headers: Record<string, string> = {
    accept:
      'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
  };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const res = await http.request(url, { headers, ...(signal ? { signal } : {}) });
  if (res.status === 304) return { status: 'not_modified' };
  if (res.status !== 200) {
    throw new SourceRejectedError(`rss: feed returned HTTP ${res.status}`, {
      context: { status: res.status },
    });
  }
  return {
    status: 'ok',
    body: res.body,
    finalUrl: res.url,
    validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') },
  };
}
