import { z } from 'zod';
import { SentimentLabelSchema } from '../../core/contracts/mention.ts';

/**
 * One row of `GET /v1/export/mentions.csv`, as the CSV's columns in order (the header line
 * is these names). Values are CSV text; the schema says what each column holds once read
 * (numbers as numbers). Used by the route for its columns, by the OpenAPI document and by the
 * API tests, which read every row of a real export with it.
 */
export const ExportRow = z.object({
  id: z.string(),
  created_at: z.iso.datetime(),
  source: z.string(),
  lang: z.string(),
  author: z.string().describe('handle, empty when the source has none'),
  url: z.string(),
  sentiment: SentimentLabelSchema,
  sentiment_score: z.coerce.number(),
  likes: z.coerce.number().int().nonnegative(),
  reposts: z.coerce.number().int().nonnegative(),
  replies: z.coerce.number().int().nonnegative(),
  topics: z.string().describe('topic labels joined by "; "'),
  text: z.string(),
});
export type ExportRow = z.infer<typeof ExportRow>;

/** The CSV's columns, in order. */
export const EXPORT_COLUMNS = Object.keys(ExportRow.shape) as Array<keyof ExportRow>;
