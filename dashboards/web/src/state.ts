/**
 * The view state lives in the URL hash (`#/brand/aurora?period=7d&sentiment=neg`), so every
 * screen is a deep link: copy the address bar and a colleague sees the same thing. Parsing is
 * forgiving (a mistyped or stale link falls back to defaults instead of an error page).
 */

export type PageId = 'overview' | 'brand' | 'compare' | 'alerts' | 'muted' | 'settings';
export const PERIODS = ['1h', '6h', '24h', '7d', '30d'] as const;
export type Period = (typeof PERIODS)[number];
export const SENTIMENTS = ['pos', 'neu', 'neg', 'unscored'] as const;
export type SentimentFilter = (typeof SENTIMENTS)[number];
export const REFRESH_SECONDS = [0, 30, 60, 300] as const;
export const FEED_SORTS = ['newest', 'engagement'] as const;
export type FeedSort = (typeof FEED_SORTS)[number];
/** Feed filter on the brand's own accounts: only owned mentions, or only the others. */
export const OWNED_FILTERS = ['true', 'false'] as const;
export type OwnedFilter = (typeof OWNED_FILTERS)[number];
export type RefreshSeconds = (typeof REFRESH_SECONDS)[number];

export interface ViewState {
  page: PageId;
  /** The brand of the brand page. */
  brand: string | null;
  period: Period;
  /** An absolute range (ISO 8601) that overrides `period` when both are set. */
  from: string | null;
  to: string | null;
  /** Chart bucket width as the API takes it (`1h`, `1d`, `1w`…); null: the API picks one. */
  interval: string | null;
  /** Compare: the brands side by side (empty: every brand of the workspace). */
  brands: string[];
  /** Mention feed filters. */
  sentiment: SentimentFilter | null;
  source: string | null;
  lang: string | null;
  topic: string | null;
  q: string | null;
  /** Mentions by or under the brand's own accounts (`true`), or the others (`false`). */
  owned: OwnedFilter | null;
  /** Mention feed order: newest first, or most engaged first. */
  sort: FeedSort;
  /** Mention feed: only mentions with this tag; only bookmarked ones; only hidden ones. */
  tag: string | null;
  bookmarked: boolean;
  hidden: boolean;
  /** A drilled-into bucket of the brand chart: the feed shows only its mentions. */
  feedFrom: string | null;
  feedTo: string | null;
  /** Alerts page: open alerts only, or every event. */
  alertState: 'open' | 'all';
  refresh: RefreshSeconds;
}

export const DEFAULT_STATE: Readonly<ViewState> = Object.freeze({
  page: 'overview',
  brand: null,
  period: '24h',
  from: null,
  to: null,
  interval: null,
  brands: [],
  sentiment: null,
  source: null,
  lang: null,
  topic: null,
  q: null,
  owned: null,
  sort: 'newest',
  tag: null,
  bookmarked: false,
  hidden: false,
  feedFrom: null,
  feedTo: null,
  alertState: 'open',
  refresh: 0,
});

const isIso = (s: string | null): s is string => s !== null && !Number.isNaN(Date.parse(s));
const oneOf = <T extends string | number>(values: readonly T[], v: unknown): T | undefined =>
  values.find((x) => String(x) === v);
/** A bucket width the API accepts (`\d{1,4}[mhdw]`, at least a minute), else null. */
export function intervalOf(v: string | null): string | null {
  return v !== null && /^[1-9]\d{0,3}[mhdw]$/.test(v) ? v : null;
}
const text = (v: string | null, max = 200): string | null =>
  v === null || v.trim() === '' ? null : v.trim().slice(0, max);

