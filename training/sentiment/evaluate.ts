import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { format, resolveConfig } from 'prettier';
import { detectLanguage, scoringLanguage } from '../../enrich/language/detect.ts';
import { DEFAULT_MODEL_DIR, createScorer } from '../../enrich/sentiment/index.ts';
import { loadAccurateScorer, type AccurateItem } from '../../enrich/sentiment/accurate/scorer.ts';
import { loadBaselines, type Baseline } from './baselines.ts';
import { DEFAULT_DATA_DIR, readSplit, type LabelledRow } from './data.ts';
import { accuracy, expectedCalibrationError, macroF1 } from './metrics.ts';
import type { HeldOutLanguage } from './neutral.ts';

/**
 * The evaluation behind `npm run eval:sentiment` (scripts/eval-sentiment.ts).
 *
 * Scores every dev split with earshot (end to end: detected language, then sentiment) and with
 * the off-the-shelf tools, side by side, and measures language identification on the same
 * files. Writes the table into docs/benchmarks.md between the `sentiment` markers.
 *
 * Protocol: dev rows whose text also occurs in any train file (after lower-casing and collapsing
 * whitespace) are left out, because the model has seen them. That matters for tweeteval_en,
 * whose dev split largely overlaps umsab_en's train split (both come from SemEval-2017).
 */

const DOCS = new URL('../../docs/benchmarks.md', import.meta.url).pathname;
const BEGIN = '<!-- sentiment:begin -->';
const END = '<!-- sentiment:end -->';
const SPEED = '<!-- sentiment:speed -->';

function norm(t: string): string {
  return t.toLowerCase().replace(/\s+/g, ' ').trim();
}

