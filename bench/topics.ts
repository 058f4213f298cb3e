import { loadTopicVectors } from '../enrich/pipeline/topic-vectors.ts';
import { createTopicClusterer } from '../enrich/topics/index.ts';
import { nmi, purity } from '../enrich/topics/quality.ts';
import { asTopicInput, labelledCorpus } from '../enrich/topics/testing/corpus.ts';
import { evaluateSet, evaluateStories, multilingualSet } from '../enrich/topics/testing/stories.ts';
import { loadTopicEmbedder } from '../enrich/pipeline/topic-merge.ts';
import { describeError } from '../core/errors.ts';
import { mentionsForMinute } from '../ingest/demo/generator.ts';
import { ASPECTS, PHRASES } from '../ingest/demo/phrases.ts';
import type { BenchResult } from './types.ts';

/**
 * Topic clustering: throughput and quality. Quality is measured on two labelled corpora:
 * (1) enrich/topics/testing/corpus.ts: 8 topics × 2 brands × en/de/es, 5 % noise (labels are
 * the generator's topics); (2) the demo source (ingest/demo): labels are the aspect each
 * template was filled with (camera, battery, …) or "incident"; its posts are 15 templates per
 * language that share their wording across aspects, so it is a hard, adversarial case.
 */
const CORPUS = 10_000;

/**
 * The cross-language merge (enrich/topics/embed-merge.ts) on the held-out multilingual set written
 * last, before and after, and the CPU per cluster of a merge pass after 10,000 corpus posts.
 * Needs the accurate tier's encoder; without it, one row says so.
 */
