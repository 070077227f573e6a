-- Filters (Mastodon's v2 keyword and post filters) and direct conversations (SQLite).

-- A person's filter: where it applies (context: a comma-separated subset of home, notifications, public, thread,
-- account), what it does (warn | hide | blur), and until when. Matched in memory against each page as it is read.
CREATE TABLE filters (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    context     TEXT    NOT NULL,
    action      TEXT    NOT NULL DEFAULT 'warn',
    expires_at  INTEGER NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ix_filters_account ON filters (account_id, id);

CREATE TABLE filter_keywords (
    id          INTEGER PRIMARY KEY,
    filter_id   INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword     TEXT    NOT NULL,
    whole_word  INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ix_filter_keywords_filter ON filter_keywords (filter_id, id);

CREATE TABLE filter_statuses (
    id          INTEGER PRIMARY KEY,
    filter_id   INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    status_id   INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    UNIQUE (filter_id, status_id)
);
CREATE INDEX ix_filter_statuses_status ON filter_statuses (status_id);

-- One row per participant of a direct thread: the thread (its first post's id) and the other people in it (their
-- account ids, sorted, comma-separated) are the key, as on Mastodon; a new person in the thread starts a new one.
-- Written in the transaction of the direct post; pages are cut on the last post's id.
CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thread_id        INTEGER NOT NULL,
    participant_ids  TEXT    NOT NULL,
    last_status_id   INTEGER NOT NULL,
    unread           INTEGER NOT NULL,
    UNIQUE (account_id, thread_id, participant_ids)
);
CREATE INDEX ix_conversations_account ON conversations (account_id, last_status_id);

-- The direct posts of each conversation, so deleting one falls back to the one before it.
CREATE TABLE conversation_statuses (
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    status_id        INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, status_id)
) WITHOUT ROWID;
CREATE INDEX ix_conversation_statuses_status ON conversation_statuses (status_id);
