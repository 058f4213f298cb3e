import { z } from 'zod';
import { DEFAULT_NEGATED_FACTOR } from './embedding.ts';
import { DENSE_SIZE } from './features.ts';
import { CLASSES, COMBINER_INPUTS, HEAD_OFFSET, K } from './linear.ts';
import { GATE_INPUTS } from './neutral.ts';

/**
 * The model's manifest (`model/manifest.json`) and the shapes of its JSON files: one schema that
 * the scorer reads with and `npm run train:sentiment` (training/sentiment) validates with before
 * it writes, so a trainer can never write a manifest its reader refuses.
 */
export const ManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  languages: z.array(z.string()).min(1),
  files: z.object({
    lexicons: z.string(),
    curated: z.string(),
    emoji: z.string(),
    emoticons: z.string(),
  }),
  /** The trained model; absent → rules only. */
  linear: z
    .object({
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bits: z.number().int().min(8).max(24),
      charMin: z.number().int().min(0).max(8),
      charMax: z.number().int().min(0).max(8),
      wordBigrams: z.boolean(),
      charWeight: z.number().nonnegative(),
      charShared: z.boolean().default(false),
      prefix: z.number().int().min(0).max(12).default(0),
      sparseScale: z.number().positive(),
      dense: z.array(z.number().finite()).length(DENSE_SIZE * K),
      temperatures: z.record(z.string(), z.number().positive()),
      languages: z.record(z.string(), z.array(z.enum(CLASSES))),
      combiners: z
        .record(
          z.string(),
          // Models before 2.3.0 have no word-vector head inputs (3 fewer rows of weights).
          z
            .array(z.number().finite())
            .refine((c) => c.length === COMBINER_INPUTS * K || c.length === HEAD_OFFSET * K, {
              message: `expected ${COMBINER_INPUTS * K} (or ${HEAD_OFFSET * K}) weights`,
            }),
        )
        .default({}),
      /** Static word vectors (embedding.ts) and the languages' heads over them. */
      embeddings: z
        .object({
          file: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          dims: z.number().int().min(1).max(4096),
          /** How a negated word enters the mean (embedding.ts DEFAULT_NEGATED_FACTOR). */
          negatedFactor: z.number().min(-1).max(1).default(DEFAULT_NEGATED_FACTOR),
          source: z.string().optional(),
        })
        .optional(),
      heads: z.record(z.string(), z.array(z.number().finite())).default({}),
      /** The neutral gate (neutral.ts) and the languages it decides neutral for. */
      neutralGate: z
        .object({
          weights: z.array(z.number().finite()).length(GATE_INPUTS),
          languages: z.record(z.string(), z.number().positive()),
        })
        .optional(),
    })
    .optional(),
});
export type SentimentManifest = z.infer<typeof ManifestSchema>;

export const ValenceTableSchema = z.record(z.string(), z.number().finite());
export const LexiconsFileSchema = z.record(z.string(), ValenceTableSchema);
