import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K } from '../../enrich/sentiment/linear.ts';
import type { LabelledRow } from './data.ts';

/**
 * The fast tier's out-of-fold class probabilities on the train splits, as the runtime computes
 * them (text model, combiner or temperature, neutral gate) but from text-model logits of the
 * model that did not see the row. `npm run train:sentiment` writes them while training the fast
 * tier; the accurate tier's trainer reads them to choose, per language, how much weight the fast
 * tier gets in the combination (its in-sample probabilities on train would overrate it).
 *
 * One file per train split file, `<set>.train.json`: a hash of the set's texts and, per JSONL
 * row, [P(neg), P(neu), P(pos)] (null for a row the fast tier did not train on).
 */
export const FAST_OOF_DIR = new URL('../../.cache/sentiment-fast-oof/', import.meta.url).pathname;

function textsHash(rows: readonly LabelledRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(r.text).update('\u0000');
  return h.digest('hex');
}

/** `rows`: the fast tier's training rows in order; `probs(i, out)` writes row i's probabilities. */
export function writeFastOutOfFold(
  dir: string,
  rows: readonly LabelledRow[],
  probs: (i: number, out: Float64Array) => void,
): void {
  mkdirSync(dir, { recursive: true });
  const bySet = new Map<string, { texts: LabelledRow[]; p: number[][] }>();
  const out = new Float64Array(K);
  rows.forEach((r, i) => {
    const s = bySet.get(r.set) ?? { texts: [], p: [] };
    bySet.set(r.set, s);
    probs(i, out);
    s.texts.push(r);
    s.p.push(Array.from(out, (v) => Math.round(v * 1e5) / 1e5));
  });
  for (const [set, s] of bySet) {
    writeFileSync(
      join(dir, `${set}.train.json`),
      JSON.stringify({ hash: textsHash(s.texts), p: s.p }) + '\n',
    );
  }
}

/**
 * The cached probabilities of one set's train rows (all of its JSONL rows, in order), or null
 * when there are none or they belong to other texts (a changed data file).
 */
export function readFastOutOfFold(
  dir: string,
  set: string,
  rows: readonly LabelledRow[],
): Float64Array[] | null {
  const path = join(dir, `${set}.train.json`);
  if (!existsSync(path)) return null;
  const m = JSON.parse(readFileSync(path, 'utf8')) as { hash: string; p: number[][] };
  if (m.hash !== textsHash(rows) || m.p.length !== rows.length) return null;
  return m.p.map((p) => Float64Array.from(p));
}
