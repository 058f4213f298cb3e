-- Retention of the alert detector's per-minute rollup is the settings' job alone
-- (STORE_ROLLUP_RETENTION_DAYS, applied by processes that start the pipeline; 0 keeps it
-- forever). Migration 0010 gave brand_minutely a fixed 60-day TTL, which a process that only
-- migrates and inserts (`earshot import`, `earshot migrate`) kept: imported history older than
-- 60 days, the very baseline an import is for, was dropped at the next merge.
--
-- REMOVE TTL fails on a table without one (a start with STORE_ROLLUP_RETENTION_DAYS=0 already
-- removed it), so first set a TTL that deletes nothing (WHERE 0: even materialised, it matches
-- no row), then remove it: the same result from any earlier state.
ALTER TABLE brand_minutely MODIFY TTL minute + INTERVAL 60 DAY WHERE 0;

ALTER TABLE brand_minutely REMOVE TTL;

-- An incident found after the fact (mentions that arrived for past windows: an import, a
-- backfill, a late source, the demo's history) is stored like any other but marked, and is
-- not sent to channels once older than `alerts.history.notify_max_age`.
ALTER TABLE alert_incidents ADD COLUMN IF NOT EXISTS historical Bool DEFAULT false;
