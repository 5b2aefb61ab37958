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
    text       TEXT NOT NULL,
    UNIQUE (essay_id, paragraph)
);

-- rowid = passages.id. `body` is the folded text plus joined compounds ("top-down" -> also "topdown").
CREATE VIRTUAL TABLE passage_index USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2');

-- Unstemmed words with the number of passages containing them: the dictionary for correcting typos.
CREATE TABLE vocabulary (
    word TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
