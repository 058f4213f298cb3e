import { normalizeWord } from '../text/tokenize.ts';
import { stem } from './features.ts';
import type { Candidate } from './keyphrases.ts';
import type { Cluster } from './model.ts';

/**
 * Names for people: a cluster's label from the phrases of its posts, a post's keywords from its
 * candidates. `keepWord` says whether a word may appear (not the brand's own words).
 */

/** Top phrases of the dominant language, without the brand's own words. */
export function clusterLabel(c: Cluster, keepWord: (w: string) => boolean): string {
  if (c.label !== '' && c.count < c.labelAt * 1.1 && c.count >= 20) return c.label;
  let dominant = '';
  let max = -1;
  for (const [l, n] of Object.entries(c.langs)) {
    if (n > max) {
      dominant = l;
      max = n;
    }
  }
  const merged = new Map<string, { score: number; surface: string; words: string[] }>();
  for (const stat of c.phrases.values()) {
    if (stat.lang !== dominant) continue;
    const keep: number[] = [];
    stat.words.forEach((w, i) => {
      if (keepWord(w)) keep.push(i);
    });
    if (keep.length === 0) continue;
    const words = keep.map((i) => stat.words[i]!);
    const key = words.join(' ');
    const surface = keep.map((i) => stat.surfaces[i]!).join(' ');
    // Words people wrote read better than tags; multi-word phrases say more than one word.
    const isTag = stat.surfaces[0]?.startsWith('#') === true;
    const score = stat.count * (1 + 0.3 * (words.length - 1)) * (isTag ? 0.6 : 1);
    const prev = merged.get(key);
    if (prev) prev.score += score;
    else merged.set(key, { score, surface, words });
  }
  const ranked = [...merged.values()].sort((a, b) => b.score - a.score);
  const chosen: typeof ranked = [];
  const used = new Set<string>();
  for (const r of ranked) {
    if (chosen.length === 3) break;
    if (r.words.some((w) => used.has(stem(w.replace(/^#/, ''))))) continue;
    chosen.push(r);
    for (const w of r.words) used.add(stem(w.replace(/^#/, '')));
  }
  c.label = chosen.length > 0 ? chosen.map((r) => r.surface).join(' · ') : '(untitled)';
  c.labelAt = c.count;
  return c.label;
}

/** A post's keywords: its candidates without excluded or brand-wide words, rarest first. */
export function postKeywords(
  candidates: Candidate[],
  exclude: string[],
  keepWord: (w: string) => boolean,
  weight: (w: string) => number,
  max: number,
): string[] {
  const excluded = new Set(exclude.flatMap((t) => t.split(/\s+/)).map((w) => normalizeWord(w)));
  const scored: Array<{ c: Candidate; words: string[]; score: number }> = [];
  for (const c of candidates) {
    const words = c.words.filter((w) => !excluded.has(w) && keepWord(w));
    if (words.length === 0) continue;
    let score = 0;
    for (const w of words) score += weight(w);
    scored.push({ c, words, score });
  }
  // A stable sort: equal scores keep the candidates' order.
  scored.sort((a, b) => b.score - a.score);
  const out: string[] = [];
  // The text only of the phrases read until `max` are taken (a post has more candidates).
  for (const { c, words } of scored) {
    if (out.length >= max) break;
    const text = (
      words.length === c.words.length
        ? c.surface
        : c.surfaces.filter((_s, i) => words.includes(c.words[i]!)).join(' ')
    )
      .toLowerCase()
      .replace(/\s+/g, ' ');
    if (!out.includes(text)) out.push(text);
  }
  return out;
}
