/** Number and time formatting for people: short, signed where direction matters. */

const MINUS = '\u2212';

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  if (abs < 1_000) return `${sign}${Math.round(abs)}`;
  if (abs < 10_000) return `${sign}${trim((abs / 1_000).toFixed(1))}k`;
  if (abs < 1_000_000) return `${sign}${Math.round(abs / 1_000)}k`;
  if (abs < 10_000_000) return `${sign}${trim((abs / 1_000_000).toFixed(1))}M`;
  return `${sign}${Math.round(abs / 1_000_000)}M`;
}

const trim = (s: string): string => s.replace(/\.0$/, '');

/** 0.453 → "45%"; shares are fractions in the API. */
export function formatShare(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}

/**
 * The number shown beside a mention's sentiment label, or null for none. A neutral mention shows
 * no number: "neutral −0.30" reads as negative, and a neutral text's small lean is not an opinion.
 * A positive label always reads "+", a negative one "−", even where an old model's score says 0.
 */
export function mentionScoreText(label: string, score: number | null | undefined): string | null {
  if (label !== 'pos' && label !== 'neg') return null;
  if (score === null || score === undefined || !Number.isFinite(score)) return null;
  const v = Math.max(Math.abs(score), 0.01).toFixed(2);
  return label === 'pos' ? `+${v}` : `${MINUS}${v}`;
}

/** Net sentiment in [-1, 1] → "+0.21" / "−0.08". */
export function formatNet(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const v = x.toFixed(2);
  if (v === '0.00' || v === '-0.00') return '0.00';
  return x > 0 ? `+${v}` : `${MINUS}${v.slice(1)}`;
}

/** A percentage change (12.5 → "+12.5%"); null when there was nothing before. */
export function formatPctChange(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return 'new';
  const v =
    Math.abs(pct) >= 100 ? Math.round(Math.abs(pct)).toString() : trim(Math.abs(pct).toFixed(1));
  if (v === '0') return '±0%';
  return `${pct > 0 ? '+' : MINUS}${v}%`;
}

/** A change of a share, in percentage points (0.05 → "+5.0 pts"). */
export function formatPointsDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '–';
  const v = Math.abs(delta * 100).toFixed(1);
  if (v === '0.0') return '±0 pts';
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
