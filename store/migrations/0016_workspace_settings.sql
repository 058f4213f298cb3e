-- Brands and sources made from the API or the dashboard (earshot.config.yaml keeps its own):
-- one row per change, the newest `version` wins (ReplacingMergeTree), a deletion is a row with
-- `deleted`. `version` is a millisecond clock made strictly increasing by the writer, and
-- max(version) is the configuration's version: every process polls it to apply a change
-- without a restart (cli/settings-sync.ts).
CREATE TABLE IF NOT EXISTS workspace_settings
(
    workspace LowCardinality(String),
    kind LowCardinality(String),
    id String,
    -- The item as JSON, in the shape earshot.config.yaml gives it (a brand, a source's options).
    body String,
    deleted Bool,
    version UInt64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace, kind, id);
