-- Social depth (PostgreSQL): follow requests, blocks and mutes, notifications and read markers, followed hashtags,
-- bookmarks and pins, edit history, lists, and full-text search.

CREATE TABLE follow_requests (
    id                 BIGINT NOT NULL UNIQUE,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       BOOLEAN NOT NULL DEFAULT TRUE,
    notify             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);
CREATE INDEX ix_follow_requests_target ON follow_requests (target_account_id, id);

CREATE TABLE blocks (
    id                 BIGINT NOT NULL UNIQUE,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);
CREATE INDEX ix_blocks_target ON blocks (target_account_id, account_id);
CREATE INDEX ix_blocks_account ON blocks (account_id, id);

CREATE TABLE mutes (
    id                 BIGINT NOT NULL UNIQUE,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hide_notifications BOOLEAN NOT NULL DEFAULT TRUE,
    expires_at         BIGINT NULL,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);
CREATE INDEX ix_mutes_account ON mutes (account_id, id);

CREATE TABLE notifications (
    id               BIGINT PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- who is told
    from_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- who did it
    type             TEXT    NOT NULL,   -- follow | follow_request | favourite | reblog | mention | status
    status_id        BIGINT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL
);
CREATE INDEX ix_notifications_account ON notifications (account_id, id);
CREATE UNIQUE INDEX ux_notifications_once ON notifications (account_id, type, from_account_id, COALESCE(status_id, 0));

CREATE TABLE markers (
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline      TEXT    NOT NULL,  -- home | notifications
    last_read_id  BIGINT NOT NULL,
    version       INTEGER NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

CREATE TABLE tag_follows (
    id          BIGINT NOT NULL UNIQUE,  -- for paging the followed-tags list
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, tag_id)
);

CREATE TABLE bookmarks (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX ix_bookmarks_account ON bookmarks (account_id, id);

CREATE TABLE pins (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, status_id)
);

-- Earlier versions of edited posts, oldest first; the current version stays in statuses.
CREATE TABLE status_edits (
    id            BIGINT PRIMARY KEY,
    status_id     BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    spoiler_text  TEXT    NOT NULL,
    sensitive     BOOLEAN NOT NULL,
    media         TEXT    NOT NULL,  -- JSON [{id, description}] as they were
    created_at    BIGINT NOT NULL
);
CREATE INDEX ix_status_edits_status ON status_edits (status_id, id);

CREATE TABLE lists (
    id              BIGINT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,
    replies_policy  TEXT    NOT NULL DEFAULT 'list',  -- followed | list | none
    exclusive       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_lists_account ON lists (account_id, id);

CREATE TABLE list_accounts (
    list_id     BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX ix_list_accounts_account ON list_accounts (account_id);

-- Prefix search on display names needs a lower-cased, indexed copy (usernames have username_key).
ALTER TABLE accounts ADD COLUMN display_name_key TEXT NOT NULL DEFAULT '';
UPDATE accounts SET display_name_key = lower(display_name);
CREATE INDEX ix_accounts_display_name_key ON accounts (display_name_key);

-- Full-text search over posts: a generated tsvector with the 'simple' configuration (no stemming, so it works
-- the same for Korean, English or anything else), indexed with GIN.
ALTER TABLE statuses ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', spoiler_text || ' ' || text)) STORED;
CREATE INDEX ix_statuses_search ON statuses USING GIN (search);
