import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSentimentScorer } from '../enrich/sentiment/index.ts';

/**
 * The training and evaluation scripts end to end on a tiny generated fixture: they must run in
 * CI in seconds, write a model the loader accepts, and be deterministic.
 */
const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'earshot-train-'));
const data = join(tmp, 'data');

const EN: Array<[string, string]> = [
  ['I love this, it is great', 'pos'],
  ['What a wonderful day, thank you', 'pos'],
  ['Best concert ever 😍', 'pos'],
  ['So happy with the new phone', 'pos'],
  ['This is terrible and sad', 'neg'],
  ['Worst service, I hate it', 'neg'],
  ['Awful weather again 😡', 'neg'],
  ['The train is late, annoying', 'neg'],
  ['The meeting is at 5pm', 'neu'],
  ['New episode tonight on channel 4', 'neu'],
  ['The store opens on Monday', 'neu'],
  ['Reading the news about the election', 'neu'],
];
const DE: Array<[string, string]> = [
  ['Das ist super, danke', 'pos'],
  ['Wunderbarer Tag heute', 'pos'],
  ['Ich liebe dieses Lied', 'pos'],
  ['Das ist schrecklich', 'neg'],
  ['So ein Mist, ich hasse das', 'neg'],
  ['Leider total enttäuscht', 'neg'],
  ['Das Treffen ist morgen', 'neu'],
  ['Der Zug fährt um acht', 'neu'],
  ['Neue Folge heute Abend', 'neu'],
];
const SL: Array<[string, string]> = [
  ['Super dan, hvala', 'pos'],
  ['Odlično, bravo', 'pos'],
  ['Lepo je bilo', 'pos'],
  ['Grozno in žalostno', 'neg'],
  ['To je sramota', 'neg'],
  ['Slabo vreme spet', 'neg'],
];

function jsonl(set: string, lang: string, split: string, rows: Array<[string, string]>): string {
  return (
    rows.map(([text, label]) => JSON.stringify({ text, label, lang, set, split })).join('\n') + '\n'
  );
}

function run(script: string, args: string[]): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts', script), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

beforeAll(() => {
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'tiny_en.train.jsonl'), jsonl('tiny_en', 'en', 'train', EN));
  writeFileSync(join(data, 'tiny_de.train.jsonl'), jsonl('tiny_de', 'de', 'train', DE));
  writeFileSync(join(data, 'tiny_sl.train.jsonl'), jsonl('tiny_sl', 'sl', 'train', SL));
  writeFileSync(
    join(data, 'tiny_en.dev.jsonl'),
    jsonl('tiny_en', 'en', 'dev', [
      ['Great game, love it', 'pos'],
      ['Thanks, what a happy day', 'pos'],
      ['I hate this terrible app', 'neg'],
      ['Sad news today', 'neg'],
      ['The bus leaves at 9', 'neu'],
      ['Monday is a holiday here', 'neu'],
    ]),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FAST = ['--bits', '12', '--folds', '2', '--epochs', '2'];

describe('npm run train:sentiment', () => {
  it('trains on a tiny fixture into a model the loader accepts, deterministically', () => {
    const a = join(tmp, 'model-a');
    const b = join(tmp, 'model-b');
    const log = run('train-sentiment.ts', ['--data', data, '--out', a, ...FAST]);
    expect(log).toMatch(/train rows: 27 \(de, en, sl\)/);
    expect(log).toMatch(/sl: 6 rows, classes neg\/pos/);
    // Slovenian has no neutral rows: the neutral gate is fitted on the languages that do.
    expect(log).toMatch(/neutral gate for sl; fitted on de, en/);
    expect(log).toMatch(/without en: 3-class macro-F1 \d\.\d{3}/);
    // The committed word-vector table is read; a head is tried where it knows the words.
    expect(log).toMatch(
      /en: word vectors know \d+ % of its words \(held out\); head alone cv macro-F1/,
    );
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8')) as {
      linear: { neutralGate?: { languages: Record<string, number>; weights: number[] } };
    };
    expect(Object.keys(manifest.linear.neutralGate?.languages ?? {})).toEqual(['sl']);
    // The fast tier's out-of-fold probabilities, for the accurate trainer: beside this model,
    // one row per training text, summing to 1 (never over the repository's own cache).
    const oof = JSON.parse(readFileSync(join(a, 'fast-oof', 'tiny_en.train.json'), 'utf8')) as {
      p: number[][];
    };
    expect(oof.p).toHaveLength(EN.length);
    for (const p of oof.p) expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 3);
    run('train-sentiment.ts', ['--data', data, '--out', b, ...FAST]);
    for (const f of ['linear.bin', 'manifest.json', 'lexicons.json', 'curated.json']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    const scorer = loadSentimentScorer({ modelDir: a });
    const s = scorer.score('I love this, it is great', 'en');
    expect(s.model.version).toBe('3.1.0');
    const sl = scorer.score('Super dan, hvala', 'sl');
    expect(['pos', 'neu', 'neg']).toContain(sl.label);
    expect(['pos', 'neu', 'neg']).toContain(s.label);
    expect(s.explanation.length).toBeGreaterThan(0);
    // A language with a lexicon but no training data falls back to the rules.
    expect(scorer.score('È fantastico', 'it').label).toBe('pos');
  }, 60_000);

  it('the evaluation script runs on it and prints the table without touching the docs', () => {
    const model = join(tmp, 'model-a');
    const out = run('eval-sentiment.ts', ['--data', data, '--model', model, '--no-write']);
    expect(out).toMatch(/\| tiny_en \| 6 /);
    expect(out).toMatch(/vader-sentiment/);
    expect(out).toMatch(/Language identification on the same dev files/);
    expect(out).toMatch(/\| en \(held out\) \| \d\.\d{3} \|/);
  }, 60_000);
});
