-- When a closed debate's results reached its message. A close whose results were never posted (the bot stopped,
-- or Discord failed) is retried until they are; debates closed before this migration count as posted.
ALTER TABLE debates ADD COLUMN results_posted_at TEXT;
UPDATE debates SET results_posted_at = closed_at WHERE closed_at IS NOT NULL;
CREATE INDEX debates_awaiting_results ON debates (closed_at) WHERE results_posted_at IS NULL AND closed_at IS NOT NULL;
