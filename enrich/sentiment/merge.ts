import type { ExplanationItem } from '../../core/contracts/mention.ts';

/**
 * At most this many explanation items per mention, the strongest: the UI highlights them, and a
 * reader takes in a handful, not every word of a long text.
 */
export const MAX_EXPLANATION_ITEMS = 8;
/**
 * Rule valences (about -4..4) onto the model's logit units, so a word's lexicon and model
 * contributions add up to one weight: a strong lexicon word (±3) is worth about ±0.75 logits.
 */
const RULE_TO_LOGIT = 0.25;
/** Merged weights below this are noise for a reader (in logit units). */
const MIN_EXPLANATION_WEIGHT = 0.05;

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * One item per token span: the rule layer's items (lexicon, negated, emoji, intensifier,
 * negation, emphasis…) and the model's per-token items that fall on the same span are summed into
 * one weight (the model's item on a word of a multi-word lexicon phrase joins the phrase); the
 * span keeps the rule layer's kind, which says more than 'model'. Then near-zero items are dropped
 * and the strongest `MAX_EXPLANATION_ITEMS` are kept, in text order. Linear after one sort of
 * the (few) rule items: it runs for every mention.
 */
export function mergeExplanation(
  ruleItems: readonly ExplanationItem[],
  modelItems: readonly ExplanationItem[],
): ExplanationItem[] {
  return mergeOwned(
    ruleItems.map((it) => ({ ...it })),
    modelItems.map((it) => ({ ...it })),
  );
}

/**
 * `mergeExplanation` on items the caller owns (fresh per mention): they are reused, not copied.
 * `keep` decides which merged items a reader is shown (explain.ts), before the strongest are taken.
 */
export function mergeOwned(
  ruleItems: ExplanationItem[],
  modelItems: ExplanationItem[],
  keep?: (item: ExplanationItem) => boolean,
): ExplanationItem[] {
  const out: ExplanationItem[] = [];
  const rules: ExplanationItem[] = [];
  const unplaced: ExplanationItem[] = [];
  for (const it of ruleItems) {
    it.weight *= RULE_TO_LOGIT;
    if (it.start === null || it.end === null) unplaced.push(it);
    else rules.push(it);
  }
  if (rules.length > 1 && !isSortedByStart(rules)) {
    rules.sort((a, b) => a.start! - b.start! || a.end! - b.end!);
  }
  const models = isSortedByStart(modelItems)
    ? modelItems
    : [...modelItems].sort((a, b) => a.start! - b.start!);
  // Built in text order, so no sort is needed afterwards.
  let j = 0;
  let prev: ExplanationItem | null = null;
  for (const r of rules) {
    if (prev !== null && prev.start === r.start && prev.end === r.end) {
      prev.weight += r.weight; // the same span twice (a booster of two words): one item
      continue;
    }
    // Model items before this span stand alone; those inside it join it.
    while (j < models.length && (models[j]!.start ?? -1) < r.start!) out.push(models[j++]!);
    while (j < models.length && models[j]!.end! <= r.end!) r.weight += models[j++]!.weight;
    out.push(r);
    prev = r;
  }
  while (j < models.length) out.push(models[j++]!);
  for (const it of unplaced) out.push(it);
  let n = 0;
  for (const it of out) {
    if (Math.abs(it.weight) < MIN_EXPLANATION_WEIGHT) continue;
    if (keep !== undefined && !keep(it)) continue;
    it.weight = round3(it.weight);
    out[n++] = it;
  }
  out.length = n;
  if (n <= MAX_EXPLANATION_ITEMS) return out;
  // The strongest few, kept in text order: a threshold from a small running top list.
  const top: number[] = [];
  for (const it of out) {
    const a = Math.abs(it.weight);
    if (top.length < MAX_EXPLANATION_ITEMS) top.push(a);
    else if (a > top[MAX_EXPLANATION_ITEMS - 1]!) top[MAX_EXPLANATION_ITEMS - 1] = a;
    else continue;
    for (let k = top.length - 1; k > 0 && top[k]! > top[k - 1]!; k--) {
      const t = top[k]!;
      top[k] = top[k - 1]!;
      top[k - 1] = t;
    }
  }
  const threshold = top[MAX_EXPLANATION_ITEMS - 1]!;
  let above = 0;
  for (const it of out) if (Math.abs(it.weight) > threshold) above++;
  let ties = MAX_EXPLANATION_ITEMS - above;
  const kept: ExplanationItem[] = [];
  for (const it of out) {
    const a = Math.abs(it.weight);
    if (a > threshold || (a === threshold && ties-- > 0)) kept.push(it);
  }
  return kept;
}

function isSortedByStart(items: readonly ExplanationItem[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!.start;
    if (s === null || (i > 0 && s < items[i - 1]!.start!)) return false;
  }
  return true;
}
