/**
 * Number and time formatting for people: short, signed where direction matters. Numbers follow
 * the browser's locale like dates do (a German reader sees "1,2k" and "45,4%" beside German
 * dates, not English decimals), through Intl.NumberFormat; signs stay the typographic minus.
 */

const MINUS = '\u2212';

/** The locale of numbers: the browser's by default (`undefined`); tests set one. */
let numberLocale: string | undefined;
const numberFormats = new Map<string, Intl.NumberFormat>();

export function setNumberLocale(locale: string | undefined): void {
  numberLocale = locale;
  numberFormats.clear();
}

/**
 * `x` (≥ 0) with up to `max` decimals (at least `min`), in the locale: 1.25 → "1.3" / "1,3".
 * Without grouping below 10,000 ("1000", not "1,000"), as short labels read.
 */
export function localeNumber(x: number, max: number, min = max): string {
  const key = `${max}|${min}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(numberLocale, {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      useGrouping: 'min2',
    });
    numberFormats.set(key, f);
  }
  return f.format(x);
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  if (abs < 1_000) return `${sign}${Math.round(abs)}`;
  if (abs < 10_000) return `${sign}${localeNumber(abs / 1_000, 1, 0)}k`;
  if (abs < 1_000_000) return `${sign}${Math.round(abs / 1_000)}k`;
  if (abs < 10_000_000) return `${sign}${localeNumber(abs / 1_000_000, 1, 0)}M`;
  return `${sign}${Math.round(abs / 1_000_000)}M`;
}

/** A whole count in full, grouped in the locale: 12345 → "12,345" / "12.345". */
export function formatInteger(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return `${n < 0 ? MINUS : ''}${localeNumber(Math.round(Math.abs(n)), 0)}`;
}

/** 0.453 → "45%"; shares are fractions in the API. */
export function formatShare(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const v = x * 100;
  return `${v < 0 && Number(v.toFixed(digits)) !== 0 ? MINUS : ''}${localeNumber(Math.abs(v), digits)}%`;
}

/**
 * The number shown beside a mention's sentiment label, or null for none. A neutral mention shows
 * no number: "neutral −0.30" reads as negative, and a neutral text's small lean is not an opinion.
 * A positive label always reads "+", a negative one "−", even where an old model's score says 0.
 */
export function mentionScoreText(label: string, score: number | null | undefined): string | null {
  if (label !== 'pos' && label !== 'neg') return null;
  if (score === null || score === undefined || !Number.isFinite(score)) return null;
  const v = localeNumber(Math.max(Math.abs(score), 0.01), 2);
  return label === 'pos' ? `+${v}` : `${MINUS}${v}`;
}

/** Net sentiment in [-1, 1] → "+0.21" / "−0.08". */
export function formatNet(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const v = localeNumber(Math.abs(x), 2);
  if (Number(Math.abs(x).toFixed(2)) === 0) return v;
  return x > 0 ? `+${v}` : `${MINUS}${v}`;
}

/** A percentage change (12.5 → "+12.5%"); null when there was nothing before. */
export function formatPctChange(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return 'new';
  const abs = Math.abs(pct);
  if (Number(abs.toFixed(1)) === 0) return '±0%';
  const v = abs >= 100 ? localeNumber(Math.round(abs), 0) : localeNumber(abs, 1, 0);
  return `${pct > 0 ? '+' : MINUS}${v}%`;
}

/** A change of a share, in percentage points (0.05 → "+5.0 pts"). */
export function formatPointsDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '–';
  if (Number(Math.abs(delta * 100).toFixed(1)) === 0) return '±0 pts';
  const v = localeNumber(Math.abs(delta * 100), 1);
  return `${delta > 0 ? '+' : MINUS}${v} pts`;
}

export type Tone = 'good' | 'bad' | 'flat';

/** Green or red: for volume, more is good; for negative share, more is bad. */
export function toneOf(delta: number | null | undefined, upIsGood: boolean, epsilon = 1e-9): Tone {
  if (
    delta === null ||
    delta === undefined ||
    !Number.isFinite(delta) ||
    Math.abs(delta) <= epsilon
  )
    return 'flat';
  return delta > 0 === upIsGood ? 'good' : 'bad';
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else a date. */
export function relativeTime(iso: string, now: Date): string {
  const s = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s < 45) return 'just now';
  if (s < 3_600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3_600)} h ago`;
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Axis labels: times of day for short spans, dates for long ones. */
export function axisTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs <= 36 * 3_600_000)
    return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
