-- Durable, asynchronous media processing (SQLite): an upload is stored privately, processed by a worker, and
-- published when ready; a post written before its media are ready waits for them.

ALTER TABLE media_attachments ADD COLUMN state TEXT NOT NULL DEFAULT 'ready';   -- processing | ready | failed
ALTER TABLE media_attachments ADD COLUMN failure TEXT NULL;                    -- why processing failed, for the client
ALTER TABLE media_attachments ADD COLUMN source_key TEXT NULL;                 -- the upload as received; private, never served
ALTER TABLE media_attachments ADD COLUMN size INTEGER NOT NULL DEFAULT 0;      -- bytes uploaded
ALTER TABLE media_attachments ADD COLUMN filter TEXT NULL;
ALTER TABLE media_attachments ADD COLUMN renditions TEXT NOT NULL DEFAULT '[]'; -- JSON: every file made from the upload
CREATE INDEX ix_media_unattached ON media_attachments (created_at) WHERE status_id IS NULL;

-- One row per media waiting to be processed. A worker leases it (locked_by, locked_until); a lease left by a
-- process that died is taken over when it runs out, or at once by the same node when it starts again.
CREATE TABLE media_jobs (
    media_id      INTEGER PRIMARY KEY REFERENCES media_attachments (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL DEFAULT 1,  -- bumped when the media is asked for again (a new filter) while queued or running
    attempts      INTEGER NOT NULL DEFAULT 0,
    available_at  INTEGER NOT NULL,
    locked_by     TEXT    NULL,
    locked_until  INTEGER NULL,
    last_error    TEXT    NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_media_jobs_available ON media_jobs (available_at);

-- A post written while its media were still processing: published, with a fresh id, when they are all ready.
CREATE TABLE pending_statuses (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    params          TEXT    NOT NULL,   -- JSON: the request, as NewStatus
    idempotency_key TEXT    NULL,
    failure         TEXT    NULL,       -- why it could not go out (a media failed)
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_pending_statuses_key ON pending_statuses (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_pending_statuses_account ON pending_statuses (account_id, id);

CREATE TABLE pending_status_media (
    pending_status_id  INTEGER NOT NULL REFERENCES pending_statuses (id) ON DELETE CASCADE,
    media_id           INTEGER NOT NULL REFERENCES media_attachments (id) ON DELETE CASCADE,
    PRIMARY KEY (pending_status_id, media_id)
) WITHOUT ROWID;
CREATE INDEX ix_pending_status_media_media ON pending_status_media (media_id);