interface SetResult {
  set: string;
  lang: string;
  n: number;
  removed: number;
  scores: Record<string, { m3: number; pn: number }>;
  ece: number;
  unscored: number;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

/** What training recorded about the neutral gate (manifest `training.neutralGate`). */
interface GateReport {
  pool: string[];
  gated: string[];
  heldOut: HeldOutLanguage[];
}

/**
 * The neutral gate's cross-language check, as the training run recorded it in the manifest
 * (it is measured on train splits, out of fold, so it belongs to the model, not to this run).
 */
function gateSection(modelDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as {
    training?: { neutralGate?: GateReport };
  };
  const g = manifest.training?.neutralGate;
  if (g === undefined) return [];
  const rows = g.heldOut.map((h) => {
    const inPool = g.pool.includes(h.lang);
    return `| ${inPool ? `${h.lang} (held out)` : `${h.lang} (applied)`} | ${inPool ? fmt(h.gated) : '–'} | ${inPool ? fmt(h.neverNeutral) : '–'} | ${inPool ? fmt(h.neutralF1) : '–'} | ${h.neutralRate.toFixed(2)} | ${fmt(h.polarGated)} / ${fmt(h.polarOnly)} | ${h.long === undefined ? '–' : `${fmt(h.long.gated)} (${h.long.neutralRate.toFixed(2)})`} |`;
  });
  return [
    '',
    `### Neutral for languages without neutral training data (${g.gated.join(', ')})`,
    '',
    `mozetic_sl has no neutral class, so Slovenian's text model only knows pos vs neg. Its neutral comes from the neutral gate (\`enrich/sentiment/neutral.ts\`): a logistic regression P(neutral) over language-independent evidence (the pos-vs-neg margin as a calibrated log-odds, the rule layer's hits, strength, coverage, negations, emoji, punctuation, length), fitted on ${g.pool.join(', ')} from margins of text models trained *without* their neutral rows, as Slovenian's is; neutral weighted to a 1/3 prior. The check, recorded by \`npm run train:sentiment\` (train splits, out of fold): the gate fitted without language X, tested on X. "Long" joins three texts of one label (news comments are longer than tweets).`,
    '',
    '| language | 3-class macro-F1 with the gate | never neutral | neutral F1 | share called neutral | pos/neg F1 on the polar rows: gate / no gate | long texts: 3-class macro-F1 (neutral share) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

/** What `npm run eval:sentiment` passes. */
export interface EvalOptions {
  data: string;
  model: string;
  'no-write': boolean;
}

export const EVAL_DEFAULTS = {
  data: DEFAULT_DATA_DIR,
  model: DEFAULT_MODEL_DIR,
  'no-write': false,
} as const;

/** Scores every dev split, prints the table and (unless `no-write`) puts it in the docs. */
export async function evaluateSentiment(values: EvalOptions): Promise<void> {
  const started = performance.now();
  const trainTexts = new Set(
    readSplit(values.data, 'train')
      .flatMap((s) => s.rows)
      .map((r) => norm(r.text)),
  );
  const dev = readSplit(values.data, 'dev');
  const full = createScorer(values.model, { useModel: true });
  const rulesOnly = createScorer(values.model, { useModel: false });
  const baselines: Baseline[] = await loadBaselines();
  const OURS = 'earshot fast';
  const ACC = 'earshot accurate';
  const RULES = 'earshot rules only';
  const accurateDir = join(values.model, 'accurate');
  const accurate = existsSync(join(accurateDir, 'heads.json'))
    ? await loadAccurateScorer({ modelDir: accurateDir })
    : null;
  const tiers = accurate === null ? [OURS] : [OURS, ACC];
  const systems = [...tiers, RULES, ...baselines.map((b) => b.name)];
  let accurateMs = 0;
  let accurateTexts = 0;

  const results: SetResult[] = [];
  // Language ID over all dev rows (all languages mixed), before the overlap filter: it is not trained.
  const langGold: string[] = [];
  const langPred: string[] = [];
  for (const { set, rows: allRows } of dev) {
    for (const r of allRows) {
      langGold.push(r.lang);
      langPred.push(detectLanguage(r.text).lang);
    }
    const rows: LabelledRow[] = allRows.filter((r) => !trainTexts.has(norm(r.text)));
    const gold = rows.map((r) => r.label);
    const scores: SetResult['scores'] = {};
    const preds: Record<string, string[]> = {};
    const correct: boolean[] = [];
    const conf: number[] = [];
    let unscored = 0;
    preds[OURS] = [];
    preds[RULES] = [];
    const items: AccurateItem[] = [];
    for (const r of rows) {
      const lang = scoringLanguage(r.text, detectLanguage(r.text));
      const s = full.score(r.text, lang);
      items.push({ text: r.text, lang, fast: s });
      // An unscored mention counts as a miss in every class (it is neither pos, neu nor neg).
      preds[OURS].push(s.label);
      if (s.label === 'unscored') unscored++;
      else {
        correct.push(s.label === r.label);
        conf.push(s.confidence);
      }
      preds[RULES].push(rulesOnly.score(r.text, lang).label);
    }
    if (accurate !== null) {
      // The accurate tier end to end as the stage runs it: where it does not score the
      // language, the fast tier's result stands.
      const t0 = performance.now();
      const acc: string[] = [];
      for (let i = 0; i < items.length; i += 256) {
        const chunk = items.slice(i, i + 256);
        const out = await accurate.scoreBatch(chunk);
        out.forEach((a, k) => acc.push((a ?? chunk[k]!.fast).label));
      }
      accurateMs += performance.now() - t0;
      accurateTexts += items.length;
      preds[ACC] = acc;
    }
    for (const b of baselines) {
      const p: string[] = [];
      for (const r of rows) p.push(await b.predict(r.text, r.lang));
      preds[b.name] = p;
    }
    for (const name of systems) {
      const p = preds[name]!;
      // Classes: those in gold ∪ predictions, but 'unscored' is never a class of its own.
      const classes = [...new Set([...gold, ...p])].filter((c) => c !== 'unscored').sort();
      scores[name] = { m3: macroF1(gold, p, classes), pn: macroF1(gold, p, ['pos', 'neg']) };
    }
    const lang = rows[0]?.lang ?? '?';
    results.push({
      set,
      lang,
      n: rows.length,
      removed: allRows.length - rows.length,
      scores,
      ece: expectedCalibrationError(correct, conf),
      unscored,
    });
    process.stderr.write(
      `${set}: ${systems.map((s) => `${s} ${fmt(scores[s]!.m3)}`).join(', ')}\n`,
    );
  }

  const langAll = accuracy(langGold, langPred);
  // Hints: the source's declared language helps when right and must not mislead when wrong.
  const targetRows = dev.flatMap((d) => d.rows).filter((r) => r.lang !== 'hi');
  const withTrueHint = accuracy(
    targetRows.map((r) => r.lang),
    targetRows.map((r) => detectLanguage(r.text, r.lang).lang),
  );
  const nonEn = targetRows.filter((r) => r.lang !== 'en');
  const withWrongHint = accuracy(
    nonEn.map((r) => r.lang),
    nonEn.map((r) => detectLanguage(r.text, 'en').lang),
  );
  const nonEnNoHint = accuracy(
    nonEn.map((r) => r.lang),
    nonEn.map((r) => detectLanguage(r.text).lang),
  );
  const target = langGold.map((g, i) => [g, langPred[i]!] as const).filter(([g]) => g !== 'hi');
  const langNoHi = accuracy(
    target.map(([g]) => g),
    target.map(([, p]) => p),
  );
  const perLang = [...new Set(langGold)].sort().map((l) => {
    const idx = langGold.map((g, i) => (g === l ? i : -1)).filter((i) => i >= 0);
    return `${l} ${fmt(
      accuracy(
        idx.map((i) => langGold[i]!),
        idx.map((i) => langPred[i]!),
      ),
    )}`;
  });

  const baseNames = baselines.map((b) => b.name);
  const header = `| dev set | n | ${systems.join(' | ')} | ${tiers.map((t) => `${t.replace('earshot ', '')} − best tool`).join(' | ')} |`;
  const sep = `|---|---:|${systems.map(() => '---:').join('|')}|${tiers.map(() => '---:').join('|')}|`;
  const lines = results.map((r) => {
    const best = Math.max(...baseNames.map((b) => r.scores[b]!.m3));
    const cells = systems.map((s) => {
      const v = r.scores[s]!;
      const cell = `${fmt(v.m3)} / ${fmt(v.pn)}`;
      return tiers.includes(s) ? `**${cell}**` : cell;
    });
    const margins = tiers.map(
      (t) => (r.scores[t]!.m3 - best >= 0 ? '+' : '') + fmt(r.scores[t]!.m3 - best),
    );
    return `| ${r.set} | ${r.n}${r.removed > 0 ? ` (−${r.removed})` : ''} | ${cells.join(' | ')} | ${margins.join(' | ')} |`;
  });
  const calib = results
    .map((r) => `${r.set} ${fmt(r.ece)}${r.unscored > 0 ? ` (${r.unscored} unscored)` : ''}`)
    .join(', ');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const block = [
    BEGIN,
    '## Sentiment and language identification (dev splits)',
    '',
    `Command: \`npm run eval:sentiment\` (fast tier \`${full.model.name}@${full.model.version}\`${accurate === null ? '' : `, accurate tier \`${accurate.model.name}@${accurate.model.version}\` at ${(accurateTexts / (accurateMs / 1000)).toFixed(0)} texts/s here, one intra-op thread`}). Machine: ${os.cpus().length} × ${cpu}, node ${process.version}. ` +
      `Data: \`${values.data === DEFAULT_DATA_DIR ? '../shared/data/sentiment' : values.data}/*.dev.jsonl\`; the model is trained on the train splits only (\`npm run train:sentiment\`), hyper-parameters chosen by cross-validation on train.`,
    '',
    'Each cell: 3-class macro-F1 / pos-neg macro-F1 (SemEval F1^PN). earshot runs end to end: language detected from the text, then scored. ' +
      'The multilingual tools are given the true language; the English-only tools score everything as English. ' +
      'Dev rows whose text occurs in a train file are left out (count in parentheses): tweeteval_en overlaps umsab_en train. ' +
      'mozetic_sl has no neutral class, so any neutral prediction lowers the 3-class figure; umsab_hi is romanised Hindi, which language ID cannot identify: earshot scores a text with Hindi grammar words as Hindi whatever language was detected (`enrich/sentiment/romanised.ts`), the rest as the language detected.',
    '',
    header,
    sep,
    ...lines,
    '',
    `Calibration of earshot's confidence (expected calibration error, 10 bins, lower is better): ${calib}.`,
    ...gateSection(values.model),
    '',
    `Language identification on the same dev files, all languages mixed (${langGold.length} texts, no hints): accuracy ${fmt(langAll)} overall, ` +
      `**${fmt(langNoHi)}** without umsab_hi (romanised Hindi, which eld cannot know). Per language: ${perLang.join(', ')}. ` +
      `With the true language as the source's hint: ${fmt(withTrueHint)}. With a wrong hint (\`en\` on the ${nonEn.length} non-English texts): ${fmt(withWrongHint)}, against ${fmt(nonEnNoHint)} for the same texts without a hint.`,
    '',
    `Evaluation took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    END,
  ].join('\n');

  await accurate?.close();
  process.stdout.write(`${block}\n`);
  if (!values['no-write']) {
    const doc = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '# Benchmarks\n';
    const b = doc.indexOf(BEGIN);
    const e = doc.indexOf(END);
    // The speed section (from `npm run bench -- sentiment`, written by hand) survives a re-run.
    const old = b >= 0 && e > b ? doc.slice(b, e) : '';
    const keep = old.includes(SPEED) ? old.slice(old.indexOf(SPEED)) : '';
    const full = keep === '' ? block : block.replace(END, `${keep.trimEnd()}\n${END}`);
    const next =
      b >= 0 && e > b
        ? doc.slice(0, b) + full + doc.slice(e + END.length)
        : `${doc.trimEnd()}\n\n${full}\n`;
    // Formatted as `npm run format:check` expects (prettier aligns the tables).
    const options = (await resolveConfig(DOCS)) ?? {};
    writeFileSync(DOCS, await format(next, { ...options, filepath: DOCS }));
    process.stderr.write(`wrote ${DOCS}\n`);
  }
}
