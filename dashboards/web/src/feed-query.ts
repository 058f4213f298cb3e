import type { Params } from './api.ts';
import { rangeParams } from './period.ts';
import type { ViewState } from './state.ts';

/** What the mention feed is filtered by, beyond the page's range (its order is not a filter). */
export type FeedFilterState = Pick<
  ViewState,
  | 'sentiment'
  | 'source'
  | 'lang'
  | 'topic'
  | 'q'
  | 'owned'
  | 'tag'
  | 'bookmarked'
  | 'hidden'
  | 'feedFrom'
  | 'feedTo'
>;

/** The feed's filters with the page's range (and buckets) they apply within. */
export type FeedFilters = FeedFilterState & Pick<ViewState, 'period' | 'from' | 'to' | 'interval'>;

/**
 * The mention feed's range and filters as API parameters. The feed and its download both ask
 * with them, so the file holds what the feed shows (a filter added to one reaches the other).
 * The range is the feed's own window where a chart click set one, else the page's period.
 */
export function feedQuery(f: FeedFilters): Params {
  const range = f.feedFrom && f.feedTo ? { from: f.feedFrom, to: f.feedTo } : rangeParams(f);
  return {
    ...range,
    sentiment: f.sentiment,
    source: f.source,
    lang: f.lang,
    topic: f.topic,
    q: f.q,
    owned: f.owned,
    tag: f.tag,
    bookmarked: f.bookmarked ? 'true' : undefined,
    hidden: f.hidden ? 'true' : undefined,
  };
}
