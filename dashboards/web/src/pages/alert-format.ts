import { formatCount, formatNet, formatShare } from '../format.ts';

/** Words for alert rule types, metrics and times, shared by the alert cards and the rules. */

export const TYPE_LABEL: Record<string, string> = {
  negative_spike: 'Negative spike',
  volume_spike: 'Volume spike',
  sentiment_drop: 'Sentiment drop',
  sov_shift: 'Share-of-voice shift',
};

/**
 * "Dec 5, 2026, 08:05 PM UTC" in the reader's locale and time zone (`locale` for tests):
 * times are shown absolute as well as relative ("5 h ago"), so two people compare the same
 * moment and an old alert reads as a date.
 */
export function absoluteTime(iso: string, locale?: string, timeZone?: string): string {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return '';
  return d.toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  });
}

export function metricLabel(metric: string | undefined): string {
  return (
    {
      volume: 'mentions',
      negative_count: 'negative mentions',
      net_sentiment: 'net sentiment',
      share_of_voice: 'share of voice',
    }[metric ?? ''] ??
    metric ??
    'value'
  );
}

export function formatMetric(metric: string | undefined, v: number | null | undefined): string {
  if (v == null) return '–';
  if (metric === 'net_sentiment') return formatNet(v);
  if (metric === 'share_of_voice') return formatShare(v, 1);
  return formatCount(v);
}
