-- One row per mention. ReplacingMergeTree on the mention id: a redelivered or re-enriched
-- mention replaces the older row (highest `version` wins), so at-least-once delivery never
-- double-counts once queries read with FINAL. Insert deduplication tokens (the window below)
-- additionally drop a repeated batch at insert time.
CREATE TABLE IF NOT EXISTS mentions
(
    id String,
    source LowCardinality(String),
    url Nullable(String),
    author_id Nullable(String),
    author_handle Nullable(String),
    author_name Nullable(String),
    author_followers Nullable(UInt64),
    text String,
    title Nullable(String),
    lang LowCardinality(String),
    lang_confidence Float32,
    lang_declared LowCardinality(Nullable(String)),
    created_at DateTime64(3, 'UTC'),
    fetched_at Nullable(DateTime64(3, 'UTC')),
    enriched_at DateTime64(3, 'UTC'),
    likes UInt64,
    reposts UInt64,
    replies UInt64,
    views Nullable(UInt64),
    parent_id Nullable(String),
    synthetic Bool,
    sentiment_label LowCardinality(String),
    sentiment_score Float32,
    sentiment_confidence Float32,
    sentiment_model LowCardinality(String),
    -- JSON array of {text,start,end,weight,kind}: the words that drove the score.
    sentiment_explanation String,
    emotion Nullable(String),
    brand_workspaces Array(LowCardinality(String)),
    brand_ids Array(LowCardinality(String)),
    brand_query_ids Array(String),
    brand_terms Array(Array(String)),
    topic_ids Array(String),
    topic_labels Array(String),
    keywords Array(String),
    hashtags Array(String),
    dup_group Nullable(String),
    spam_score Float32,
    spam_reasons Array(String),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY id
SETTINGS non_replicated_deduplication_window = 1000;

-- The grain of brand metrics: one row per (mention, brand), ordered for brand + time queries.
CREATE TABLE IF NOT EXISTS brand_mentions
(
    workspace LowCardinality(String),
    brand LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    mention_id String,
    query_id String,
    matched_terms Array(String),
    source LowCardinality(String),
    lang LowCardinality(String),
    sentiment_label LowCardinality(String),
    sentiment_score Float32,
    likes UInt64,
    reposts UInt64,
    replies UInt64,
    author_id Nullable(String),
    author_handle Nullable(String),
    author_followers Nullable(UInt64),
    author_name Nullable(String),
    topic_ids Array(String),
    topic_labels Array(String),
    dup_group Nullable(String),
    spam_score Float32,
    synthetic Bool,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY (workspace, brand, created_at, mention_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Fills brand_mentions from every insert into mentions, in the same insert.
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
    topic_ids,
    topic_labels,
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
