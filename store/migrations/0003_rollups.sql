-- Hourly rollups per brand × source × language: what dashboards and alerts read. Filled by a
-- materialized view on brand_mentions (itself filled from mentions), in the same insert. The
-- sink never inserts a mention twice (it skips ids already stored), so sums stay exact.
CREATE TABLE IF NOT EXISTS brand_hourly
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    hour DateTime('UTC'),
    source LowCardinality(String),
    lang LowCardinality(String),
    volume UInt64,
    positive UInt64,
    neutral UInt64,
    negative UInt64,
    unscored UInt64,
    sentiment_sum Float64,
    likes UInt64,
    reposts UInt64,
    replies UInt64,
    -- Sum of author followers where the source tells them: the basis of the reach estimate.
    followers UInt64,
    -- Distinct authors (HyperLogLog-style sketch, exact for small sets): merged across rows.
    authors AggregateFunction(uniq, Nullable(String))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace, brand, hour, source, lang)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_hourly_mv TO brand_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
    source,
    lang,
    count() AS volume,
    countIf(sentiment_label = 'pos') AS positive,
    countIf(sentiment_label = 'neu') AS neutral,
    countIf(sentiment_label = 'neg') AS negative,
    countIf(sentiment_label = 'unscored') AS unscored,
    sumIf(sentiment_score, sentiment_label != 'unscored') AS sentiment_sum,
    sum(likes) AS likes,
    sum(reposts) AS reposts,
    sum(replies) AS replies,
    sum(ifNull(author_followers, 0)) AS followers,
    uniqState(author_id) AS authors
FROM brand_mentions
GROUP BY workspace, brand, hour, source, lang;

-- Topics per brand and hour, for top and trending topics over long ranges.
CREATE TABLE IF NOT EXISTS brand_topics_hourly
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    hour DateTime('UTC'),
    topic_id String,
    source LowCardinality(String),
    lang LowCardinality(String),
    topic_label SimpleAggregateFunction(anyLast, String),
    volume UInt64,
    positive UInt64,
    neutral UInt64,
    negative UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace, brand, hour, topic_id, source, lang)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_topics_hourly_mv TO brand_topics_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
    topic_id,
    source,
    lang,
    anyLast(topic_label) AS topic_label,
    count() AS volume,
    countIf(sentiment_label = 'pos') AS positive,
    countIf(sentiment_label = 'neu') AS neutral,
    countIf(sentiment_label = 'neg') AS negative
FROM brand_mentions
ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
GROUP BY workspace, brand, hour, topic_id, source, lang;