async function crossLanguage(posts: ReturnType<typeof labelledCorpus>): Promise<BenchResult[]> {
  let embedder;
  try {
    embedder = await loadTopicEmbedder();
  } catch (error) {
    return [
      {
        area: 'topics',
        name: 'cross-language merge',
        value: 0,
        unit: '',
        notes: `skipped: ${describeError(error)}`,
      },
    ];
  }
  try {
    const set = multilingualSet('fresh2');
    const before = await evaluateSet(set, {});
    const after = await evaluateSet(set, {}, embedder.embed);
    const c = createTopicClusterer();
    for (const p of posts) c.assign(asTopicInput(p));
    const t0 = process.cpuUsage();
    const pass = await c.mergeAcrossLanguages(embedder.embed, { maxTexts: 10_000 });
    const d = process.cpuUsage(t0);
    const ms = (d.user + d.system) / 1000;
    return [
      {
        area: 'topics',
        name: 'held-out multilingual set: pairwise F1, lexical',
        value: before.all.f1,
        unit: '',
        notes: `precision ${before.all.precision.toFixed(3)}, cross-language F1 ${before.crossLanguage.f1.toFixed(3)}, ${before.topics} topics`,
      },
      {
        area: 'topics',
        name: 'held-out multilingual set: pairwise F1, with the cross-language merge',
        value: after.all.f1,
        unit: '',
        notes: `precision ${after.all.precision.toFixed(3)}, cross-language F1 ${after.crossLanguage.f1.toFixed(3)}, ${after.topics} topics (npm run eval:topics)`,
      },
      {
        area: 'topics',
        name: 'cross-language merge pass: CPU per cluster',
        value: ms / Math.max(1, pass.clusters),
        unit: 'ms',
        notes: `${pass.clusters} clusters, ${pass.texts} texts after ${posts.length} posts; CPU time, encoder thread included`,
      },
    ];
  } finally {
    await embedder.close();
  }
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const posts = labelledCorpus({ size: CORPUS, seed: 42 });
  const clusterer = createTopicClusterer();
  const t0 = performance.now();
  const ids = posts.map(
    (p) =>
      clusterer.assign({
        id: p.id,
        text: p.text,
        lang: p.lang,
        brands: [p.brand],
        created_at: p.created_at,
      }).topics[0]?.id ?? 'none',
  );
  const seconds = (performance.now() - t0) / 1000;
  const final = ids.map((id) => clusterer.resolve(id));
  const snapshot = JSON.stringify(clusterer.snapshot());
  const labels = posts.map((p) => `${p.brand}/${p.topic}`);
  const byLang = posts.map((p) => `${p.brand}/${p.topic}/${p.lang}`);
  const clusters = new Set(final).size;
  results.push(
    {
      area: 'topics',
      name: 'assign (keyphrases + clustering), posts/s (1 core)',
      value: CORPUS / seconds,
      unit: 'posts/s',
    },
    {
      area: 'topics',
      name: 'snapshot after 10k posts (JSON)',
      value: snapshot.length / 1e6,
      unit: 'MB',
    },
    {
      area: 'topics',
      name: 'labelled corpus: purity',
      value: purity(final, labels),
      unit: '',
      notes: `${CORPUS} posts, 2 brands × 8 topics × 3 langs + noise, ${clusters} clusters`,
    },
    {
      area: 'topics',
      name: 'labelled corpus: NMI (labels brand/topic)',
      value: nmi(final, labels),
      unit: '',
    },
    {
      area: 'topics',
      name: 'labelled corpus: NMI (labels brand/topic/lang)',
      value: nmi(final, byLang),
      unit: '',
    },
  );

  // The same corpus with the pipeline's multilingual word vectors (enrich/pipeline/topic-vectors.ts),
  // and the grouping of one story across languages on the held-out hand-written stories.
  const vectors = loadTopicVectors();
  const withVectors = createTopicClusterer({ vectors });
  const t1 = performance.now();
  for (const p of posts) withVectors.assign(asTopicInput(p));
  const vectorSeconds = (performance.now() - t1) / 1000;
  const lexical = evaluateStories({}, 'test');
  const stories = evaluateStories({ vectors }, 'test');
  results.push(
    {
      area: 'topics',
      name: 'assign with word vectors, posts/s (1 core)',
      value: CORPUS / vectorSeconds,
      unit: 'posts/s',
    },
    {
      area: 'topics',
      name: 'held-out stories: pairwise F1, words only',
      value: lexical.all.f1,
      unit: '',
      notes: `cross-language pairs ${lexical.crossLanguage.f1.toFixed(3)}, ${lexical.topics} topics`,
    },
    {
      area: 'topics',
      name: 'held-out stories: pairwise F1, with word vectors',
      value: stories.all.f1,
      unit: '',
      notes: `cross-language pairs ${stories.crossLanguage.f1.toFixed(3)}, ${stories.topics} topics (npm run eval:topics)`,
    },
  );

  // The demo source, 10 hours at 10 mentions/minute, with its planted incident.
  const start = Math.floor(Date.parse('2026-11-18T00:00:00Z') / 60_000);
  const incident = {
    brand: 'nimbus',
    start: new Date((start + 300) * 60_000),
    durationMinutes: 60,
    volumeFactor: 5,
  };
  const mentions = [];
  for (let m = start; m < start + 600; m++)
    mentions.push(...mentionsForMinute(m, { ratePerMinute: 10, incident }));
  const brands = ['Aurora', 'Nimbus', 'Zephyr'];
  const incidentTexts = new Set<string>();
  for (const ph of Object.values(PHRASES))
    for (const t of ph.incident) for (const b of brands) incidentTexts.add(t.replaceAll('{b}', b));
  const demo = createTopicClusterer();
  const demoIds: string[] = [];
  const demoLabels: string[] = [];
  for (const m of mentions) {
    const lang = m.url!.split('/')[3]!;
    const phrases = PHRASES[lang]!;
    const brand = brands.find((b) => m.text.includes(b)) ?? 'none';
    const label = incidentTexts.has(m.text)
      ? 'incident'
      : (ASPECTS.find((a) => m.text.includes(phrases.aspects[a])) ?? 'other');
    demoIds.push(
      demo.assign({ id: m.id, text: m.text, lang, brands: [brand], created_at: m.created_at })
        .topics[0]?.id ?? 'none',
    );
    demoLabels.push(`${brand}/${label}`);
  }
  const demoFinal = demoIds.map((id) => demo.resolve(id));
  results.push(
    {
      area: 'topics',
      name: 'demo source: purity (labels brand/aspect)',
      value: purity(demoFinal, demoLabels),
      unit: '',
      notes: `${mentions.length} mentions, 9 langs, ${new Set(demoFinal).size} clusters`,
    },
    {
      area: 'topics',
      name: 'demo source: NMI (labels brand/aspect)',
      value: nmi(demoFinal, demoLabels),
      unit: '',
    },
  );
  const trending = demo.trending('Nimbus', {
    now: new Date((start + 360) * 60_000),
    periodHours: 1,
    minVolume: 10,
    limit: 3,
  });
  results.push({
    area: 'topics',
    name: 'demo incident: trending topics in the incident hour',
    value: trending.length,
    unit: 'topics',
    notes: trending.map((t) => `"${t.label}" ${t.previous}→${t.current}`).join('; '),
  });
  results.push(...(await crossLanguage(posts)));
  // Ratios print with two decimals in the table; the note keeps three.
  for (const r of results) {
    if (r.unit === '') r.notes = [r.value.toFixed(3), r.notes].filter(Boolean).join('; ');
  }
  return results;
}
