-- Vibe's own tables on SQLite.

-- Applied schema scripts; SchemaMigrator also creates this table before it reads it.
CREATE TABLE IF NOT EXISTS vibe_schema_migrations
(
    id         TEXT NOT NULL PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Content-addressed blobs: the hash names the content, so a blob is written once and never changed.
CREATE TABLE IF NOT EXISTS vibe_blobs
(
    hash    TEXT    NOT NULL PRIMARY KEY,
    size    INTEGER NOT NULL CHECK (size >= 0),
    content BLOB    NOT NULL,
    created TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
