-- Debates: motions put to a vote, their options, the ballots as they stand and every ballot ever cast.
CREATE TABLE debates (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,                  -- the public debate message, once posted
    thread_id    INTEGER,
    author_id    INTEGER NOT NULL,
    motion       TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('poll', 'proposal', 'oxford')),
    max_choices  INTEGER NOT NULL DEFAULT 1,
    secret       INTEGER NOT NULL DEFAULT 0,
    hide_results INTEGER NOT NULL DEFAULT 0,
    role_id      INTEGER,                  -- only members with this role may vote
    quorum       INTEGER NOT NULL DEFAULT 0 CHECK (quorum >= 0),
    round        INTEGER NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),  -- Oxford: 1 opening vote, 2 closing vote
    topic_id     INTEGER,                  -- the positions topic recorded votes are logged under
    outcome      TEXT,
    created_at   TEXT NOT NULL,
    advance_at   TEXT,                     -- Oxford: when the closing vote starts by itself
    closes_at    TEXT,                     -- NULL: open until an organizer closes it
    closed_at    TEXT
);
CREATE INDEX debates_by_guild ON debates (guild_id, closed_at, id);
CREATE INDEX debates_pending ON debates (closed_at, closes_at, advance_at);

CREATE TABLE debate_options (
    debate_id INTEGER NOT NULL REFERENCES debates(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    label     TEXT NOT NULL,
    PRIMARY KEY (debate_id, position)
) WITHOUT ROWID;

-- Secret ballots only: the key that hashes member ids while the debate is open; the row is deleted at close.
CREATE TABLE debate_ballot_keys (
    debate_id INTEGER PRIMARY KEY REFERENCES debates(id) ON DELETE CASCADE,
    key       BLOB NOT NULL
);

-- One current ballot per voter per round. `voter`: member id, `h:<keyed hash>` (secret) or `anon:<random>`.
-- `choices`: option positions, comma-separated.
CREATE TABLE debate_votes (
    debate_id INTEGER NOT NULL REFERENCES debates(id) ON DELETE CASCADE,
    round     INTEGER NOT NULL,
    voter     TEXT NOT NULL,
    choices   TEXT NOT NULL,
    reason    TEXT,
    cast_at   TEXT NOT NULL,
    PRIMARY KEY (debate_id, round, voter)
) WITHOUT ROWID;

-- Every ballot cast, changes included, in order.
CREATE TABLE debate_vote_history (
    id        INTEGER PRIMARY KEY,
    debate_id INTEGER NOT NULL REFERENCES debates(id) ON DELETE CASCADE,
    round     INTEGER NOT NULL,
    voter     TEXT NOT NULL,
    choices   TEXT NOT NULL,
    reason    TEXT,
    cast_at   TEXT NOT NULL
);
CREATE INDEX debate_vote_history_by_voter ON debate_vote_history (debate_id, voter);
