import { z } from 'zod';

/**
 * Corrections as labelled data for retraining (`earshot export corrections`): per workspace and
 * mention, the label in force (the last correction, unless it was reverted), the text and
 * language, and what the model had said. One read-only query, so the command runs the same
 * against its own store or, through the admin endpoint, a running `earshot start`.
 */
export const CORRECTIONS_SQL = `SELECT c.workspace AS workspace, c.mention_id AS id, m.text AS text, m.lang AS lang,
    c.label AS label, c.original_label AS original_label, c.original_score AS original_score,
    c.original_model AS original_model, c.key_id AS key_id, c.key_name AS key_name, c.last_at AS at
  FROM (
    SELECT workspace, mention_id, argMax(label, at) AS label, argMax(original_label, at) AS original_label,
      argMax(original_score, at) AS original_score, argMax(original_model, at) AS original_model,
      argMax(key_id, at) AS key_id, argMax(key_name, at) AS key_name, max(at) AS last_at
    FROM sentiment_corrections
    GROUP BY workspace, mention_id
  ) AS c
  INNER JOIN (
    SELECT id, text, lang FROM mentions
    WHERE id IN (SELECT mention_id FROM sentiment_corrections)
    ORDER BY id, version DESC LIMIT 1 BY id
  ) AS m ON m.id = c.mention_id
  WHERE c.label != ''
  ORDER BY c.workspace, c.last_at, c.mention_id`;

const Row = z.object({
  workspace: z.string(),
  id: z.string(),
  text: z.string(),
  lang: z.string(),
  label: z.enum(['pos', 'neu', 'neg']),
  original_label: z.string(),
  original_score: z.coerce.number(),
  original_model: z.string(),
  key_id: z.string(),
  key_name: z.string(),
  at: z.string(),
});

/** One labelled example, as written to JSONL. */
export interface CorrectionRecord {
  workspace: string;
  id: string;
  text: string;
  lang: string;
  /** The person's label: what a model should learn. */
  label: 'pos' | 'neu' | 'neg';
  original_label: string;
  original_score: number;
  /** The model that gave the original label ("<name>@<version>", or "given"). */
  model: string;
  corrected_by: string;
  corrected_at: string;
}

/** The query's JSONEachRow answer as records, of one workspace when given. */
export function correctionRecords(jsonl: string, workspace?: string): CorrectionRecord[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Row.parse(JSON.parse(line)))
    .filter((r) => workspace === undefined || r.workspace === workspace)
    .map((r) => ({
      workspace: r.workspace,
      id: r.id,
      text: r.text,
      lang: r.lang,
      label: r.label,
      original_label: r.original_label,
      original_score: Math.round(r.original_score * 1000) / 1000,
      model: r.original_model,
      corrected_by: r.key_name ? `${r.key_name} (${r.key_id})` : r.key_id,
      corrected_at: new Date(/Z$/.test(r.at) ? r.at : `${r.at.replace(' ', 'T')}Z`).toISOString(),
    }));
}
