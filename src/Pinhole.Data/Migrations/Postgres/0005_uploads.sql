-- Resumable uploads (tus 1.0), PostgreSQL: the bytes received so far live in a file under the data directory; the offset
-- recorded here is the part of it that was flushed to disk, so a crash never claims bytes it does not have.

CREATE TABLE uploads (
    id             BIGINT PRIMARY KEY,
    account_id     BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    length         BIGINT  NOT NULL,
    upload_offset  BIGINT  NOT NULL DEFAULT 0,
    metadata       TEXT    NOT NULL,   -- JSON: the Upload-Metadata pairs (filename, filetype, description, filter, focus)
    media_id       BIGINT  NULL,       -- the media it became, once complete
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL
);
CREATE INDEX ix_uploads_account ON uploads (account_id) WHERE media_id IS NULL;
CREATE INDEX ix_uploads_expires ON uploads (expires_at);
