import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `heads.json`: the accurate tier's trained part (training/sentiment/accurate.ts, written by
 * `npm run train:sentiment`): a shared head, per-language heads, temperatures, the languages
 * scored, and the leave-one-language-out figures. Each head is dims × 3 weights then 3 biases.
 */
const HeadSchema = z.array(z.number().finite());
const HashedFile = z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const HeadsSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  dims: z.number().int().min(1).max(4096),
  encoder: HashedFile,
  tokenizer: HashedFile,
  shared: z.object({
    head: HeadSchema,
    /** For languages with labelled data (fitted out of fold). */
    temperature: z.number().positive(),
    /** For languages without: fitted on held-out languages, so flatter (lower confidence). */
    unseenTemperature: z.number().positive(),
  }),
  languages: z.record(
    z.string(),
    z.object({
      head: HeadSchema,
      temperature: z.number().positive(),
      /** 'shared': P(neutral) from the shared head, pos/neg from this head. */
      neutral: z.enum(['own', 'shared']),
      /**
       * Weight of the fast tier's probabilities in the combination (a weighted geometric mean
       * with this head's): 0 = this head alone.
       */
      fastWeight: z.number().min(0).max(1).default(0),
    }),
  ),
  /** Languages scored with the shared head alone (no labelled data), lower confidence. */
  transfer: z.array(z.string()),
  training: z.unknown().optional(),
});
export type AccurateHeads = z.infer<typeof HeadsSchema>;

export function readHeads(dir: string): AccurateHeads {
  const path = join(dir, 'heads.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`sentiment accurate heads missing or unreadable: ${path}`, { cause });
  }
  const parsed = HeadsSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `sentiment accurate heads have an unexpected shape: ${path}: ${z.prettifyError(parsed.error)}`,
    );
  }
  const heads = parsed.data;
  const size = (heads.dims + 1) * 3;
  for (const [lang, h] of [['shared', heads.shared] as const, ...Object.entries(heads.languages)]) {
    if (h.head.length !== size) {
      throw new Error(
        `sentiment accurate head ${lang} has ${h.head.length} weights, expected ${size}: ${path}`,
      );
    }
  }
  return heads;
}

/** Checks a file named by heads.json against its sha256 (a half-copied model is an error). */
export function checkHashed(dir: string, f: { file: string; sha256: string }): string {
  const path = join(dir, f.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new Error(`sentiment accurate model file missing or unreadable: ${path}`, { cause });
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== f.sha256) {
    throw new Error(
      `sentiment accurate model file is corrupt (sha256 ${digest.slice(0, 12)}… ≠ heads.json): ${path}`,
    );
  }
  return path;
}
