-- Search keys compare bytewise. SQLite's default collation (BINARY) already does, so there is nothing to change
-- here; PostgreSQL's migration 3 sets COLLATE "C" on the same columns. Numbered alike so both histories match.
SELECT 1;
