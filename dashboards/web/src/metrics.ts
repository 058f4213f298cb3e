/** Small derivations the UI makes from API answers; the API stays the source of the numbers. */

export interface SeriesPoint {
  t: string;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
  unscored?: number | undefined;
  net_sentiment?: number | null | undefined;
  engagement?: number | undefined;
}

export interface Totals {
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
  positive_share: number | null;
  negative_share: number | null;
  net_sentiment: number | null;
}

/**
 * Totals from a series, with the API's definitions (shares of scored mentions; net = (pos −
 * neg) / scored): used when an API version answers `series` without `totals`.
 */
export function totalsFromSeries(series: readonly SeriesPoint[]): Totals {
  const sum = (f: (p: SeriesPoint) => number): number => series.reduce((s, p) => s + f(p), 0);
  const volume = sum((p) => p.volume);
  const positive = sum((p) => p.positive);
  const neutral = sum((p) => p.neutral);
  const negative = sum((p) => p.negative);
  const scored = positive + neutral + negative;
  return {
    volume,
    positive,
    neutral,
    negative,
    positive_share: scored ? positive / scored : null,
    negative_share: scored ? negative / scored : null,
    net_sentiment: scored ? (positive - negative) / scored : null,
  };
}

/** Share of voice: each brand's volume over the volume of all brands shown. */
export function shareOfVoice(
  volumes: Readonly<Record<string, number>>,
): Record<string, number | null> {
  const total = Object.values(volumes).reduce((s, v) => s + v, 0);
  return Object.fromEntries(Object.entries(volumes).map(([k, v]) => [k, total ? v / total : null]));
}

export interface TopicLike {
  id: string;
  label: string;
  volume: number;
}

/** Topics in one brand's top list and in no other's: what people discuss only about it. */
export function uniqueTopics<T extends TopicLike>(
  byBrand: Readonly<Record<string, readonly T[]>>,
): Record<string, T[]> {
  // Topic ids are per brand (each brand's clusters are its own), so "the same topic" is the
  // same story told in a label: topics share one when their labels share a content word.
  const words = new Map<string, Set<string>>();
  for (const [brand, topics] of Object.entries(byBrand))
    for (const t of topics)
      for (const w of labelWords(t.label)) words.set(w, (words.get(w) ?? new Set()).add(brand));
  const ids = new Map<string, Set<string>>();
  for (const [brand, topics] of Object.entries(byBrand))
    for (const t of topics) ids.set(t.id, (ids.get(t.id) ?? new Set()).add(brand));
  const elsewhere = (brand: string, t: T): boolean =>
    (ids.get(t.id)?.size ?? 0) > 1 ||
    labelWords(t.label).some((w) => [...(words.get(w) ?? [])].some((b) => b !== brand));
  return Object.fromEntries(
    Object.entries(byBrand).map(([brand, topics]) => [
      brand,
      topics.filter((t) => !elsewhere(brand, t)).sort((a, b) => b.volume - a.volume),
    ]),
  );
}

/**
 * The content words of a topic label, as topics are compared across brands: lower case, without
 * '#', cut to six letters (the clusterer's own cheap stemmer: "batteries" = "battery"), words of
 * four letters or more (short ones are mostly function words in any language).
 */
export function labelWords(label: string): string[] {
  return [
    ...new Set(
      label
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => [...w].length >= 4)
        .map((w) => [...w].slice(0, 6).join('')),
    ),
  ];
}

/** Percentage change, null when the previous value is zero (a "new" rather than "+∞ %"). */
export function pctChange(current: number, previous: number | null | undefined): number | null {
  if (previous === null || previous === undefined || previous === 0) return null;
  return ((current - previous) / previous) * 100;
}

/**
 * Drops the last bucket while it is still filling (it ends after `to` or after `nowMs`; the API
 * snaps a relative `to` up to the interval grid, so "now-24h" in hours ends at the next full
 * hour): drawn as a line, a half-counted hour looks like a sudden collapse in volume.
 */
export function completeBuckets<T extends { t: string }>(
  series: readonly T[],
  intervalMs: number | null,
  to: string,
  nowMs: number = Date.now(),
): T[] {
  const last = series.at(-1);
  if (!last || intervalMs === null) return [...series];
  const end = Math.min(Date.parse(to), nowMs);
  return Date.parse(last.t) + intervalMs > end ? series.slice(0, -1) : [...series];
}
