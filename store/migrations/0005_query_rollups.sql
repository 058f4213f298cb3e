-- Rollups shaped like the questions the API asks most, so each answer reads a few hundred
-- rows instead of tens of thousands (issue 6: p95 ≤ 20 ms at 10 M mentions).
-- Tables with author sketches (several KiB per row) use small index granules: the engine
-- deserializes whole granules, and at the default 8,192 rows one day's 24 hourly sketches
-- cost reading a month of them (authors for 24 h: 11.4 → 4.1 ms at 32 rows per granule). Same pattern as
-- brand_hourly: materialized views on brand_mentions, merged on merge, filled in the same
-- insert. Each is backfilled once, only while it is empty; migrations run before the sink
-- starts, so no insert races a view here.

-- 15-minute rollup per brand × source × language: sub-hour buckets (the API picks 15 min for
-- spans up to 12 h) without reading raw rows with FINAL. Same measures as brand_hourly.
CREATE TABLE IF NOT EXISTS brand_quarter_hourly
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    quarter_hour DateTime('UTC'),
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
    followers UInt64,
    -- Distinct authors: uniqCombined(13) sketches (see brand_totals_hourly for why this one).
    authors AggregateFunction(uniqCombined(13), Nullable(String))
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(quarter_hour)
ORDER BY (workspace, brand, quarter_hour, source, lang)
SETTINGS non_replicated_deduplication_window = 1000, index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_quarter_hourly_mv TO brand_quarter_hourly AS
SELECT
    workspace,
    brand,
    toStartOfFifteenMinutes(created_at) AS quarter_hour,
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
    uniqCombinedState(13)(author_id) AS authors
FROM brand_mentions
GROUP BY workspace, brand, quarter_hour, source, lang;

INSERT INTO brand_quarter_hourly
SELECT
    workspace,
    brand,
    toStartOfFifteenMinutes(created_at) AS quarter_hour,
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
    uniqCombinedState(13)(author_id) AS authors
FROM brand_mentions FINAL
WHERE (SELECT count() FROM brand_quarter_hourly) = 0
GROUP BY workspace, brand, quarter_hour, source, lang;

