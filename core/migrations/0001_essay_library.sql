-- Essays and their passages, with a full-text index over the passages.
CREATE TABLE essays (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    publication  TEXT NOT NULL DEFAULT '',
    year         TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,            -- file name in the seeds folder, or 'upload:<name>'
    origin       TEXT NOT NULL CHECK (origin IN ('folder', 'upload')),
    content_hash TEXT NOT NULL,
    raw          BLOB,                     -- the uploaded file itself, so uploads survive restarts
    added_by     INTEGER,
    guild_id     INTEGER,
    added_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    essay_id   INTEGER NOT NULL REFERENCES essays(id) ON DELETE CASCADE,
    paragraph  INTEGER NOT NULL,
    section    TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,              -- as written, for display
    body       TEXT NOT NULL,              -- folded words in order, then compounds written as one ("topdown")
    UNIQUE (essay_id, paragraph)
);

-- Full-text index over passages.body (external content: the text is stored once, in passages).
CREATE VIRTUAL TABLE passage_index USING fts5(
    body, content = 'passages', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Triggers keep the index in step with passages, including deletes that cascade from essays.
CREATE TRIGGER passages_indexed AFTER INSERT ON passages BEGIN
    INSERT INTO passage_index (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER passages_unindexed AFTER DELETE ON passages BEGIN
    INSERT INTO passage_index (passage_index, rowid, body) VALUES ('delete', old.id, old.body);
END;

-- Unstemmed words with the number of passages containing them: the dictionary for correcting typos.
CREATE TABLE vocabulary (
    word TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
