import type { Period, ViewState } from './state.ts';

const HOUR = 3_600_000;
export const PERIOD_MS: Record<Period, number> = {
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
  '30d': 30 * 24 * HOUR,
};
export const PERIOD_LABEL: Record<Period, string> = {
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/**
 * The API's `from`/`to` for the chosen period. Presets stay relative (`now-24h`) so an
 * auto-refreshing screen always shows the latest window; a custom range is absolute.
 */
export function rangeParams(
  state: Pick<ViewState, 'period' | 'from' | 'to'> & Partial<Pick<ViewState, 'interval'>>,
): {
  from: string;
  to?: string;
  interval?: string;
} {
  const interval =
    state.interval && fitsRange(state.interval, state) ? { interval: state.interval } : {};
  if (state.from && state.to) return { from: state.from, to: state.to, ...interval };
  return { from: `now-${state.period}`, ...interval };
}

/** The span in milliseconds, for axis formatting and "vs previous N" labels. */
export function rangeSpanMs(state: Pick<ViewState, 'period' | 'from' | 'to'>): number {
  if (state.from && state.to) return Date.parse(state.to) - Date.parse(state.from);
  return PERIOD_MS[state.period];
}

export function rangeLabel(state: Pick<ViewState, 'period' | 'from' | 'to'>): string {
  if (state.from && state.to) return `${shortDateTime(state.from)} – ${shortDateTime(state.to)}`;
  return PERIOD_LABEL[state.period];
}

/** "Nov 20, 14:00" in the viewer's time zone. */
export function shortDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Interval strings of the API (`15m`, `60m`, `1h`, `1d`) in milliseconds; null if unknown. */
export function intervalMs(interval: string | undefined): number | null {
  const m = /^(\d+)([mhdw])$/.exec(interval ?? '');
  if (!m) return null;
  const unit = { m: 60_000, h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR }[
    m[2] as 'm' | 'h' | 'd' | 'w'
  ];
  return Number(m[1]) * unit;
}

/** The bucket widths offered beside the period ("Buckets: auto" is the API's own choice). */
export const BUCKETS = [
  ['15m', '15-minute buckets'],
  ['1h', 'Hourly'],
  ['6h', '6-hour buckets'],
  ['1d', 'Daily'],
  ['1w', 'Weekly'],
] as const;

/** The API answers at most 2,000 buckets; fewer than two make no chart. */
const MAX_BUCKETS = 2_000;

/**
 * Whether a bucket width suits the range: at least two buckets and at most the API's 2,000. A
 * width kept from a longer or shorter period falls back to the automatic one instead of an
 * error (15-minute buckets chosen on a day, then "Last 30 days").
 */
export function fitsRange(
  interval: string,
  state: Pick<ViewState, 'period' | 'from' | 'to'>,
): boolean {
  const ms = intervalMs(interval);
  if (ms === null) return false;
  const buckets = rangeSpanMs(state) / ms;
  return buckets >= 2 && buckets <= MAX_BUCKETS;
}
