-- Social depth (SQLite): follow requests, blocks and mutes, notifications and read markers, followed hashtags,
-- bookmarks and pins, edit history, lists, and full-text search.

CREATE TABLE follow_requests (
    id                 INTEGER NOT NULL UNIQUE,
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       INTEGER NOT NULL DEFAULT 1,
    notify             INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;
CREATE INDEX ix_follow_requests_target ON follow_requests (target_account_id, id);

CREATE TABLE blocks (
    id                 INTEGER NOT NULL UNIQUE,
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;
CREATE INDEX ix_blocks_target ON blocks (target_account_id, account_id);
CREATE INDEX ix_blocks_account ON blocks (account_id, id);

CREATE TABLE mutes (
    id                 INTEGER NOT NULL UNIQUE,
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hide_notifications INTEGER NOT NULL DEFAULT 1,
    expires_at         INTEGER NULL,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;
CREATE INDEX ix_mutes_account ON mutes (account_id, id);

CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- who is told
    from_account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- who did it
    type             TEXT    NOT NULL,   -- follow | follow_request | favourite | reblog | mention | status
    status_id        INTEGER NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_notifications_account ON notifications (account_id, id);
CREATE UNIQUE INDEX ux_notifications_once ON notifications (account_id, type, from_account_id, COALESCE(status_id, 0));

CREATE TABLE markers (
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline      TEXT    NOT NULL,  -- home | notifications
    last_read_id  INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, timeline)
) WITHOUT ROWID;

CREATE TABLE tag_follows (
    id          INTEGER NOT NULL UNIQUE,  -- for paging the followed-tags list
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, tag_id)
) WITHOUT ROWID;

CREATE TABLE bookmarks (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX ix_bookmarks_account ON bookmarks (account_id, id);

CREATE TABLE pins (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;

-- Earlier versions of edited posts, oldest first; the current version stays in statuses.
CREATE TABLE status_edits (
    id            INTEGER PRIMARY KEY,
    status_id     INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    spoiler_text  TEXT    NOT NULL,
    sensitive     INTEGER NOT NULL,
    media         TEXT    NOT NULL,  -- JSON [{id, description}] as they were
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_status_edits_status ON status_edits (status_id, id);

CREATE TABLE lists (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,
    replies_policy  TEXT    NOT NULL DEFAULT 'list',  -- followed | list | none
    exclusive       INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX ix_lists_account ON lists (account_id, id);

CREATE TABLE list_accounts (
    list_id     INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, account_id)
) WITHOUT ROWID;
CREATE INDEX ix_list_accounts_account ON list_accounts (account_id);

-- Prefix search on display names needs a lower-cased, indexed copy (usernames have username_key).
ALTER TABLE accounts ADD COLUMN display_name_key TEXT NOT NULL DEFAULT '';
UPDATE accounts SET display_name_key = lower(display_name);
CREATE INDEX ix_accounts_display_name_key ON accounts (display_name_key);

-- Full-text search over posts: an FTS5 index kept in step with statuses by triggers (it stores no copy of the text).
CREATE VIRTUAL TABLE statuses_fts USING fts5 (
    text, spoiler_text, content = 'statuses', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO statuses_fts (statuses_fts) VALUES ('rebuild');
CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses BEGIN
    INSERT INTO statuses_fts (rowid, text, spoiler_text) VALUES (new.id, new.text, new.spoiler_text);
END;
CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses BEGIN
    INSERT INTO statuses_fts (statuses_fts, rowid, text, spoiler_text) VALUES ('delete', old.id, old.text, old.spoiler_text);
END;
CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, spoiler_text ON statuses BEGIN
    INSERT INTO statuses_fts (statuses_fts, rowid, text, spoiler_text) VALUES ('delete', old.id, old.text, old.spoiler_text);
    INSERT INTO statuses_fts (rowid, text, spoiler_text) VALUES (new.id, new.text, new.spoiler_text);
END;