-- Per brand and hour without the source × language split: the sums of brand_hourly (what an
-- unfiltered comparison reads: 28× fewer rows at 4 sources × 7 languages) and a distinct-author
-- sketch. With brand_authors_daily below, a period's authors are merged from whole days, then
-- whole hours, then quarter hours at its edges, so a 7-day health call merges 2–30 sketches
-- instead of ~9,000. uniqCombined(13) rather than brand_hourly's `uniq`: it merges an order of
-- magnitude faster (a fixed 6 KiB register array once a set is large), at a price: it is exact
-- only up to a few hundred values (256 to 512, measured; `uniq` keeps up to 65,536 hashes),
-- with a standard error of about 1.2 % above. AggregatingMergeTree with SimpleAggregateFunction
-- sums, not SummingMergeTree: the backfill writes sums and sketches as separate rows, and
-- SummingMergeTree drops rows whose sums are all zero.
CREATE TABLE IF NOT EXISTS brand_totals_hourly
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    hour DateTime('UTC'),
    volume SimpleAggregateFunction(sum, UInt64),
    positive SimpleAggregateFunction(sum, UInt64),
    neutral SimpleAggregateFunction(sum, UInt64),
    negative SimpleAggregateFunction(sum, UInt64),
    unscored SimpleAggregateFunction(sum, UInt64),
    sentiment_sum SimpleAggregateFunction(sum, Float64),
    likes SimpleAggregateFunction(sum, UInt64),
    reposts SimpleAggregateFunction(sum, UInt64),
    replies SimpleAggregateFunction(sum, UInt64),
    followers SimpleAggregateFunction(sum, UInt64),
    authors AggregateFunction(uniqCombined(13), Nullable(String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace, brand, hour)
SETTINGS non_replicated_deduplication_window = 1000, index_granularity = 32;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_totals_hourly_mv TO brand_totals_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
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
    uniqCombinedState(13)(author_id) AS authors
FROM brand_mentions
GROUP BY workspace, brand, hour;

-- Backfill, sums: from brand_hourly (it keeps more history than raw rows, and these must
-- equal its sums).
INSERT INTO brand_totals_hourly
    (workspace, brand, hour, volume, positive, neutral, negative, unscored, sentiment_sum, likes,
     reposts, replies, followers)
SELECT
    workspace,
    brand,
    hour,
    sum(volume),
    sum(positive),
    sum(neutral),
    sum(negative),
    sum(unscored),
    sum(sentiment_sum),
    sum(likes),
    sum(reposts),
    sum(replies),
    sum(followers)
FROM brand_hourly
WHERE (SELECT count() FROM brand_totals_hourly) = 0
GROUP BY workspace, brand, hour;

-- Backfill, sketches: from raw rows (`uniq` sketches cannot be converted), so authors of hours
-- whose raw rows had already expired (STORE_RETENTION_DAYS) are not in the sketches. Runs
-- while no sketch holds an author yet (the rows above carry empty ones; merging only empty
-- sketches gives NULL).
INSERT INTO brand_totals_hourly (workspace, brand, hour, authors)
SELECT workspace, brand, toStartOfHour(created_at) AS hour, uniqCombinedState(13)(author_id)
FROM brand_mentions FINAL
WHERE ifNull((SELECT uniqCombinedMerge(13)(authors) FROM brand_totals_hourly), 0) = 0
GROUP BY workspace, brand, hour;

CREATE TABLE IF NOT EXISTS brand_authors_daily
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    day DateTime('UTC'),
    authors AggregateFunction(uniqCombined(13), Nullable(String))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (workspace, brand, day)
SETTINGS non_replicated_deduplication_window = 1000, index_granularity = 32;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_authors_daily_mv TO brand_authors_daily AS
SELECT workspace, brand, toStartOfDay(created_at) AS day, uniqCombinedState(13)(author_id) AS authors
FROM brand_mentions
GROUP BY workspace, brand, day;

INSERT INTO brand_authors_daily
SELECT workspace, brand, toStartOfDay(hour) AS day, uniqCombinedMergeState(13)(authors) AS authors
FROM brand_totals_hourly
WHERE (SELECT count() FROM brand_authors_daily) = 0
GROUP BY workspace, brand, day;

-- Topics per brand and hour without the source × language split (brand_topics_hourly keeps
-- it for filtered questions): ~40× fewer rows for the unfiltered topics call.
CREATE TABLE IF NOT EXISTS brand_topic_totals_hourly
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    hour DateTime('UTC'),
    topic_id String,
    topic_label SimpleAggregateFunction(anyLast, String),
    volume UInt64,
    positive UInt64,
    neutral UInt64,
    negative UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace, brand, hour, topic_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_topic_totals_hourly_mv TO brand_topic_totals_hourly AS
SELECT
    workspace,
    brand,
    toStartOfHour(created_at) AS hour,
    topic_id,
    anyLast(topic_label) AS topic_label,
    count() AS volume,
    countIf(sentiment_label = 'pos') AS positive,
    countIf(sentiment_label = 'neu') AS neutral,
    countIf(sentiment_label = 'neg') AS negative
FROM brand_mentions
ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
GROUP BY workspace, brand, hour, topic_id;

INSERT INTO brand_topic_totals_hourly
SELECT
    workspace,
    brand,
    hour,
    topic_id,
    anyLast(topic_label) AS topic_label,
    sum(volume) AS volume,
    sum(positive) AS positive,
    sum(neutral) AS neutral,
    sum(negative) AS negative
FROM brand_topics_hourly
WHERE (SELECT count() FROM brand_topic_totals_hourly) = 0
GROUP BY workspace, brand, hour, topic_id;
