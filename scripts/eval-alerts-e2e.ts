import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RuleType } from '../alerts/config.ts';
import {
  BANDS_EVAL_FROM_MS,
  brandScenario,
  eachMention,
  scoreBrand,
  seriesEndMs,
  summarizeBand,
  type BandReport,
  type BrandResult,
  type OpenedAlert,
} from '../alerts/evaluation/bands.ts';
import type { TrueKind } from '../alerts/evaluation/pool.ts';
import { mulberry32 } from '../core/random.ts';
import { ASPECTS, LANGUAGE_MIX, PHRASES } from '../ingest/demo/phrases.ts';
import { languageOf, loadDataTexts } from './lib-alerts-texts.ts';

/**
 * `npm run eval:alerts:e2e [-- --first-seed S] [--seeds N] [--bands 3,8,25,40] [--texts data|demo]
 * [--dir D] [--detail]`: the alert targets checked the way a user meets them, end to end. The
 * rate-band harness's brands (`alerts/evaluation/bands.ts`: four weeks, planted incidents and
 * decoys, the same realisation) are written as mentions with texts, loaded with
 * `earshot import` into a fresh embedded store (enrichment as configured: language, the default
 * sentiment tier, brand matching, spam and near-duplicates), and replayed with
 * `earshot alerts backtest --json` under each brand's **default** rules; the records are scored
 * against the planted events as the harness scores its own.
 *
 * `--texts data` (default) draws each mention's text from the labelled dev splits of
 * `../shared/data/sentiment` by its true sentiment (complaints from the negative texts): tweets,
 * reviews and news comments in eleven languages, so the enricher's errors are those of real
 * posts. `--texts demo` draws the demo source's sentences, as the harness's sentiment pool does:
 * then the figures should equal `npm run eval:alerts -- --step 1` on the same seeds and bands
 * but for the store path's own effects (spam, near-duplicates, the sentiment tier).
 */

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const firstSeed = Number(arg('first-seed') ?? 21);
const seeds = Array.from({ length: Number(arg('seeds') ?? 1) }, (_, i) => firstSeed + i);
const bands = (arg('bands') ?? '3,8,25,40').split(',').map(Number);
const texts = arg('texts') ?? 'data';
if (texts !== 'data' && texts !== 'demo') throw new Error('--texts must be data or demo');
const root = resolve(import.meta.dirname, '..');
const dir = arg('dir') ? resolve(arg('dir')!) : mkdtempSync(join(tmpdir(), 'earshot-alerts-e2e-'));
mkdirSync(dir, { recursive: true });

/** Texts by true kind and language, and how to pick one with the generator's two draws. */
interface TextBank {
  pick(kind: TrueKind, u: number, v: number): { text: string; lang: string | null };
}

/** The demo's sentences, indexed exactly as the harness's pool indexes its labels. */
function demoBank(): TextBank {
  return {
    pick(kind, u, v) {
      const lang = languageOf(u, LANGUAGE_MIX);
      const phrases = PHRASES[lang]!;
      const templates = phrases[kind];
      const n = templates.length * ASPECTS.length * 2;
      const i = Math.floor(v * n);
      const template = templates[Math.floor(i / (ASPECTS.length * 2))]!;
      const aspect = ASPECTS[Math.floor(i / 2) % ASPECTS.length]!;
      const text = template.replaceAll('{a}', phrases.aspects[aspect]);
      // `{b}` (the brand) is filled in by the writer.
      return { text, lang: i % 2 === 0 ? lang : null };
    },
  };
}

/** One invented word per brand, so its watch query matches its own mentions only. */
function brandName(perHour: number, seed: number): string {
  return `Quorvel${perHour}x${seed}`;
}

async function writeMentions(file: string): Promise<Map<string, ReturnType<typeof brandScenario>>> {
  const bank: TextBank = texts === 'demo' ? demoBank() : loadDataTexts();
  const out = createWriteStream(file);
  const scenarios = new Map<string, ReturnType<typeof brandScenario>>();
  let written = 0;
  for (const seed of seeds)
    for (const perHour of bands) {
      const sc = brandScenario(perHour, seed * 7919 + perHour);
      const name = brandName(perHour, seed);
      scenarios.set(name.toLowerCase(), sc);
      // Where in its minute a mention falls, and who wrote it: draws apart from the series'.
      const rng = mulberry32(sc.spec.seed ^ 0x5bd1e995);
      let n = 0;
      let buffer = '';
      eachMention(sc, (t, kind, u, v) => {
        const { text, lang } = bank.pick(kind, u, v);
        const at = new Date(t + Math.floor(rng() * 60_000)).toISOString();
        const mention = {
          id: `evalfile:${name}-${n++}-${kind}`,
          text: text.includes('{b}') ? text.replaceAll('{b}', name) : `${name}: ${text}`,
          created_at: at,
          lang,
          author: { handle: `user${Math.floor(rng() * perHour * 200)}` },
        };
        buffer += `${JSON.stringify(mention)}\n`;
      });
      out.write(buffer);
      written += n;
    }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
  process.stderr.write(`wrote ${written.toLocaleString('en')} mentions to ${file}\n`);
  return scenarios;
}

