-- Alert rules created through the API (rules from the config file live in the file). One row
-- per version: the highest `version` is the current rule; `deleted = 1` is a tombstone, so a
-- delete is an insert and the history stays auditable.
CREATE TABLE IF NOT EXISTS alert_rules
(
    workspace LowCardinality(String),
    id String,
    rule String,
    enabled Bool,
    deleted UInt8,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace, id);

-- One row per incident (one incident = one alert), replaced as it moves
-- open → updated → resolved or is acknowledged. `detection` and `peak` are the JSON numbers
-- that explain it; `context` holds the top topics and most engaged negative mentions (ids).
CREATE TABLE IF NOT EXISTS alert_incidents
(
    workspace LowCardinality(String),
    id String,
    rule_id String,
    brand LowCardinality(String),
    type LowCardinality(String),
    state LowCardinality(String),
    opened_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    last_firing_at DateTime64(3, 'UTC'),
    detection String,
    peak String,
    context String,
    updates UInt32,
    acked_at Nullable(DateTime64(3, 'UTC')),
    acked_by Nullable(String),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace, id);

-- Every event of every incident (the audit trail and what was delivered).
CREATE TABLE IF NOT EXISTS alert_events
(
    workspace LowCardinality(String),
    incident_id String,
    kind LowCardinality(String),
    at DateTime64(3, 'UTC'),
    brand LowCardinality(String),
    rule_id String,
    payload String
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace, incident_id, at, kind);

-- Delivery attempts per channel: `delivered`, or `dead_letter` when a channel kept failing
-- after every retry (the payload is kept so a person can resend it).
CREATE TABLE IF NOT EXISTS alert_deliveries
(
    workspace LowCardinality(String),
    incident_id String,
    kind LowCardinality(String),
    channel String,
    status LowCardinality(String),
    attempts UInt32,
    last_error String,
    payload String,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace, at, incident_id, channel);

-- Per-minute rollup per brand × source × language: the alert detector's input (windows of
-- 5 minutes and up need minute resolution; brand_hourly is too coarse). Same pattern as
-- brand_hourly: a materialized view on brand_mentions, summed on merge. Kept 60 days: the
-- baseline looks back at most four weeks plus a week of calibration.
CREATE TABLE IF NOT EXISTS brand_minutely
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    minute DateTime('UTC'),
    source LowCardinality(String),
    lang LowCardinality(String),
    volume UInt64,
    positive UInt64,
    neutral UInt64,
    negative UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (workspace, brand, minute, source, lang)
TTL minute + INTERVAL 60 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS brand_minutely_mv TO brand_minutely AS
SELECT
    workspace,
    brand,
    toStartOfMinute(created_at) AS minute,
    source,
    lang,
    count() AS volume,
    countIf(sentiment_label = 'pos') AS positive,
    countIf(sentiment_label = 'neu') AS neutral,
    countIf(sentiment_label = 'neg') AS negative
FROM brand_mentions
GROUP BY workspace, brand, minute, source, lang;

-- Backfill what was stored before this migration (once: only while the rollup is empty).
-- Migrations run before the sink starts, so no insert races the view here.
INSERT INTO brand_minutely
SELECT
    workspace,
    brand,
    toStartOfMinute(created_at) AS minute,
    source,
    lang,
    count() AS volume,
    countIf(sentiment_label = 'pos') AS positive,
    countIf(sentiment_label = 'neu') AS neutral,
    countIf(sentiment_label = 'neg') AS negative
FROM brand_mentions FINAL
WHERE created_at >= now() - INTERVAL 60 DAY
    AND (SELECT count() FROM brand_minutely) = 0
GROUP BY workspace, brand, minute, source, lang;
