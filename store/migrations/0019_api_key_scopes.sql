-- Keys with scopes: `read` (dashboards, exports) or `admin` (setup, rules, keys, ingest). Keys
-- made before scopes existed could do everything, so they stay admin.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS scope LowCardinality(String) DEFAULT 'admin';
