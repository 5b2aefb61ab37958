"""Search by meaning: the tokenizer, the sentence model, stored passage vectors and how search weighs them."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from rapidfuzz import fuzz

from core import search
from core.errors import InvalidInput
from core.library import Library
from core.meaning import model as model_module
from core.meaning import vectors as vectors_module
from core.meaning.model import VOCAB, SentenceModel
from core.meaning.vectors import PassageVectors
from core.meaning.wordpiece import WordPiece
from core.settings import Settings
from core.store import BUSY_TIMEOUT_MS, Store
from core.text import fold, pieces
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def model() -> SentenceModel:
    loaded = SentenceModel.load()
    assert loaded is not None, "requirements.txt installs onnxruntime and the model package"
    return loaded


@pytest.fixture
async def meaning_library(store: Store, model: SentenceModel) -> Library:
    library = Library(store, PassageVectors(store, model))
    await library.sync_folder(SEEDS)
    return library


# Ids from the reference (Hugging Face) BERT uncased tokenizer for the same strings.
@pytest.mark.parametrize("text, ids", [
    ("Wet’suwet’en land defenders — “Kayapó” résumé!",
     [101, 4954, 1521, 10514, 8545, 2102, 1521, 4372, 2455, 12534, 1517, 1523, 10905, 9331, 2080, 1524, 13746, 999, 102]),
    ("DSA’s 2023 convention: $5^2 @everyone 中文",
     [101, 16233, 2050, 1521, 1055, 16798, 2509, 4680, 1024, 1002, 1019, 1034, 1016, 1030, 3071, 1746, 1861, 102]),
    ("unaffordable", [101, 14477, 4246, 8551, 3085, 102]),
])
def test_wordpiece_matches_the_reference_tokenizer(text: str, ids: list[int]):
    assert WordPiece(VOCAB).encode(text, 128) == ids


def test_wordpiece_truncates_and_gives_up_on_monster_words():
    tokenizer = WordPiece(VOCAB)
    ids = tokenizer.encode("solidarity " * 300, 10)
    assert len(ids) == 10 and ids[0] == tokenizer.cls and ids[-1] == tokenizer.sep
    assert tokenizer.encode("x" * 101, 10) == [tokenizer.cls, tokenizer.unk, tokenizer.sep]


def test_sentences_that_mean_the_same_are_closer_than_unrelated_ones(model: SentenceModel):
    question, answer, unrelated = model.encode([
        "why are tenants refusing to pay their landlords?",
        "Rents rose faster than wages, so the tenants' union is organizing a rent strike.",
        "The candidate spoke about parking rules for new buildings.",
    ])
    assert np.allclose(np.linalg.norm([question, answer, unrelated], axis=1), 1.0, atol=1e-5)
    assert question @ answer > question @ unrelated + 0.2


def test_a_missing_model_package_turns_meaning_off_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(model_module, "MODEL_PACKAGE", "no-such-model-package")
    with caplog.at_level(logging.WARNING):
        assert SentenceModel.load() is None
    assert "search by meaning is off" in caplog.text


@pytest.mark.parametrize("value, expected", [("", True), ("on", True), ("OFF", False), ("0", False), ("yes", True)])
def test_search_by_meaning_setting(value: str, expected: bool):
    assert Settings.from_env({"SEARCH_BY_MEANING": value}).search_by_meaning is expected


def test_search_by_meaning_setting_rejects_other_words():
    with pytest.raises(InvalidInput, match="SEARCH_BY_MEANING"):
        Settings.from_env({"SEARCH_BY_MEANING": "maybe"})


async def test_every_passage_gets_a_vector_and_a_reindexed_essay_is_encoded_again(
        meaning_library: Library, store: Store, tmp_path: Path):
    vectors = meaning_library.vectors
    _, passages = await meaning_library.counts()
    assert await vectors.pending() == passages
    assert await meaning_library.meaning_progress() == (0, passages)
    assert await vectors.encode_all() == passages
    assert await vectors.pending() == 0
    assert await meaning_library.meaning_progress() == (passages, passages)
    assert await Library(store).meaning_progress() is None

    folder = tmp_path / "seeds"
    folder.mkdir()
    for source in SEEDS.glob("*.md"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    changed = next(folder.glob("building*.md"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more paragraph about solidarity.\n",
                       encoding="utf-8")
    await meaning_library.sync_folder(folder)
    (count,) = await store.fetchone("SELECT COUNT(*) FROM passages p JOIN essays e ON e.id = p.essay_id"
                                    " WHERE e.slug LIKE 'building%'")
    assert await vectors.pending() == count  # the old vectors went with the old passages
    (stored,) = await store.fetchone("SELECT COUNT(*) FROM passage_vectors")
    assert stored == passages - (count - 1)


async def test_a_vector_is_not_stored_for_a_passage_whose_text_changed_meanwhile(
        meaning_library: Library, store: Store, model: SentenceModel, tmp_path: Path):
    first = await store.fetchone("SELECT id FROM passages ORDER BY id LIMIT 1")

    class EditedWhileEncoding:
        def encode(self, texts):
            # Another connection changes the first passage while its vector is being computed.
            with sqlite3.connect(tmp_path / "test.sqlite3") as other:
                other.execute("UPDATE passages SET text = text || ' (edited)' WHERE id = ?", (first["id"],))
            return model.encode(texts)

    vectors = PassageVectors(store, EditedWhileEncoding())
    assert await vectors.encode_pending(limit=3) == 3
    rows = await store.fetchall("SELECT passage_id FROM passage_vectors")
    assert first["id"] not in {row["passage_id"] for row in rows} and len(rows) == 2


async def test_vectors_come_back_in_the_order_asked_and_none_while_any_is_missing(meaning_library: Library,
                                                                               store: Store):
    vectors = meaning_library.vectors
    await vectors.encode_pending(limit=4)
    ids = [row["id"] for row in await store.fetchall("SELECT id FROM passages ORDER BY id LIMIT 5")]
    assert await vectors.of(ids) is None  # the fifth has no vector yet
    forward, backward = await vectors.of(ids[:4]), await vectors.of(ids[3::-1])
    assert np.array_equal(forward, backward[::-1])


async def test_the_background_encoder_catches_up_after_an_upload(meaning_library: Library):
    vectors = meaning_library.vectors
    encoder = asyncio.create_task(vectors.keep_current())
    try:
        await asyncio.wait_for(_until_encoded(vectors), 60)
        await meaning_library.add_upload(b"Tenants organized a rent strike.\n\nThe landlord gave in.\n",
                                         filename="strike.txt", title="Strike diary")
        assert await vectors.pending() == 2
        await asyncio.wait_for(_until_encoded(vectors), 60)
    finally:
        encoder.cancel()


async def _until_encoded(vectors: PassageVectors) -> None:
    while await vectors.pending():
        await asyncio.sleep(0.05)


async def test_closeness_of_meaning_adds_to_the_word_score_for_longer_queries(meaning_library: Library,
                                                                             store: Store):
    await meaning_library.vectors.encode_all()
    words_only = Library(store)
    query = "do socialists in America actually have any influence on struggles abroad?"
    with_meaning = {r.passage_id: r.score for r in await meaning_library.search(query, limit=10)}
    without = {r.passage_id: r.score for r in await words_only.search(query, limit=10)}
    assert with_meaning.keys() & without.keys()
    assert all(with_meaning[key] >= without[key] for key in with_meaning.keys() & without.keys())
    assert any(with_meaning[key] > without[key] + 0.1 for key in with_meaning.keys() & without.keys())


async def test_a_partly_encoded_library_ranks_by_words_alone(meaning_library: Library, store: Store):
    await meaning_library.vectors.encode_pending(limit=40)
    query = "opposing US funding for Israel's military, like the Iron Dome vote"
    results = await meaning_library.search(query, limit=10)
    unencoded = await store.fetchall(
        "SELECT 1 FROM passages p JOIN essays e ON e.id = p.essay_id LEFT JOIN passage_vectors v"
        f" ON v.passage_id = p.id WHERE v.passage_id IS NULL AND e.slug || ':' || p.paragraph IN"
        f" ({','.join('?' * len(results))})", [r.passage_id for r in results])
    assert unencoded, "some of the candidates must still lack a vector"
    assert [(r.passage_id, r.score) for r in results] == \
           [(r.passage_id, r.score) for r in await Library(store).search(query, limit=10)]


async def test_short_queries_and_quoted_phrases_rank_by_words_alone(meaning_library: Library, store: Store):
    await meaning_library.vectors.encode_all()
    for query in ("Comintern", "Franz Fanon", "China Israel Gaza", "dubble trauma of nationalist exlusion",
                  "robust and rigourous understanding of there contradictions"):
        assert len(query.split()) < search.MEANING_MIN_WORDS or search.QUOTED <= \
            max(fuzz.partial_ratio(" ".join(pieces(fold(query))), body) for (body,) in
                await store.fetchall("SELECT body FROM passages"))
        assert [(r.passage_id, r.score) for r in await meaning_library.search(query)] == \
               [(r.passage_id, r.score) for r in await Library(store).search(query)]


async def test_a_question_in_other_words_finds_the_passage_that_answers_it(meaning_library: Library, store: Store):
    # "The top-down camp" is the essay's "internationalism from above": no shared words say so.
    await meaning_library.vectors.encode_all()
    query = "what did the top-down camp tell US socialists to do about Ecuador?"
    best = (await meaning_library.search(query, limit=1))[0]
    assert "show no open solidarity with the Indigenous movement" in best.text
    assert "show no open solidarity" not in (await Library(store).search(query, limit=1))[0].text


async def test_encoding_gives_way_to_another_writer_instead_of_stalling_the_bot(meaning_library: Library,
                                                                               store: Store, tmp_path: Path):
    with sqlite3.connect(tmp_path / "test.sqlite3", isolation_level=None) as other:
        other.execute("BEGIN IMMEDIATE")  # e.g. the command line writing while the bot runs
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await meaning_library.vectors.encode_pending(limit=1)
        assert time.monotonic() - started < 2.0  # not the 5 s members' writes would wait
        other.execute("COMMIT")
    assert (await store.fetchone("PRAGMA busy_timeout"))[0] == BUSY_TIMEOUT_MS
    assert await meaning_library.vectors.encode_pending(limit=1) == 1


async def test_a_repeated_query_is_encoded_once(store: Store, model: SentenceModel):
    calls: list[list[str]] = []

    class Counting:
        def encode(self, texts):
            calls.append(list(texts))
            return model.encode(texts)

    vectors = PassageVectors(store, Counting())
    first = await vectors.encode_query("what did the caucus propose?")
    again = await vectors.encode_query("what did the caucus propose?")
    await vectors.encode_query("something else entirely")
    assert calls == [["what did the caucus propose?"], ["something else entirely"]]
    assert np.array_equal(first, again)


async def test_the_background_encoder_survives_a_failed_batch(store: Store, model: SentenceModel, monkeypatch, caplog):
    monkeypatch.setattr(vectors_module, "RETRY_SECONDS", 0.05)
    await Library(store).sync_folder(SEEDS)
    failures = [RuntimeError("the model crashed")]

    class FailsOnce:
        def encode(self, texts):
            if failures:
                raise failures.pop()
            return model.encode(texts)

    vectors = PassageVectors(store, FailsOnce())
    encoder = asyncio.create_task(vectors.keep_current())
    try:
        await asyncio.wait_for(_until_encoded(vectors), 60)
    finally:
        encoder.cancel()
    assert not failures and "encoding passages paused (the model crashed)" in caplog.text
