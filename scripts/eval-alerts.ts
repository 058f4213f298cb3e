import { runBands, type BandReport } from '../alerts/evaluation/bands.ts';
import { buildSentimentPool } from './lib-alerts-sentiment-pool.ts';

/**
 * `npm run eval:alerts [-- --seeds N] [--bands 3,30] [--json]`: the rate-band harness
 * (alerts/evaluation/bands.ts) over N seeds (one brand each per band; default 4), with each
 * brand's default rules and the project's own sentiment. Prints one row per band (the table of
 * docs/benchmarks.md) and exits non-zero when a band misses a target.
 */
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = Array.from({ length: Number(arg('seeds') ?? 4) }, (_, i) => i + 1);
const bands = arg('bands')?.split(',').map(Number);
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
if (process.argv.includes('--json'))
  console.log(
    JSON.stringify(
      reports.map((r) => ({ ...r })),
      null,
      1,
    ),
  );
console.log(`(${seeds.length} brands per band, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exitCode = failed ? 1 : 0;