function earshot(args: string[], env: NodeJS.ProcessEnv): string {
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/earshot.js'), ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`earshot ${args.join(' ')} exited ${r.status}`);
  process.stderr.write(
    `earshot ${args[0]} ${args[1] ?? ''}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return r.stdout;
}

interface BacktestRecord {
  brand: string;
  rule_type: RuleType;
  opened_at: string;
  window_minutes: number;
  metric: string;
  secondary: { metric: string } | null;
  z: number;
}

const file = join(dir, 'mentions.jsonl');
const scenarios = await writeMentions(file);
const config = join(dir, 'earshot.config.yaml');
writeFileSync(
  config,
  [
    '# eval:alerts:e2e: one brand per rate band and seed, default rules only',
    'workspaces:',
    '  - id: eval',
    '    name: Alert evaluation',
    '    brands:',
    ...[...scenarios.keys()].flatMap((id) => [
      `      - id: ${id}`,
      `        name: ${id}`,
      `        query: '${id}'`,
    ]),
    '',
  ].join('\n'),
);
// Always the embedded engine and bus in `dir`: whatever the shell says, an evaluation never
// writes to a configured ClickHouse server or Kafka cluster.
const env = {
  CHDB_PATH: join(dir, 'chdb'),
  EARSHOT_CONFIG: config,
  DEMO_ENABLED: 'false',
  EARSHOT_STORE: 'chdb',
  EARSHOT_BUS: 'memory',
};
rmSync(env.CHDB_PATH, { recursive: true, force: true });
earshot(['import', file], env);
const lines = earshot(
  [
    'alerts',
    'backtest',
    '--json',
    '--from',
    new Date(BANDS_EVAL_FROM_MS).toISOString(),
    '--to',
    new Date(Math.max(...[...scenarios.values()].map(seriesEndMs))).toISOString(),
  ],
  env,
);
// How the pipeline labelled each true kind (the id ends with it): the enricher's errors the
// detector had to live with.
const confusion = earshot(
  [
    'sql',
    '--json',
    "SELECT splitByChar('-', id)[-1] AS kind, sentiment_label AS label, count() AS n FROM mentions GROUP BY kind, label ORDER BY kind, label",
  ],
  env,
);
const opened = new Map<string, OpenedAlert[]>();
for (const line of lines.split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as BacktestRecord;
  const list = opened.get(r.brand) ?? [];
  list.push({
    rule: r.rule_type,
    openedMs: Date.parse(r.opened_at),
    windowMinutes: r.window_minutes,
    statistic: r.secondary?.metric ?? r.metric,
    z: r.z,
  });
  opened.set(r.brand, list);
}

const reports: BandReport[] = bands.map((perHour) => {
  const results: BrandResult[] = seeds.map((seed) => {
    const id = brandName(perHour, seed).toLowerCase();
    const sc = scenarios.get(id)!;
    return { ...scoreBrand(perHour, seed, sc, opened.get(id) ?? [], null), evaluations: 0 };
  });
  return summarizeBand(perHour, results);
});

const pct = (x: number | null) => (x === null ? '–' : x.toFixed(2));
console.log(`\n${texts} texts, seeds ${seeds.join(', ')}, store in ${dir}\n`);
const byKind = new Map<string, Record<string, number>>();
for (const line of confusion.split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { kind: string; label: string; n: number | string };
  const row = byKind.get(r.kind) ?? {};
  row[r.label] = Number(r.n);
  byKind.set(r.kind, row);
}
console.log('How the pipeline labelled them (share of each true kind):');
for (const [kind, row] of byKind) {
  const total = Object.values(row).reduce((s, x) => s + x, 0);
  const shares = Object.entries(row).map(([l, n]) => `${l} ${(n / total).toFixed(2)}`);
  console.log(`  ${kind} (${total.toLocaleString('en')}): ${shares.join(', ')}`);
}
console.log('');
console.log(
  '| mentions / h | brands | precision | recall | false alerts / brand-week | median time to detect, spikes (min) | negative spikes (min) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of reports)
  console.log(
    `| ${r.perHour.toLocaleString('en')} | ${r.brands} | ${pct(r.precision)} (${r.correctAlerts}/${r.alerts}) | ${pct(r.recall)} (${r.detected}/${r.incidents}) | ${r.falsePerBrandWeek.toFixed(2)} | ${r.ttdSpikeMedian ?? '–'} | ${r.ttdNegativeMedian ?? '–'} |`,
  );
if (process.argv.includes('--detail'))
  for (const r of reports) {
    const at = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
    console.log(`\n${r.perHour.toLocaleString('en')} an hour`);
    for (const b of r.results) {
      for (const o of b.outcomes)
        console.log(
          `  seed ${b.seed} ${o.kind}${o.steep ? ' steep' : ` ramp ${Math.round(o.rampMin)} min`} ${Math.round(o.durationMin)} min size ${o.size.toFixed(2)} at ${at(o.startMs)}: ${o.foundBy ? `${o.ttdMinutes} min, ${o.foundBy.rule} ${o.foundBy.windowMinutes} min ${o.foundBy.statistic} z ${o.foundBy.z}` : 'missed'}`,
        );
      for (const a of b.alerts.filter((x) => !x.correct))
        console.log(
          `  seed ${b.seed} FALSE ${a.rule} at ${at(a.openedMs)} (${a.event ?? 'no event'}) ${a.windowMinutes} min ${a.statistic} z ${a.z}`,
        );
    }
  }
