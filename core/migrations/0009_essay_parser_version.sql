-- Which parser indexed each essay. Uploads indexed by an older parser are parsed again from their stored file at
-- start-up (folder essays already are, through their content hash); those from before this migration, once.
ALTER TABLE essays ADD COLUMN parser_version TEXT;
