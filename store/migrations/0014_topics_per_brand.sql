-- Topics per brand. A post that brands of several workspaces match gets one topic per brand,
-- each from that brand's own clusters (its label is made of that brand's posts), so
-- brand_mentions, and the topic rollups built from it, keep only the brand's own: one
-- workspace never sees another's topic labels. topic_brands[i] is the "workspace/brand" of
-- topic_ids[i]; rows without it (stored before) are '' and every brand keeps them, as before.
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS topic_brands Array(String) AFTER topic_labels;

DROP VIEW IF EXISTS brand_mentions_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_mentions_mv TO brand_mentions AS
SELECT
    workspace,
    brand,
    created_at,
    id AS mention_id,
    query_id,
    matched_terms,
    source,
    lang,
    sentiment_label,
    sentiment_score,
    likes,
    reposts,
    replies,
    author_id,
    author_handle,
    author_followers,
    author_name,
    -- Out-of-range topic_brands[i] is '' (ClickHouse gives the default), so a row without
    -- topic_brands keeps every topic.
    arrayFilter(
        (t, i) -> mentions.topic_brands[i] = '' OR mentions.topic_brands[i] = concat(workspace, '/', brand),
        mentions.topic_ids, arrayEnumerate(mentions.topic_ids)) AS topic_ids,
    arrayFilter(
        (t, i) -> mentions.topic_brands[i] = '' OR mentions.topic_brands[i] = concat(workspace, '/', brand),
        mentions.topic_labels, arrayEnumerate(mentions.topic_labels)) AS topic_labels,
    dup_group,
    spam_score,
    synthetic,
    version
FROM mentions
ARRAY JOIN
    brand_workspaces AS workspace,
    brand_ids AS brand,
    brand_query_ids AS query_id,
    brand_terms AS matched_terms;
