import { runBands, type BandReport } from '../alerts/evaluation/bands.ts';
import { buildSentimentPool } from '../alerts/evaluation/sentiment-pool.ts';

/**
 * `npm run eval:alerts`: the rate-band harness (alerts/evaluation/bands.ts) over several seeds,
 * with each brand's default rules and the project's own sentiment. Prints one row per band and
 * exits non-zero when a band misses a target. EVAL_SEEDS (default 8 brands per band) and
 * EVAL_BANDS (comma-separated mentions per hour) narrow a run; EVAL_JSON=1 prints the reports.
 */
const seeds = Array.from({ length: Number(process.env.EVAL_SEEDS ?? 8) }, (_, i) => i + 1);
const bands = process.env.EVAL_BANDS?.split(',').map(Number);
const started = Date.now();
const pool = buildSentimentPool();
const reports = runBands(pool, { seeds, ...(bands ? { bands } : {}) });

export const TARGETS = { precision: 0.9, recall: 0.9, falsePerBrandWeek: 1, ttdSpikeMedian: 30 };

function misses(r: BandReport): string[] {
  const out: string[] = [];
  if (r.precision < TARGETS.precision) out.push('precision');
  if (r.recall < TARGETS.recall) out.push('recall');
  if (r.falsePerBrandWeek > TARGETS.falsePerBrandWeek) out.push('false alerts');
  if (r.ttdSpikeMedian === null || r.ttdSpikeMedian > TARGETS.ttdSpikeMedian) out.push('ttd');
  return out;
}

const pct = (x: number | null) => (x === null ? '–' : x.toFixed(2));
console.log(
  '| mentions / h | brands | precision | recall | false alerts / brand-week | median time to detect, spikes (min) | recall at night / weekends | missed targets |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
let failed = false;
for (const r of reports) {
  const m = misses(r);
  failed ||= m.length > 0;
  console.log(
    `| ${r.perHour.toLocaleString('en')} | ${r.brands} | ${pct(r.precision)} (${r.correctAlerts}/${r.alerts}) | ${pct(r.recall)} (${r.detected}/${r.incidents}) | ${r.falsePerBrandWeek.toFixed(2)} | ${r.ttdSpikeMedian ?? '–'} | ${pct(r.recallNight)} / ${pct(r.recallWeekend)} | ${m.join(', ') || 'none'} |`,
  );
}
if (process.env.EVAL_JSON)
  console.log(
    JSON.stringify(
      reports.map((r) => ({ ...r })),
      null,
      1,
    ),
  );
console.log(`(${seeds.length} brands per band, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exitCode = failed ? 1 : 0;
