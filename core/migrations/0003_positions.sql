-- Members' positions: topics per server, each with its stances, and an append-only log of who held which stance
-- when. Privacy is per member per server; with no row a member is private.
CREATE TABLE position_topics (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    folded     TEXT NOT NULL,                -- core.text.fold(name): one topic per folded name and server
    debate_id  INTEGER,                      -- set when a debate created the topic (its motion)
    created_at TEXT NOT NULL,
    UNIQUE (guild_id, folded),
    UNIQUE (guild_id, debate_id)
);

-- The stances a topic offers, in display order: the five-point scale, or a debate's options.
CREATE TABLE position_stances (
    topic_id INTEGER NOT NULL REFERENCES position_topics(id) ON DELETE CASCADE,
    rank     INTEGER NOT NULL,
    label    TEXT NOT NULL,
    PRIMARY KEY (topic_id, rank),
    UNIQUE (topic_id, label)
) WITHOUT ROWID;

-- One row per stance a member took. Rows are never updated; /position forget deletes a member's own rows.
CREATE TABLE position_entries (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    topic_id   INTEGER NOT NULL REFERENCES position_topics(id),
    member_id  INTEGER NOT NULL,
    stance     TEXT NOT NULL,
    reason     TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    passage    TEXT,                         -- a library passage id such as 'essay-slug:12'
    source     TEXT NOT NULL CHECK (source = 'member' OR source GLOB 'debate:[0-9]*'),
    created_at TEXT NOT NULL
);
CREATE INDEX position_entries_by_member ON position_entries (guild_id, member_id, topic_id, created_at);
CREATE INDEX position_entries_by_topic ON position_entries (topic_id, created_at);

CREATE TRIGGER position_entries_append_only BEFORE UPDATE ON position_entries
BEGIN
    SELECT RAISE(ABORT, 'position entries are append-only');
END;

-- Defence in depth behind the checks in core/positions: an entry's topic is in the entry's server, and its stance
-- is one the topic offers.
CREATE TRIGGER position_entries_consistent BEFORE INSERT ON position_entries
WHEN NEW.guild_id IS NOT (SELECT guild_id FROM position_topics WHERE id = NEW.topic_id)
  OR NOT EXISTS (SELECT 1 FROM position_stances WHERE topic_id = NEW.topic_id AND label = NEW.stance)
BEGIN
    SELECT RAISE(ABORT, 'position entry does not match its topic');
END;

CREATE TABLE position_privacy (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    visible   INTEGER NOT NULL CHECK (visible IN (0, 1)),
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;
