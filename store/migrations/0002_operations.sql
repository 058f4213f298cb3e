-- Dead letters of every topic, so nothing invalid is lost and a person can look at it.
CREATE TABLE IF NOT EXISTS dead_letters
(
    dlq_topic LowCardinality(String),
    dlq_partition UInt32,
    dlq_offset UInt64,
    source_topic LowCardinality(String),
    source_offset Nullable(String),
    stage LowCardinality(String),
    error_code LowCardinality(String),
    reason String,
    payload String,
    failed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
-- failed_at (set once, when the dead letter is produced) keeps keys unique across restarts of
-- the in-process bus, whose offsets start again at 0.
ORDER BY (dlq_topic, failed_at, dlq_partition, dlq_offset);

-- Resume points of the source connectors (see core/cursor-store.ts for why here).
CREATE TABLE IF NOT EXISTS source_cursors
(
    source LowCardinality(String),
    key String,
    value String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (source, key);

-- Snapshots of stateful enrichment (topic clusters, dedup index) so restarts keep them.
CREATE TABLE IF NOT EXISTS enrich_state
(
    key String,
    value String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key;
