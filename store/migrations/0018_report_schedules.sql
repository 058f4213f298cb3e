-- Scheduled reports created through the API (PUT /v1/report-schedules/{id}); those of the
-- config file live in earshot.config.yaml. One row per version of a schedule, the newest kept
-- (ReplacingMergeTree on version); a deletion is a newer row with deleted = 1.
CREATE TABLE IF NOT EXISTS report_schedules
(
    workspace LowCardinality(String),
    id String,
    -- The schedule as given (core/report-schedule.ts validates it on the way in and out).
    schedule String,
    deleted UInt8,
    updated_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace, id);
