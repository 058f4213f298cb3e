import { detectLanguage, scoringLanguage } from '../enrich/language/detect.ts';
import { loadAccurateScorer, type AccurateItem } from '../enrich/sentiment/accurate/scorer.ts';
import { loadSentimentScorer } from '../enrich/sentiment/index.ts';
import { DEFAULT_DATA_DIR, readSplit } from '../training/sentiment/data.ts';
import type { BenchResult } from './types.ts';

/**
 * The accurate sentiment tier (encoder + heads, onnxruntime with one intra-op thread) as the
 * enrich stage runs it: language detected, the fast tier first, then the accurate tier in batches
 * of 256. Throughput is given per wall second and per CPU second of this process (on a shared
 * machine the second is the per-core figure); RSS with the fast and accurate tiers both loaded,
 * which is what an enrich process holds.
 */
const PER_SET = 60;
const BATCH = 256;

export default async function run(): Promise<BenchResult[]> {
  const rssBefore = process.memoryUsage().rss;
  const fast = loadSentimentScorer();
  const accurate = await loadAccurateScorer();
  detectLanguage('warm up the detector');
  const rssLoaded = process.memoryUsage().rss;
  const texts = readSplit(DEFAULT_DATA_DIR, 'dev').flatMap((s) =>
    s.rows.slice(0, PER_SET).map((r) => r.text),
  );
  const items: AccurateItem[] = texts.map((text) => {
    const lang = scoringLanguage(text, detectLanguage(text));
    return { text, lang, fast: fast.score(text, lang) };
  });
  await accurate.scoreBatch(items.slice(0, 32)); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let scored = 0;
  for (let i = 0; i < items.length; i += BATCH) {
    const out = await accurate.scoreBatch(items.slice(i, i + BATCH));
    scored += out.filter((s) => s !== null).length;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rssAfter = process.memoryUsage().rss;
  await accurate.close();
  const notes = `${items.length} dev texts (${PER_SET} per split, ${scored} in languages the tier scores), batches of ${BATCH}`;
  return [
    {
      area: 'sentiment-accurate',
      name: 'accurate tier (per CPU second: per core)',
      value: items.length / cpuSeconds,
      unit: 'texts/s',
      notes,
    },
    {
      area: 'sentiment-accurate',
      name: 'accurate tier (wall clock, one intra-op thread)',
      value: items.length / wall,
      unit: 'texts/s',
      notes,
    },
    {
      area: 'sentiment-accurate',
      name: 'RSS added by loading both tiers + detector',
      value: (rssLoaded - rssBefore) / 2 ** 20,
      unit: 'MiB',
    },
    {
      area: 'sentiment-accurate',
      name: 'process RSS after the run',
      value: rssAfter / 2 ** 20,
      unit: 'MiB',
    },
  ];
}
