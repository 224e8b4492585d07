-- Cluster-wide settings that every node must agree on, e.g. the key that signs session tokens.
-- The first node to start inserts a value; the others read it (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE IF NOT EXISTS vibe_settings
(
    name  text NOT NULL PRIMARY KEY,
    value text NOT NULL
);
