import { detectLanguage, scoringLanguage } from '../enrich/language/detect.ts';
import { loadSentimentScorer } from '../enrich/sentiment/index.ts';
import { DEFAULT_DATA_DIR, readSplit } from '../training/sentiment/data.ts';
import type { BenchResult } from './types.ts';

/**
 * Language identification and sentiment on one core (this process, one thread), over the real
 * dev texts (tweets and review sentences in 11 languages, mixed). Each figure is the median of
 * 5 timed passes after a warm-up pass, so JIT compilation and one-off loading are excluded.
 */
const PASSES = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function rate(texts: readonly string[], fn: (t: string) => void): number {
  for (const t of texts) fn(t);
  const rates: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const t0 = performance.now();
    for (const t of texts) fn(t);
    rates.push(texts.length / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export default function run(): Promise<BenchResult[]> {
  const rssBefore = process.memoryUsage().rss;
  const scorer = loadSentimentScorer();
  detectLanguage('warm up the detector');
  const rssLoaded = process.memoryUsage().rss;
  const texts = readSplit(DEFAULT_DATA_DIR, 'dev').flatMap((s) => s.rows.map((r) => r.text));
  const langs = texts.map((t) => scoringLanguage(t, detectLanguage(t)));
  let sink = 0;
  const lang = rate(texts, (t) => {
    sink += detectLanguage(t).confidence;
  });
  let i = 0;
  const sentiment = rate(texts, (t) => {
    sink += scorer.score(t, langs[i++ % langs.length]!).score;
  });
  const both = rate(texts, (t) => {
    sink += scorer.score(t, scoringLanguage(t, detectLanguage(t))).score;
  });
  const rssAfter = process.memoryUsage().rss;
  const notes = `${texts.length} dev texts, median of ${PASSES} passes`;
  if (!Number.isFinite(sink))
    throw new Error('unreachable: keeps the work from being optimised away');
  return Promise.resolve([
    { area: 'sentiment', name: 'language detection', value: lang, unit: 'texts/s', notes },
    {
      area: 'sentiment',
      name: 'sentiment (language given)',
      value: sentiment,
      unit: 'texts/s',
      notes,
    },
    {
      area: 'sentiment',
      name: 'language + sentiment (one core)',
      value: both,
      unit: 'texts/s',
      notes,
    },
    {
      area: 'sentiment',
      name: 'RSS added by loading detector + model',
      value: (rssLoaded - rssBefore) / 2 ** 20,
      unit: 'MiB',
    },
    {
      area: 'sentiment',
      name: 'process RSS after the run',
      value: rssAfter / 2 ** 20,
      unit: 'MiB',
    },
  ]);
}
