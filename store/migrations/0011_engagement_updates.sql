-- Late engagement. Likes, reposts and replies keep growing after a post is first fetched
-- (Bluesky's firehose carries none at all), so connectors re-read them (ingest/refresh/) and
-- the sink records what grew here, one row per (mention, brand) and observation:
--   * the new totals (`*_total`, `views_total`): a mention's engagement now is the greatest of
--     its stored row's and every total recorded here (totals only ever grow in this table);
--   * the growth since the last observation (`likes`, `reposts`, `replies`), which the views
--     below add to the rollups, which cannot replace a row, only add to it.
-- One insert carries both, so a crash either stored an observation whole or not at all; a
-- redelivered one then finds the totals already recorded and adds nothing (store/sink/).
-- The mention tables themselves are never rewritten: their views would count the mention again.
CREATE TABLE IF NOT EXISTS engagement_updates
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    mention_id String,
    created_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    lang LowCardinality(String),
    likes UInt64,
    reposts UInt64,
    replies UInt64,
    likes_total UInt64,
    reposts_total UInt64,
    replies_total UInt64,
    views_total Nullable(UInt64),
    observed_at DateTime64(3, 'UTC'),
    -- The sink and the mention feed look rows up by mention id; queries by brand and time
    -- (top authors, the most engaged) use the sort order.
    INDEX mention_id_bloom mention_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(created_at)
ORDER BY (workspace, brand, created_at, mention_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- The growth, added to the rollups that sum engagement (other measures stay 0: these rows are
-- not mentions; the author sketches get empty states).
CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_updates_hourly_mv TO brand_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
    source,
    lang,
    sum(likes) AS likes,
    sum(reposts) AS reposts,
    sum(replies) AS replies
FROM engagement_updates
GROUP BY workspace, brand, hour, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_updates_quarter_hourly_mv TO brand_quarter_hourly AS
SELECT
    workspace,
    brand,
    toStartOfFifteenMinutes(created_at) AS quarter_hour,
    source,
    lang,
    sum(likes) AS likes,
    sum(reposts) AS reposts,
    sum(replies) AS replies
FROM engagement_updates
GROUP BY workspace, brand, quarter_hour, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_updates_totals_hourly_mv TO brand_totals_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
    sum(likes) AS likes,
    sum(reposts) AS reposts,
    sum(replies) AS replies
FROM engagement_updates
GROUP BY workspace, brand, hour;
