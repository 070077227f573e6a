-- Live events (the streaming API, PostgreSQL), written in the transaction of what caused them: a post, an edit, a deletion,
-- a notification. Each node's dispatcher reads new rows and delivers them to its connected clients; a client that
-- reconnects with the id of the last event it saw is sent what it missed. Rows older than the catch-up window go.

CREATE TABLE stream_events (
    id               BIGINT PRIMARY KEY,    -- time-ordered; the event id clients see
    kind             TEXT    NOT NULL,      -- update | status.update | delete | notification
    status_id        BIGINT  NULL,
    notification_id  BIGINT  NULL,
    account_id       BIGINT  NOT NULL,      -- the author (update, status.update, delete) or the recipient (notification)
    created_at       BIGINT  NOT NULL
);
CREATE INDEX ix_stream_events_created ON stream_events (created_at);
