-- Vibe's own tables on PostgreSQL.

-- Applied schema scripts; SchemaMigrator also creates this table before it reads it.
CREATE TABLE IF NOT EXISTS vibe_schema_migrations
(
    id         text        NOT NULL PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Content-addressed blobs: the hash names the content, so a blob is written once and never changed.
CREATE TABLE IF NOT EXISTS vibe_blobs
(
    hash    text        NOT NULL PRIMARY KEY,
    size    bigint      NOT NULL CHECK (size >= 0),
    content bytea       NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);
