-- When an Oxford debate's closing vote was announced on its message and in its thread. An advance whose
-- announcement never went out (the bot stopped, or Discord failed) is retried until it does; debates that reached
-- their closing vote before this migration count as announced.
ALTER TABLE debates ADD COLUMN advance_announced_at TEXT;
UPDATE debates SET advance_announced_at = created_at WHERE round = 2;
