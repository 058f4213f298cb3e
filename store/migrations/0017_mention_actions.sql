-- What people do to mentions, per workspace: correct a sentiment, tag, hide, bookmark, mute an
-- author or a domain (store/actions/). Mentions and their rollups are never rewritten (their
-- views would count a mention again); instead, every change that moves a number becomes rows
-- of `metric_adjustments`: signed deltas per (mention, brand), which the views below add to
-- every rollup, as engagement_updates adds late engagement (migration 0011).
--
-- Exactly once: an action computes its delta as (what the mention should count now) − (what it
-- counts now: its stored row + recorded engagement growth + the sum of its earlier
-- adjustments), under a per-workspace lock (store/actions/lock.ts). A second correction, a
-- revert, a hide after a mute each move the mention once, whatever came before.
--
-- The rollups hold UInt64 sums. A negative delta lands as its two's complement and sums wrap
-- modulo 2^64, so every sum over a bucket (merges, sum() in queries) is exact as long as the
-- true total is not negative, which it never is: a mention only ever removes what it added.
CREATE TABLE IF NOT EXISTS metric_adjustments
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    mention_id String,
    created_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    lang LowCardinality(String),
    topic_ids Array(String),
    topic_labels Array(String),
    volume Int64,
    positive Int64,
    neutral Int64,
    negative Int64,
    unscored Int64,
    sentiment_sum Float64,
    likes Int64,
    reposts Int64,
    replies Int64,
    followers Int64,
    reason LowCardinality(String),
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace, mention_id, brand, at);

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_hourly_mv TO brand_hourly AS
SELECT
    workspace, brand, toStartOfHour(created_at) AS hour, source, lang,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative, sum(unscored) AS unscored, sum(sentiment_sum) AS sentiment_sum,
    sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies,
    sum(followers) AS followers
FROM metric_adjustments
GROUP BY workspace, brand, hour, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_quarter_hourly_mv TO brand_quarter_hourly AS
SELECT
    workspace, brand, toStartOfFifteenMinutes(created_at) AS quarter_hour, source, lang,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative, sum(unscored) AS unscored, sum(sentiment_sum) AS sentiment_sum,
    sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies,
    sum(followers) AS followers
FROM metric_adjustments
GROUP BY workspace, brand, quarter_hour, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_totals_hourly_mv TO brand_totals_hourly AS
SELECT
    workspace, brand, toStartOfHour(created_at) AS hour,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative, sum(unscored) AS unscored, sum(sentiment_sum) AS sentiment_sum,
    sum(likes) AS likes, sum(reposts) AS reposts, sum(replies) AS replies,
    sum(followers) AS followers
FROM metric_adjustments
GROUP BY workspace, brand, hour;

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_minutely_mv TO brand_minutely AS
SELECT
    workspace, brand, toStartOfMinute(created_at) AS minute, source, lang,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative
FROM metric_adjustments
GROUP BY workspace, brand, minute, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_topics_hourly_mv TO brand_topics_hourly AS
SELECT
    workspace, brand, toStartOfHour(created_at) AS hour, topic_id, source, lang,
    anyLast(topic_label) AS topic_label,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative
FROM metric_adjustments
ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
GROUP BY workspace, brand, hour, topic_id, source, lang;

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_adjustments_topic_totals_hourly_mv TO brand_topic_totals_hourly AS
SELECT
    workspace, brand, toStartOfHour(created_at) AS hour, topic_id,
    anyLast(topic_label) AS topic_label,
    sum(volume) AS volume, sum(positive) AS positive, sum(neutral) AS neutral,
    sum(negative) AS negative
FROM metric_adjustments
ARRAY JOIN topic_ids AS topic_id, topic_labels AS topic_label
GROUP BY workspace, brand, hour, topic_id;

-- A mention's state in a workspace, as people left it: its corrected label ('' = the model's),
-- tags, hidden, bookmarked, and whether a mute covers it (kept current by the actions and by
-- the sink for new mentions of a muted author or domain). `counted` = neither hidden nor
-- muted. The feed and the raw-row queries read this; the rollups read the adjustments above.
CREATE TABLE IF NOT EXISTS mention_overrides
(
    workspace LowCardinality(String),
    mention_id String,
    label LowCardinality(String),
    tags Array(String),
    hidden Bool,
    bookmarked Bool,
    muted Bool,
    counted Bool,
    corrected_by String,
    corrected_at Nullable(DateTime64(3, 'UTC')),
    updated_by String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (workspace, mention_id);

-- Every sentiment correction, kept (who and when; the last one per mention is in force; a
-- revert is a row with label ''): the labelled data of `earshot export corrections`.
CREATE TABLE IF NOT EXISTS sentiment_corrections
(
    workspace LowCardinality(String),
    mention_id String,
    label LowCardinality(String),
    original_label LowCardinality(String),
    original_score Float32,
    original_model LowCardinality(String),
    key_id String,
    key_name String,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace, mention_id, at);

-- Muted authors (by author id, per source) and domains (of the mention's URL), per workspace.
-- Unmuting writes a newer row with muted = false.
CREATE TABLE IF NOT EXISTS mutes
(
    workspace LowCardinality(String),
    kind LowCardinality(String),
    value String,
    label String,
    muted Bool,
    key_id String,
    key_name String,
    at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(at)
ORDER BY (workspace, kind, value);
