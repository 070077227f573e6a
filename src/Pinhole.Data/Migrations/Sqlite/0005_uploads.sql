-- Resumable uploads (tus 1.0): the bytes received so far live in a file under the data directory; the offset
-- recorded here is the part of it that was flushed to disk, so a crash never claims bytes it does not have.

CREATE TABLE uploads (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    length         INTEGER NOT NULL,
    upload_offset  INTEGER NOT NULL DEFAULT 0,
    metadata       TEXT    NOT NULL,   -- JSON: the Upload-Metadata pairs (filename, filetype, description, filter, focus)
    media_id       INTEGER NULL,       -- the media it became, once complete
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX ix_uploads_account ON uploads (account_id) WHERE media_id IS NULL;
CREATE INDEX ix_uploads_expires ON uploads (expires_at);
