-- Each server sees the bundled essays it has not removed, plus the essays its own organizers uploaded.
-- Removing a bundled essay hides it for that server only (the file stays, so it would come back at the next start).
CREATE TABLE hidden_essays (
    guild_id  INTEGER NOT NULL,
    slug      TEXT NOT NULL,
    hidden_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (guild_id, slug)
) WITHOUT ROWID;

CREATE INDEX essays_by_guild ON essays (guild_id) WHERE origin = 'upload';
