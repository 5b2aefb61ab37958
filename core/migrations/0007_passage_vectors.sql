-- Sentence vectors of passages, for search by meaning. Filled in the background after indexing; a passage's
-- vector goes with it when its essay is re-indexed or removed. `model` names the model that made the vector.
CREATE TABLE passage_vectors (
    passage_id INTEGER PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL
);
