import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TrueKind } from '../alerts/evaluation/pool.ts';

/**
 * Real posts for the alert evaluations: the labelled dev splits of `../shared/data/sentiment`
 * (tweets, reviews and news comments in eleven languages), by language and true sentiment.
 * A complaint (`incident`) is a negative post. The replay harness's pool
 * (lib-alerts-sentiment-pool.ts, `--texts data`) and the end-to-end evaluation
 * (eval-alerts-e2e.ts) pick from them with the same two draws, so both see the same posts.
 */

type Label = 'pos' | 'neu' | 'neg';

/** Dev splits by language (weights: the demo's mix, plus Arabic and Hindi). */
export const DATA_SPLITS: ReadonlyArray<readonly [string, readonly string[], number]> = [
  ['en', ['tweeteval_en.dev', 'umsab_en.dev'], 0.34],
  ['de', ['umsab_de.dev'], 0.12],
  ['es', ['umsab_es.dev'], 0.09],
  ['fr', ['umsab_fr.dev'], 0.08],
  ['el', ['ratedtweets_el.dev'], 0.06],
  ['sl', ['mozetic_sl.dev'], 0.07],
  ['fa', ['sentipers_fa.dev'], 0.07],
  ['it', ['umsab_it.dev'], 0.05],
  ['pt', ['umsab_pt.dev'], 0.05],
  ['ar', ['umsab_ar.dev'], 0.04],
  ['hi', ['umsab_hi.dev'], 0.03],
];

/** Where the labelled data lives: `../shared` beside the repository. */
export const SENTIMENT_DATA_DIR = resolve(import.meta.dirname, '../../shared/data/sentiment');

export function languageOf(u: number, mix: ReadonlyArray<readonly [string, number]>): string {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  let r = u * total;
  for (const [lang, w] of mix) {
    r -= w;
    if (r <= 0) return lang;
  }
  return mix[mix.length - 1]![0];
}

export interface DataTexts {
  byLang: ReadonlyMap<string, Readonly<Record<Label, readonly string[]>>>;
  /** Per label, the languages that have such posts, with their weights. */
  mixes: Readonly<Record<Label, ReadonlyArray<readonly [string, number]>>>;
  /** The post for a mention of true kind `kind` from two uniform draws, and its declared language. */
  pick(kind: TrueKind, u: number, v: number): { text: string; lang: string | null };
}

export function labelOf(kind: TrueKind): Label {
  return kind === 'incident' ? 'neg' : kind;
}

export function loadDataTexts(dir = SENTIMENT_DATA_DIR): DataTexts {
  const byLang = new Map<string, Record<Label, string[]>>();
  for (const [lang, files] of DATA_SPLITS) {
    const sets: Record<Label, string[]> = { pos: [], neu: [], neg: [] };
    for (const f of files)
      for (const line of readFileSync(join(dir, `${f}.jsonl`), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const row = JSON.parse(line) as { text: string; label: Label };
        sets[row.label].push(row.text);
      }
    byLang.set(lang, sets);
  }
  // A language is drawn for a label only where its split has at least 20 such posts (Slovenian
  // has no neutral ones, the Greek dev split eight).
  const mixOf = (label: Label) =>
    DATA_SPLITS.filter(([lang]) => byLang.get(lang)![label].length >= 20).map(
      ([lang, , w]) => [lang, w] as const,
    );
  const mixes = { pos: mixOf('pos'), neu: mixOf('neu'), neg: mixOf('neg') };
  return {
    byLang,
    mixes,
    pick(kind, u, v) {
      const label = labelOf(kind);
      const lang = languageOf(u, mixes[label]);
      const xs = byLang.get(lang)![label];
      // Half the sources declare a language, as in the demo: index 2t + h, h = 1 declares none.
      const i = Math.floor(v * xs.length * 2);
      return { text: xs[i >> 1]!, lang: i % 2 === 0 ? lang : null };
    },
  };
}
