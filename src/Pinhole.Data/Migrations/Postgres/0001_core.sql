-- Pinhole's core schema (PostgreSQL). Ids are snowflakes (see Snowflake.cs); times are Unix milliseconds.

CREATE TABLE accounts (
    id               BIGINT PRIMARY KEY,
    username         TEXT    NOT NULL,
    username_key     TEXT    NOT NULL UNIQUE,   -- lower-cased username: lookups and uniqueness ignore case
    display_name     TEXT    NOT NULL DEFAULT '',
    note             TEXT    NOT NULL DEFAULT '',  -- as the person wrote it; rendered to HTML on read
    fields           TEXT    NOT NULL DEFAULT '[]', -- JSON [{name, value}]
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    bot              BOOLEAN NOT NULL DEFAULT FALSE,
    discoverable     BOOLEAN NOT NULL DEFAULT TRUE,
    avatar_key       TEXT    NULL,              -- storage key of the avatar image
    header_key       TEXT    NULL,
    followers_count  INTEGER NOT NULL DEFAULT 0,
    following_count  INTEGER NOT NULL DEFAULT 0,
    statuses_count   INTEGER NOT NULL DEFAULT 0,
    last_status_at   BIGINT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE users (
    account_id          BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    email               TEXT    NOT NULL,
    email_key           TEXT    NOT NULL UNIQUE,
    password_hash       TEXT    NOT NULL,
    locale              TEXT    NULL,
    approved            BOOLEAN NOT NULL,
    registration_reason TEXT    NULL,
    default_visibility  INTEGER NOT NULL DEFAULT 0,
    default_sensitive   BOOLEAN NOT NULL DEFAULT FALSE,
    default_language    TEXT    NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE apps (
    id                 BIGINT PRIMARY KEY,
    name               TEXT    NOT NULL,
    website            TEXT    NULL,
    redirect_uris      TEXT    NOT NULL,   -- one per line
    scopes             TEXT    NOT NULL,   -- space-separated
    client_id          TEXT    NOT NULL UNIQUE,
    client_secret_hash TEXT    NOT NULL,   -- SHA-256; the secret itself is shown once, at creation
    created_at         BIGINT NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash             TEXT    PRIMARY KEY,
    app_id                BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id            BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    redirect_uri          TEXT    NOT NULL,
    scopes                TEXT    NOT NULL,
    code_challenge        TEXT    NULL,
    code_challenge_method TEXT    NULL,
    expires_at            BIGINT NOT NULL
);

CREATE TABLE access_tokens (
    id          BIGINT PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token itself is never stored
    app_id      BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id  BIGINT NULL REFERENCES accounts (id) ON DELETE CASCADE,  -- NULL for client_credentials
    scopes      TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT NULL
);
CREATE INDEX ix_access_tokens_account ON access_tokens (account_id);

CREATE TABLE statuses (
    id                     BIGINT PRIMARY KEY,
    account_id             BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    in_reply_to_id         BIGINT NULL,
    in_reply_to_account_id BIGINT NULL,
    reblog_of_id           BIGINT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    text                   TEXT    NOT NULL DEFAULT '',
    spoiler_text           TEXT    NOT NULL DEFAULT '',
    visibility             INTEGER NOT NULL,   -- 0 public, 1 unlisted, 2 private (followers), 3 direct
    sensitive              BOOLEAN NOT NULL DEFAULT FALSE,
    language               TEXT    NULL,
    has_media              BOOLEAN NOT NULL DEFAULT FALSE,
    application_id         BIGINT NULL REFERENCES apps (id) ON DELETE SET NULL,
    replies_count          INTEGER NOT NULL DEFAULT 0,
    reblogs_count          INTEGER NOT NULL DEFAULT 0,
    favourites_count       INTEGER NOT NULL DEFAULT 0,
    created_at             BIGINT NOT NULL,
    edited_at              BIGINT NULL
);
-- An account's posts, newest first; also what the home timeline reads for each followed account.
CREATE INDEX ix_statuses_account ON statuses (account_id, id);
CREATE INDEX ix_statuses_in_reply_to ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX ix_statuses_reblogs ON statuses (reblog_of_id, account_id) WHERE reblog_of_id IS NOT NULL;
-- The public timeline: original public posts, newest first (and those with media).
CREATE INDEX ix_statuses_public ON statuses (id) WHERE visibility = 0 AND reblog_of_id IS NULL;
CREATE INDEX ix_statuses_public_media ON statuses (id) WHERE visibility = 0 AND reblog_of_id IS NULL AND has_media;

CREATE TABLE tags (
    id          BIGINT PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,  -- normalized: NFKC, lower case
    created_at  BIGINT NOT NULL
);

-- A tag's posts newest first: "#pyongyang in the last day" is one range scan of this key.
CREATE TABLE status_tags (
    tag_id     BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    status_id  BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX ix_status_tags_status ON status_tags (status_id);

CREATE TABLE mentions (
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX ix_mentions_account ON mentions (account_id, status_id);

CREATE TABLE media_attachments (
    id            BIGINT PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id     BIGINT NULL REFERENCES statuses (id) ON DELETE SET NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    type          TEXT    NOT NULL,      -- image | gifv | video | audio
    file_key      TEXT    NOT NULL,      -- storage key of the served original
    content_type  TEXT    NOT NULL,
    preview_key   TEXT    NULL,
    meta          TEXT    NOT NULL,      -- JSON: Mastodon's meta.original / meta.small
    blurhash      TEXT    NULL,
    description   TEXT    NULL,
    focus_x       DOUBLE PRECISION    NOT NULL DEFAULT 0,
    focus_y       DOUBLE PRECISION    NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX ix_media_status ON media_attachments (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX ix_media_account ON media_attachments (account_id, id);

CREATE TABLE follows (
    id                 BIGINT NOT NULL UNIQUE,  -- for paging followers/following lists
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       BOOLEAN NOT NULL DEFAULT TRUE,
    notify             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);
CREATE INDEX ix_follows_target ON follows (target_account_id, id);
CREATE INDEX ix_follows_account ON follows (account_id, id);

CREATE TABLE favourites (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX ix_favourites_account ON favourites (account_id, id);
CREATE INDEX ix_favourites_status ON favourites (status_id, id);

-- A retried request with the same Idempotency-Key returns the first result instead of doing the work twice.
CREATE TABLE idempotency_keys (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scope       TEXT    NOT NULL,   -- what the key was used for, e.g. 'status'
    key         TEXT    NOT NULL,
    result_id   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, scope, key)
);
CREATE INDEX ix_idempotency_created ON idempotency_keys (created_at);
