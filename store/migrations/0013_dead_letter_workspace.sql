-- The workspace that sent a dead letter (its webhook, POST /v1/ingest), so a workspace's bad
-- items can be told from the public sources' and from another workspace's. '' when none did.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS workspace LowCardinality(String) DEFAULT '';
