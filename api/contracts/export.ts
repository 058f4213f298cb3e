import { z } from 'zod';
import { SentimentLabelSchema } from '../../core/contracts/mention.ts';

/** An empty cell (CSV has no null) or a number. */
const OptionalNumber = z.union([z.literal('').transform(() => null), z.coerce.number()]);
/** A boolean as the CSV writes it. */
const CsvBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * One row of `GET /v1/export/mentions.csv` (and `.xlsx`), as the file's columns in order (the
 * header line is these names). Values are CSV text; the schema says what each column holds
 * once read (numbers as numbers). Used by the route for its columns, by the OpenAPI document
 * and by the API tests, which read every row of a real export with it.
 */
export const ExportRow = z.object({
  id: z.string(),
  created_at: z.iso.datetime(),
  source: z.string(),
  lang: z.string(),
  author: z.string().describe('handle, empty when the source has none'),
  author_name: z.string().describe('display name, empty when the source has none'),
  followers: OptionalNumber.describe("the author's followers, empty when the source has none"),
  reach_estimate: z.coerce.number().describe("one mention's reach: its author's followers"),
  url: z.string(),
  sentiment: SentimentLabelSchema,
  sentiment_score: z.coerce.number(),
  sentiment_confidence: OptionalNumber,
  sentiment_model: z.string().describe('the model (and tier) that scored it, or "given"'),
  likes: z.coerce.number().int().nonnegative(),
  reposts: z.coerce.number().int().nonnegative(),
  replies: z.coerce.number().int().nonnegative(),
  engagement: z.coerce.number().describe('weighted engagement (ENGAGEMENT_WEIGHTS)'),
  owned: CsvBoolean.describe("posted by one of the brand's own accounts"),
  topics: z.string().describe('topic labels joined by "; "'),
  title: z.string(),
  text: z.string(),
});
export type ExportRow = z.infer<typeof ExportRow>;

/** The file's columns, in order. */
export const EXPORT_COLUMNS = Object.keys(ExportRow.shape) as Array<keyof ExportRow>;
