import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Reading the labelled sentiment data (`../shared/data/sentiment/*.jsonl`, see its README).
 * Shared by the training and evaluation scripts so both parse the same way.
 */
export const LabelledRowSchema = z.object({
  text: z.string(),
  label: z.enum(['pos', 'neu', 'neg']),
  lang: z.string(),
  set: z.string(),
  split: z.enum(['train', 'dev']),
});
export type LabelledRow = z.infer<typeof LabelledRowSchema>;

export const DEFAULT_DATA_DIR = new URL('../../../shared/data/sentiment/', import.meta.url)
  .pathname;

export function readJsonl(path: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parsed = LabelledRowSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${z.prettifyError(parsed.error)}`);
    rows.push(parsed.data);
  }
  return rows;
}

/** Every file of one split in a data directory, as `{ set, rows }` sorted by set name. */
export function readSplit(
  dir: string,
  split: 'train' | 'dev',
): Array<{ set: string; rows: LabelledRow[] }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${split}.jsonl`))
    .sort()
    .map((f) => ({ set: f.slice(0, -`.${split}.jsonl`.length), rows: readJsonl(join(dir, f)) }));
}
