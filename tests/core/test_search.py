from __future__ import annotations

import pytest

from core.errors import InvalidInput, NotFound
from core.library import Library
from core.passage_search import unknown_words_note
from core.search import index_text, plan_query
from core.text import fold
from core.vocabulary import Vocabulary

VOCABULARY = Vocabulary([("capital", 40), ("capitol", 1), ("interest", 12), ("strategies", 9), ("topdown", 3),
                         ("top", 20), ("down", 15), ("counter", 4), ("revolution", 6), ("milieu", 1)], passages=100)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Kayapó Mekrãgnoti", "kayapo mekragnoti"), ("It’s “quoted”", "it's \"quoted\""), ("A\u00a0 B\n", "a b"),
     ("top—down", "top-down"), ("the U.S. and the U.K.", "the us and the uk"), ("Straße", "strasse"),
     ("imperi\u200balism in\u00adternational", "imperialism international")],
)
def test_fold_removes_accents_quotes_and_case(text: str, folded: str):
    assert fold(text) == folded


def test_index_keeps_words_in_order_then_compounds_written_as_one():
    assert index_text("Wet’suwet’en top-down").body == "wet suwet en top down wetsuweten topdown"


@pytest.mark.parametrize(
    ("query", "unknown"),
    [
        ("capital interest", ()),                                        # every word as typed
        ("intrest capitol", (("intrest", ("interest",)),)),              # capitol is used, if rarely
        ("the xqzzy revolution", (("xqzzy", ()),)),                      # nothing close: said, not searched
        ("capitals and strategy", ()),                                   # other forms of known words
        ("revolutionn revolutionn", (("revolutionn", ("revolution",)),)),  # a typo, named once
    ],
)
def test_the_plan_names_words_no_essay_uses_with_what_it_searches_instead(query: str, unknown: tuple):
    assert plan_query(query, VOCABULARY).unknown_words == unknown


def test_a_misspelling_is_not_taken_for_another_form_of_a_long_word():
    vocabulary = Vocabulary([("international", 30), ("internationalism", 20)], passages=50)
    assert plan_query("internationl", vocabulary).unknown_words == (("internationl", ("international",)),)


@pytest.mark.parametrize(
    ("matched", "note"),
    [
        (set(), "No essay uses \u201crent\u201d or \u201cstrike\u201d."),
        ({"tent", "big"}, "No essay uses \u201crent\u201d (searched for \u201ctent\u201d) or \u201cstrike\u201d."),
        ({"counter", "revolution", "oren"},
         "No essay uses \u201crent\u201d (searched for \u201coren\u201d) or \u201cstrike\u201d"
         " (searched for \u201ccounter revolution\u201d)."),
    ],
)
def test_the_note_names_only_the_spellings_the_results_shown_matched(matched: set[str], note: str):
    unknown = (("rent", ("tent", "oren")), ("strike", ("counter revolution",)))
    assert unknown_words_note(unknown, matched) == note
    assert unknown_words_note((), matched) is None


@pytest.mark.parametrize(
    ("query", "word", "expected"),
    [
        ("intrest", "intrest", ("interest",)),          # unknown word: corrected
        ("strategys", "strategys", ("strategies",)),
        ("strategy", "strategy", ("strategies",)),       # too far for a typo, yet another form of the word
        ("capitol", "capitol", ("capitol", "capital")),  # rare word next to a frequent spelling: both
        ("mileu", "mileu", ("milieu",)),
        ("counterrevolution", "counterrevolution", ("counter revolution",)),  # joined compound split
    ],
)
def test_query_words_are_widened_with_likely_spellings(query: str, word: str, expected: tuple[str, ...]):
    groups = {g.word: g.alternatives for g in plan_query(query, VOCABULARY).groups}
    assert groups[word][: len(expected)] == expected


def test_split_compound_in_query_also_matches_the_joined_form():
    groups = plan_query("top down", VOCABULARY).groups
    assert "topdown" in groups[0].alternatives


@pytest.mark.parametrize(("query", "kept"), [("US capital", ["us", "capital"]), ("U.S. capital", ["us", "capital"]),
                                             ("let us talk capital", ["talk", "capital"]),
                                             ("WHAT ABOUT US CAPITAL", ["capital"])])
def test_us_written_as_the_country_is_a_search_word_not_a_pronoun(query: str, kept: list[str]):
    vocabulary = Vocabulary([("capital", 40), ("us", 30), ("talk", 5)], passages=100)
    assert [g.word for g in plan_query(query, vocabulary).groups] == kept


def test_question_filler_is_dropped():
    plan = plan_query("what does it say about capital?", VOCABULARY)
    assert [g.word for g in plan.groups] == ["capital"]


async def test_results_carry_citation_fields_and_matched_words(library: Library):
    results = await library.search("double trauma of nationalist exclusion", limit=3)
    top = results[0]
    assert top.passage_id == f"{top.essay_slug}:{top.paragraph}"
    assert top.title == "The contradictions of internationalism from above" and top.author == "Travis S."
    assert top.section == "Coalitions with transnational communities"
    assert "double trauma of nationalist exclusion" in top.text
    assert {"double", "trauma", "nationalist", "exclusion"} <= set(top.matched)
    assert results == sorted(results, key=lambda r: r.score, reverse=True)


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("dubble trauma of nationalist exlusion", "double trauma of nationalist exclusion"),  # typos
        ("Komintern", "the Comintern"),                                                      # misspelled name
        ("Wetsuweten", "Wet’suwet’en"),                                                      # compound written as one
        ("lithium mining indigenous land", "Lithium Nevada"),                                # keywords
    ],
)
async def test_typical_member_queries_find_their_passage_first(library: Library, query: str, phrase: str):
    results = await library.search(query, limit=1)
    assert phrase in results[0].text


async def test_essay_filter_limits_results_to_that_essay(library: Library):
    results = await library.search("China", essay="building-international-socialism-in-a-new-era", limit=5)
    assert results and {r.essay_slug for r in results} == {"building-international-socialism-in-a-new-era"}


async def test_unrelated_words_return_no_results(library: Library):
    assert await library.search("zzzz qqqq", limit=3) == []


@pytest.mark.parametrize(
    ("query", "kwargs", "error"),
    [("   ", {}, InvalidInput), ("x" * 301, {}, InvalidInput), ("china", {"limit": 0}, InvalidInput),
     ("china", {"essay": "no-such-essay"}, NotFound)],
)
async def test_bad_searches_are_refused_with_a_reason(library: Library, query, kwargs, error):
    with pytest.raises(error):
        await library.search(query, **kwargs)
