import type { Store } from '../port.ts';
import { fromClickHouseTime, toClickHouseTime } from '../time.ts';
import { currentEngagement, recordedEngagement } from './engagement.ts';
import { resolvedTopic, survivingLabel, TOPIC_ALIASES } from './topic-aliases.ts';

/** "Why it fired", beyond the numbers: what people talked about and the loudest complaints. */

export interface AlertContextQuery {
  workspace: string;
  brand: string;
  from: Date;
  to: Date;
  limit?: number;
}

export interface AlertTopic {
  label: string;
  volume: number;
  negative: number;
}

export interface AlertMention {
  id: string;
  source: string;
  url: string | null;
  created_at: string;
  author_handle: string | null;
  engagement: number;
  /** The first 280 characters: enough to recognise the complaint in a chat message. */
  text: string;
}

export interface AlertContext {
  top_topics: AlertTopic[];
  top_negative_mentions: AlertMention[];
}

export async function alertContext(store: Store, q: AlertContextQuery): Promise<AlertContext> {
  const params = {
    workspace: q.workspace,
    brand: q.brand,
    from: toClickHouseTime(q.from),
    to: toClickHouseTime(q.to),
    limit: q.limit ?? 5,
  };

  const inScope = `workspace = {workspace:String} AND brand = {brand:String}
        AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}`;
  const inWindow = `SELECT mention_id FROM brand_mentions FINAL WHERE ${inScope}`;
  const now = currentEngagement('m', 'rec');
  const topics = await store.query<AlertTopic>(
    // brand_mentions: the brand's own topics (a post other workspaces match has theirs too).
    // By topic after merges (one story under two ids is one topic, under the label of the one
    // it merged into), then by label: topics that only share a label read as one line.
    `SELECT label, sum(n) AS volume, sum(n_neg) AS negative
      FROM (WITH ${TOPIC_ALIASES}
            SELECT ${resolvedTopic('topic_id')} AS id,
                   ${survivingLabel('topic_id', 'topic_label', 'created_at')} AS label,
                   count() AS n, countIf(sentiment_label = 'neg') AS n_neg
            FROM brand_mentions FINAL
            ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
            WHERE ${inScope}
            GROUP BY id)
      GROUP BY label
      ORDER BY volume DESC, label
      LIMIT {limit:UInt32}`,
    params,
  );
  const mentions = await store.query<AlertMention>(
    `SELECT m.id AS id, m.source AS source, m.url AS url, m.created_at AS created_at,
        m.author_handle AS author_handle,
        ${now.likes} + ${now.reposts} + ${now.replies} AS engagement, substring(m.text, 1, 280) AS text
      FROM (SELECT id, source, url, created_at, author_handle, likes, reposts, replies, text
            FROM mentions FINAL
            WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
              AND sentiment_label = 'neg'
              AND id IN (${inWindow})) AS m
      LEFT JOIN ${recordedEngagement(inScope)} AS rec ON rec.mention_id = m.id
      ORDER BY engagement DESC, created_at DESC, id
      LIMIT {limit:UInt32}`,
    params,
  );
  return {
    top_topics: topics.map((t) => ({
      label: t.label,
      volume: Number(t.volume),
      negative: Number(t.negative),
    })),
    top_negative_mentions: mentions.map((m) => ({
      ...m,
      created_at: fromClickHouseTime(m.created_at).toISOString(),
      engagement: Number(m.engagement),
    })),
  };
}
