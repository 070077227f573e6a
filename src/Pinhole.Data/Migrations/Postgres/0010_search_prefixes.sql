-- Version 10 gave SQLite's full-text index its two- and three-letter prefixes. PostgreSQL's GIN index over the
-- tsvector finds the start of a word (to_tsquery's :*) in its sorted entries as it is: nothing changes here.
SELECT 1;
