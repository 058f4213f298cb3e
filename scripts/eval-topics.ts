/**
 * `npm run eval:topics`: how well topic clustering groups one story across languages. The
 * word-vector weight is chosen on the tuning sets only (the tuning half of the hand-written
 * stories in enrich/topics/testing/stories.json, and the synthetic corpus of the unit tests);
 * the figure is then measured once on the held-out half of the stories. Prints pairwise
 * precision, recall and F1 (all pairs, and pairs of two different languages), the number of
 * topics and their labels.
 */
import { loadTopicVectors } from '../enrich/pipeline/topic-vectors.ts';
import { evaluateCorpus, evaluateStories } from '../enrich/topics/testing/stories.ts';

if (import.meta.url === `file://${process.argv[1]}`) {
  const vectors = loadTopicVectors();
  const f = (x: { precision: number; recall: number; f1: number }) =>
    `P ${x.precision.toFixed(3)} R ${x.recall.toFixed(3)} F1 ${x.f1.toFixed(3)}`;
  // The weight is chosen on the two tuning sets only (the tuning stories and the synthetic corpus
  // of the unit tests), by their mean pairwise F1: the stories alone are 40 posts.
  let chosen = 0;
  let best = -1;
  for (const w of [0, 0.5, 0.75, 1, 1.25, 1.5, 2]) {
    const options = w === 0 ? {} : { vectors, vectorWeight: w };
    const r = evaluateStories(options, 'tune');
    const synthetic = evaluateCorpus(options);
    const mean = (r.all.f1 + synthetic.f1) / 2;
    console.log(
      `tune, word-vector weight ${w}: stories ${f(r.all)} (cross-language ${f(r.crossLanguage)}); synthetic corpus ${f(synthetic)}; mean F1 ${mean.toFixed(3)}`,
    );
    if (mean > best) {
      best = mean;
      chosen = w;
    }
  }
  console.log(`chosen weight: ${chosen}`);
  for (const [name, options] of [
    ['lexical only', {}],
    [`word vectors (weight ${chosen})`, { vectors, vectorWeight: chosen }],
  ] as const) {
    const r = evaluateStories(options, 'test');
    console.log(
      `test (held out), ${name}: all pairs ${f(r.all)}; cross-language pairs ${f(r.crossLanguage)}; ${r.topics} topics`,
    );
    for (const l of r.labels) console.log(`  ${l}`);
  }
}
