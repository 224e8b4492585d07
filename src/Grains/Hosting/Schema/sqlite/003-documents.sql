-- Document update logs: each Yjs update a document grain acknowledges, in commit order, until a
-- snapshot of the document absorbs them.
CREATE TABLE IF NOT EXISTS vibe_doc_updates
(
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id TEXT    NOT NULL,
    data        BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS vibe_doc_updates_document ON vibe_doc_updates (document_id, id);

CREATE TABLE IF NOT EXISTS vibe_doc_snapshots
(
    document_id TEXT    NOT NULL PRIMARY KEY,
    through_id  INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    updated     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