/** Reads `#/page/brand?…` into a full state; anything unknown becomes the default. */
export function parseHash(hash: string): ViewState {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const p = new URLSearchParams(query);
  const page: PageId =
    parts[0] === 'brand' && parts[1]
      ? 'brand'
      : (oneOf(['compare', 'alerts', 'muted', 'settings'], parts[0]) ?? 'overview');
  const from = p.get('from');
  const to = p.get('to');
  const feedFrom = p.get('feed_from');
  const feedTo = p.get('feed_to');
  const customRange = isIso(from) && isIso(to) && Date.parse(from) < Date.parse(to);
  const feedRange = isIso(feedFrom) && isIso(feedTo) && Date.parse(feedFrom) < Date.parse(feedTo);
  return {
    page,
    brand: page === 'brand' ? (parts[1] ?? null) : null,
    period: oneOf(PERIODS, p.get('period')) ?? DEFAULT_STATE.period,
    from: customRange ? from : null,
    to: customRange ? to : null,
    interval: intervalOf(p.get('interval')),
    brands: (p.get('brands') ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean)
      .slice(0, 12),
    sentiment: oneOf(SENTIMENTS, p.get('sentiment')) ?? null,
    source: text(p.get('source'), 64),
    lang: text(p.get('lang'), 16),
    topic: text(p.get('topic'), 128),
    q: text(p.get('q')),
    owned: oneOf(OWNED_FILTERS, p.get('owned')) ?? null,
    sort: oneOf(FEED_SORTS, p.get('sort')) ?? DEFAULT_STATE.sort,
    tag: text(p.get('tag'), 40),
    bookmarked: p.get('bookmarked') === 'true',
    hidden: p.get('hidden') === 'true',
    feedFrom: feedRange ? feedFrom : null,
    feedTo: feedRange ? feedTo : null,
    alertState: p.get('state') === 'all' ? 'all' : 'open',
    refresh: oneOf(REFRESH_SECONDS, p.get('refresh')) ?? 0,
  };
}

/** The inverse of `parseHash`; default values are left out so links stay short. */
export function toHash(state: ViewState): string {
  const path =
    state.page === 'brand' && state.brand
      ? `/brand/${encodeURIComponent(state.brand)}`
      : state.page === 'overview' || state.page === 'brand'
        ? '/'
        : `/${state.page}`;
  const p = new URLSearchParams();
  if (state.period !== DEFAULT_STATE.period) p.set('period', state.period);
  if (state.from && state.to) {
    p.set('from', state.from);
    p.set('to', state.to);
  }
  if (state.interval) p.set('interval', state.interval);
  if (state.page === 'compare' && state.brands.length > 0) p.set('brands', state.brands.join(','));
  if (state.page === 'brand') {
    for (const key of ['sentiment', 'source', 'lang', 'topic', 'q', 'owned'] as const) {
      const v = state[key];
      if (v) p.set(key, v);
    }
    if (state.sort !== DEFAULT_STATE.sort) p.set('sort', state.sort);
    if (state.tag) p.set('tag', state.tag);
    if (state.bookmarked) p.set('bookmarked', 'true');
    if (state.hidden) p.set('hidden', 'true');
    if (state.feedFrom && state.feedTo) {
      p.set('feed_from', state.feedFrom);
      p.set('feed_to', state.feedTo);
    }
  }
  if (state.page === 'alerts' && state.alertState !== 'open') p.set('state', state.alertState);
  if (state.refresh !== 0) p.set('refresh', String(state.refresh));
  // Commas and colons are safe in a fragment; left unescaped, links stay readable.
  const query = p.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':');
  return `#${path}${query ? `?${query}` : ''}`;
}

/**
 * The demo prints a link with the API key in the hash (`#key=…`, never sent to a server or
 * written to logs). Returns the key, if any, and the hash without it.
 */
export function extractKey(hash: string): { key: string | null; hash: string } {
  const raw = hash.replace(/^#/, '');
  if (raw.startsWith('key=')) {
    const [key = '', ...rest] = raw.slice(4).split('&');
    return {
      key: decodeURIComponent(key) || null,
      hash: rest.length ? `#/?${rest.join('&')}` : '',
    };
  }
  const [path = '', query] = raw.split('?', 2);
  if (query === undefined) return { key: null, hash };
  const p = new URLSearchParams(query);
  const key = p.get('key');
  if (key === null) return { key: null, hash };
  p.delete('key');
  const q = p.toString();
  return { key: key || null, hash: `#${path}${q ? `?${q}` : ''}` };
}

/** Moving to another page keeps the period and refresh, and drops page-specific filters. */
export function navigate(state: ViewState, page: PageId, brand: string | null = null): ViewState {
  return {
    ...DEFAULT_STATE,
    page,
    brand,
    period: state.period,
    from: state.from,
    to: state.to,
    refresh: state.refresh,
    brands: page === 'compare' ? state.brands : [],
  };
}
