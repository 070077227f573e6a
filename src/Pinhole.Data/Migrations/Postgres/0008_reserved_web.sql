-- Reserved for the web branch, which brings its own 0008; only here so that this branch, whose migration is
-- 0009, runs on its own. Delete this file when merging that branch.
SELECT 1;
