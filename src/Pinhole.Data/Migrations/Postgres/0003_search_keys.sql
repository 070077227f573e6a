-- Search keys compare bytewise ("C"), whatever the database's locale, so that a prefix is one index range,
-- [prefix, prefix + U+10FFFF): under a linguistic collation such as en_US.UTF-8 that range is not what it seems.
ALTER TABLE accounts ALTER COLUMN username_key TYPE TEXT COLLATE "C";
ALTER TABLE accounts ALTER COLUMN display_name_key TYPE TEXT COLLATE "C";
ALTER TABLE tags ALTER COLUMN name TYPE TEXT COLLATE "C";
