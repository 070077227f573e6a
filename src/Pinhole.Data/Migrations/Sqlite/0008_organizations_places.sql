-- Organisations and places (SQLite). An organisation is an account others post as: members (owners, editors,
-- contributors) act for it from their own sign-in; it has no password of its own. A place is a name with coarse,
-- author-chosen coordinates that a post can carry.

ALTER TABLE accounts ADD COLUMN organization INTEGER NOT NULL DEFAULT 0;

CREATE TABLE organizations (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    requires_review  INTEGER NOT NULL DEFAULT 0,   -- contributors' posts wait for an editor's approval
    created_at       INTEGER NOT NULL
);

-- Who may act for an organisation. A removed member's row goes; their past posts keep their credit.
CREATE TABLE organization_members (
    id               INTEGER NOT NULL UNIQUE,      -- for paging
    organization_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role             TEXT    NOT NULL,             -- owner | editor | contributor
    state            TEXT    NOT NULL,             -- invited | active
    credited         INTEGER NOT NULL DEFAULT 1,   -- their name shows on what they post as the organisation
    invited_by       INTEGER NULL,
    created_at       INTEGER NOT NULL,
    joined_at        INTEGER NULL,
    PRIMARY KEY (organization_id, account_id)
) WITHOUT ROWID;
CREATE INDEX ix_organization_members_account ON organization_members (account_id, organization_id);

-- Contributors' posts waiting for review, as the request that will be posted on approval (NewStatus JSON).
-- Approved ones are deleted (they are posts then); rejected ones stay, with the reason, for their author.
CREATE TABLE organization_submissions (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    params           TEXT    NOT NULL,
    idempotency_key  TEXT    NULL,
    state            TEXT    NOT NULL,             -- pending | rejected
    reason           TEXT    NULL,
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER NULL
);
CREATE INDEX ix_organization_submissions_org ON organization_submissions (organization_id, id);
CREATE INDEX ix_organization_submissions_account ON organization_submissions (account_id, id);
CREATE UNIQUE INDEX ux_organization_submissions_key ON organization_submissions (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The uploads a waiting submission will post: kept from the unposted-media janitor while it waits.
CREATE TABLE organization_submission_media (
    submission_id  INTEGER NOT NULL REFERENCES organization_submissions (id) ON DELETE CASCADE,
    media_id       INTEGER NOT NULL REFERENCES media_attachments (id) ON DELETE CASCADE,
    PRIMARY KEY (submission_id, media_id)
) WITHOUT ROWID;
CREATE INDEX ix_organization_submission_media_media ON organization_submission_media (media_id);

-- Every act done for an organisation, for its owners: who posted, deleted, approved, invited, changed or removed.
CREATE TABLE organization_audit (
    id                 INTEGER PRIMARY KEY,
    organization_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id           INTEGER NOT NULL,
    action             TEXT    NOT NULL,
    target_account_id  INTEGER NULL,
    status_id          INTEGER NULL,   -- no foreign key: the record outlives a deleted post
    submission_id      INTEGER NULL,
    detail             TEXT    NULL,
    created_at         INTEGER NOT NULL
);
CREATE INDEX ix_organization_audit_org ON organization_audit (organization_id, id);

CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,   -- lower-cased: prefix search
    latitude    REAL    NULL,       -- rounded to Pinhole:Places:CoordinateDecimals; both or neither
    longitude   REAL    NULL,
    account_id  INTEGER NULL REFERENCES accounts (id) ON DELETE SET NULL,  -- who named it first
    created_at  INTEGER NOT NULL
);
CREATE INDEX ix_places_name ON places (name_key);
CREATE INDEX ix_places_coordinates ON places (latitude, longitude) WHERE latitude IS NOT NULL;

-- A post made as an organisation records who made it, and whether they are credited (as they chose then).
ALTER TABLE statuses ADD COLUMN contributor_id INTEGER NULL;
ALTER TABLE statuses ADD COLUMN contributor_credited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN place_id INTEGER NULL REFERENCES places (id);
CREATE INDEX ix_statuses_place ON statuses (place_id, id) WHERE place_id IS NOT NULL;

-- A notification about a submission (rejected) names it; it is part of what makes a notification unique.
ALTER TABLE notifications ADD COLUMN submission_id INTEGER NULL;
DROP INDEX ux_notifications_once;
CREATE UNIQUE INDEX ux_notifications_once ON notifications (account_id, type, from_account_id, COALESCE(status_id, 0), COALESCE(submission_id, 0));
