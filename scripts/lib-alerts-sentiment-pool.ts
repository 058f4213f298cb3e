import type { SentimentLabel } from '../core/contracts/mention.ts';
import { detectLanguage, scoringLanguage } from '../enrich/language/detect.ts';
import { loadSentimentScorer, type SentimentScorer } from '../enrich/sentiment/index.ts';
import { ASPECTS, LANGUAGE_MIX, PHRASES } from '../ingest/demo/phrases.ts';
import { TRUE_KINDS, type SentimentPool, type TrueKind } from '../alerts/evaluation/pool.ts';
import { labelOf, languageOf, loadDataTexts } from './lib-alerts-texts.ts';

/**
 * The harness's sentiment, as the pipeline would score it: every sentence the demo source can
 * write (its multilingual phrases, each aspect, a brand name), scored once by the project's own
 * language detector and sentiment scorer. A generated mention of true sentiment s then draws one
 * of those sentences (language by the demo's mix) and carries the label the enricher gave it,
 * so the enricher's real errors (a sarcastic negative read as positive, a language it reads
 * poorly) reach the detector, without scoring millions of texts per run.
 */

export function buildSentimentPool(
  scorer: SentimentScorer = loadSentimentScorer(),
  brand = 'Nimbus',
): SentimentPool {
  const labels = new Map<string, SentimentLabel[]>();
  let texts = 0;
  for (const [lang] of LANGUAGE_MIX) {
    const phrases = PHRASES[lang]!;
    for (const kind of TRUE_KINDS) {
      const out: SentimentLabel[] = [];
      for (const template of phrases[kind])
        for (const aspect of ASPECTS) {
          const text = template.replaceAll('{b}', brand).replaceAll('{a}', phrases.aspects[aspect]);
          // Half the sources declare a language (the demo's own mix); the detector reads both.
          for (const hint of [lang, null]) {
            const guess = detectLanguage(text, hint);
            out.push(scorer.score(text, scoringLanguage(text, guess)).label);
            texts++;
          }
        }
      labels.set(`${lang}/${kind}`, out);
    }
  }
  const total = LANGUAGE_MIX.reduce((s, [, w]) => s + w, 0);
  const draw = (kind: TrueKind, rng: () => number): SentimentLabel => {
    let r = rng() * total;
    let lang = LANGUAGE_MIX[LANGUAGE_MIX.length - 1]![0];
    for (const [l, w] of LANGUAGE_MIX) {
      r -= w;
      if (r <= 0) {
        lang = l;
        break;
      }
    }
    const xs = labels.get(`${lang}/${kind}`)!;
    return xs[Math.floor(rng() * xs.length)]!;
  };
  const confusion = Object.fromEntries(
    TRUE_KINDS.map((kind) => {
      const counts: Record<SentimentLabel, number> = { pos: 0, neu: 0, neg: 0, unscored: 0 };
      let n = 0;
      for (const [lang, w] of LANGUAGE_MIX) {
        const xs = labels.get(`${lang}/${kind}`)!;
        for (const l of xs) counts[l] += w / xs.length;
        n += w;
      }
      for (const l of Object.keys(counts) as SentimentLabel[]) counts[l] /= n;
      return [kind, counts];
    }),
  ) as SentimentPool['confusion'];
  return { draw, confusion, texts };
}

/**
 * The same pool from real posts (`eval:alerts -- --texts data`): every post of the labelled dev
 * splits (lib-alerts-texts.ts), with and without its declared language, scored once by the
 * project's language detector and sentiment scorer. A mention of true kind k draws a post as the
 * end-to-end evaluation does (same two draws) and carries the enricher's label of it: the
 * enricher reads real posts less well than the demo's sentences (about 0.75 of complaints as
 * negative against 0.85, and a tenth of praise), and that noise reaches the detector.
 */
export function buildDataSentimentPool(
  scorer: SentimentScorer = loadSentimentScorer(),
): SentimentPool {
  const data = loadDataTexts();
  const labels = new Map<string, SentimentLabel[]>();
  let texts = 0;
  for (const [lang, sets] of data.byLang)
    for (const label of ['pos', 'neu', 'neg'] as const) {
      const out: SentimentLabel[] = [];
      for (const text of sets[label])
        for (const hint of [lang, null]) {
          const guess = detectLanguage(text, hint);
          out.push(scorer.score(text, scoringLanguage(text, guess)).label);
          texts++;
        }
      labels.set(`${lang}/${label}`, out);
    }
  const draw = (kind: TrueKind, rng: () => number): SentimentLabel => {
    const label = labelOf(kind);
    const lang = languageOf(rng(), data.mixes[label]);
    const xs = labels.get(`${lang}/${label}`)!;
    return xs[Math.floor(rng() * xs.length)]!;
  };
  const confusion = Object.fromEntries(
    TRUE_KINDS.map((kind) => {
      const counts: Record<SentimentLabel, number> = { pos: 0, neu: 0, neg: 0, unscored: 0 };
      const mix = data.mixes[labelOf(kind)];
      const total = mix.reduce((s, [, w]) => s + w, 0);
      for (const [lang, w] of mix) {
        const xs = labels.get(`${lang}/${labelOf(kind)}`)!;
        for (const l of xs) counts[l] += w / total / xs.length;
      }
      return [kind, counts];
    }),
  ) as SentimentPool['confusion'];
  return { draw, confusion, texts };
}
