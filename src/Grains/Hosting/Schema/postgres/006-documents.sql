-- Document update logs: each Yjs update a document grain acknowledges, in commit order, until a
-- snapshot of the document absorbs them.
CREATE TABLE IF NOT EXISTS vibe_doc_updates
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id text   NOT NULL,
    data        bytea  NOT NULL
);
CREATE INDEX IF NOT EXISTS vibe_doc_updates_document ON vibe_doc_updates (document_id, id);

CREATE TABLE IF NOT EXISTS vibe_doc_snapshots
(
    document_id text        NOT NULL PRIMARY KEY,
    through_id  bigint      NOT NULL,
    data        bytea       NOT NULL,
    updated     timestamptz NOT NULL DEFAULT now()
);
