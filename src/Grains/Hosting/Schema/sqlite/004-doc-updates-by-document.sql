-- The update log clustered by document: an append writes one b-tree page, where the rowid table wrote three
-- (its leaf, the (document_id, id) index and AUTOINCREMENT's row in sqlite_sequence) and the WAL grew by
-- 14 KiB a keystroke. Ids are per document from here on: the writer gives an update one above the largest
-- its document has used (SqliteDocumentLog.Writer), so existing ids carry on.
CREATE TABLE vibe_doc_updates_by_document
(
    document_id TEXT    NOT NULL,
    id          INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    PRIMARY KEY (document_id, id)
) WITHOUT ROWID;
INSERT INTO vibe_doc_updates_by_document (document_id, id, data) SELECT document_id, id, data FROM vibe_doc_updates;
DROP TABLE vibe_doc_updates;
ALTER TABLE vibe_doc_updates_by_document RENAME TO vibe_doc_updates;
