-- Owned mentions: kept for a brand because they are by, or answer, one of its own accounts
-- (`owned` in the config), whether or not its watch query matched. `brand_owned` runs parallel
-- to brand_ids; rows written without it (older writers) default to "not owned" for every brand,
-- so the ARRAY JOIN below always sees arrays of one length.
ALTER TABLE mentions
    ADD COLUMN IF NOT EXISTS brand_owned Array(Bool) DEFAULT arrayMap(x -> false, brand_ids);

ALTER TABLE brand_mentions ADD COLUMN IF NOT EXISTS owned Bool DEFAULT false;

-- The view that fills brand_mentions carries the flag from now on. Migrations run before any
-- sink writes, so no insert falls between the drop and the create.
DROP VIEW IF EXISTS brand_mentions_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_mentions_mv TO brand_mentions AS
SELECT
    workspace,
    brand,
    created_at,
    id AS mention_id,
    query_id,
    matched_terms,
    owned,
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
    -- Each brand keeps its own topics (0014_topics_per_brand.sql).
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
    brand_terms AS matched_terms,
    brand_owned AS owned;
