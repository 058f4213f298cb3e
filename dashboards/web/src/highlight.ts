/** One word (or emoji, or feature) that moved a sentiment score, as the API explains it. */
export interface ExplanationItem {
  text: string;
  /** UTF-16 offsets into the mention text; null for features without a place (e.g. "!!!"). */
  start: number | null;
  end: number | null;
  weight: number;
  kind: string;
}

export interface Segment {
  text: string;
  /** Present when this stretch of text is one the model weighed. */
  item?: ExplanationItem;
}

/**
 * Splits a mention's text into plain and highlighted stretches, so the UI can show *why* it
 * was scored as it was. Items without offsets, out of range, or overlapping an earlier (stronger)
 * one are left out of the text; the caller lists them separately.
 */
export function highlightSegments(text: string, items: readonly ExplanationItem[]): Segment[] {
  const placed = items
    .filter(
      (i): i is ExplanationItem & { start: number; end: number } =>
        i.start !== null &&
        i.end !== null &&
        i.start >= 0 &&
        i.end > i.start &&
        i.end <= text.length,
    )
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const chosen: (ExplanationItem & { start: number; end: number })[] = [];
  for (const item of placed) {
    if (chosen.every((c) => item.end <= c.start || item.start >= c.end)) chosen.push(item);
  }
  chosen.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const item of chosen) {
    if (item.start > at) out.push({ text: text.slice(at, item.start) });
    out.push({ text: text.slice(item.start, item.end), item });
    at = item.end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at) });
  return out;
}

/** Explanation items that cannot be shown in place (no offsets): listed after the text. */
export function unplacedItems(text: string, items: readonly ExplanationItem[]): ExplanationItem[] {
  return items.filter(
    (i) => i.start === null || i.end === null || i.end > text.length || i.start < 0,
  );
}

/**
 * The sentiment stage may explain one word twice (a lexicon hit and the model's weight for the
 * same characters): merge items over the same span, summing their weights.
 */
export function combineItems(items: readonly ExplanationItem[]): ExplanationItem[] {
  const byKey = new Map<string, ExplanationItem>();
  for (const item of items) {
    const key =
      item.start === null || item.end === null ? `text:${item.text}` : `${item.start}:${item.end}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...item });
    else
      byKey.set(key, {
        ...seen,
        weight: seen.weight + item.weight,
        kind: seen.kind.split('+').includes(item.kind) ? seen.kind : `${seen.kind}+${item.kind}`,
      });
  }
  return [...byKey.values()];
}

/**
 * The words worth showing: the strongest `max`, leaving out those under `minShare` of the
 * strongest (a model spreads small weights over every word; highlighting all of them says nothing).
 */
export function significantItems(
  items: readonly ExplanationItem[],
  options: { max?: number; minShare?: number } = {},
): ExplanationItem[] {
  const { max = 6, minShare = 0.25 } = options;
  const strongest = Math.max(0, ...items.map((i) => Math.abs(i.weight)));
  if (strongest === 0) return [];
  return [...items]
    .filter((i) => Math.abs(i.weight) >= strongest * minShare)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, max);
}

/**
 * The items worth explaining a label with. Mentions scored before sentiment 3.0 carry the model's
 * weight on every word, including words that pulled against the label and, on neutral mentions,
 * leanings that read as an opinion: the model's items are shown only where they point the
 * label's way, and not at all for a neutral label (its lexicon words, if any, remain).
 */
export function explanationFor(
  label: string,
  items: readonly ExplanationItem[],
): ExplanationItem[] {
  return items.filter((i) => {
    if (i.kind !== 'model') return true;
    if (label === 'pos') return i.weight > 0;
    if (label === 'neg') return i.weight < 0;
    return false;
  });
}
