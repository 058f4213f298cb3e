-- API keys, scoped to a workspace. Only a SHA-256 hash of the secret is stored; the key is
-- shown once, when created. Revoking writes a newer row (ReplacingMergeTree on key_id).
CREATE TABLE IF NOT EXISTS api_keys
(
    key_id String,
    workspace LowCardinality(String),
    secret_sha256 String,
    name String,
    created_at DateTime64(3, 'UTC'),
    revoked Bool,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key_id;
