"""Quote embeds stay inside Discord's limits whatever the essays hold: long titles, many essays, huge passages."""

from __future__ import annotations

import pytest

from cogs.quotes._embeds import (build_compare_embed, build_context_embed, build_library_pages,
                                 build_posted_quote_embed, build_reading_pages, build_result_embed, highlight,
                                 quoted)
from core.library import EssayInfo
from core.passage_records import PassageRecord, SearchResult

LONG = "Long " * 60  # 300 characters


def result(n: int, *, title: str = LONG, text: str = "word " * 2000, section: str = LONG) -> SearchResult:
    return SearchResult(passage_id=f"essay-{n}:{n}", essay_slug=f"essay-{n}", title=title, author=LONG[:100],
                        section=section, paragraph=n, score=1.0, text=text, matched=("word",))


def record(n: int, text: str = "x " * 3000) -> PassageRecord:
    return PassageRecord(key=f"essay:{n}", essay_slug="essay", title=LONG, author=LONG[:100], section=LONG,
                         paragraph=n, text=text)


def assert_within_limits(embed) -> None:
    assert len(embed) <= 6000, len(embed)
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert len(embed.footer.text or "") <= 2048 and len(embed.author.name or "") <= 256


@pytest.mark.parametrize("essays", [1, 2, 9, 25, 40])
def test_compare_fits_any_number_of_essays_with_long_titles(essays: int):
    embed = build_compare_embed("x" * 100, [result(n) for n in range(essays)])
    assert_within_limits(embed)
    assert len(embed.fields) == min(essays, 25)
    for n, field in enumerate(embed.fields):
        quote, _, where = field.value.rpartition("\n\u2014 ")
        assert where.endswith(f"\u00b6{n}")  # the paragraph is always cited, however many essays share the room
        assert len(quote) >= 80 and "**word**" in quote


def test_result_posted_and_context_embeds_fit_huge_passages():
    assert_within_limits(build_result_embed(result(1), index=0, total=5, query="q" * 300,
                                            context=[record(0), record(2)]))
    assert_within_limits(build_posted_quote_embed(record(1)))
    assert_within_limits(build_context_embed([record(0), record(1), record(2)], "essay:1"))


def test_library_and_reading_pages_fit_a_big_library():
    infos = [EssayInfo(f"s{n}", LONG, LONG[:100], "", "", "upload", 10, 3) for n in range(300)]
    pages = build_library_pages(infos)
    assert len(pages) > 1 and all(len(page) <= 6000 for page in pages)
    reading = build_reading_pages(infos[0], [record(n, "y " * 2500) for n in range(1, 30)])
    assert all(len(page) <= 6000 and len(page.description) <= 4096 for _, page in reading)


def test_reading_keeps_sections_in_essay_order_even_when_two_share_a_heading():
    info = EssayInfo("e", "Title", "", "", "", "upload", 4, 3)
    passages = [PassageRecord(f"e:{n}", "e", "Title", "", section, n, f"Paragraph {n}.")
                for n, section in enumerate(["Objections", "Part two", "Objections"], 1)]
    pages = build_reading_pages(info, passages)
    assert [(section, page.description) for section, page in pages] == [
        ("Objections", "`\u00b61` Paragraph 1."), ("Part two", "`\u00b62` Paragraph 2."),
        ("Objections", "`\u00b63` Paragraph 3.")]


def test_a_paragraph_longer_than_a_page_goes_on_over_the_next_with_nothing_lost():
    info = EssayInfo("e", "Title", "", "", "", "upload", 1, 1)
    text = " ".join(f"w{i}*" for i in range(3000))  # every word ends in markup that must stay escaped
    pages = build_reading_pages(info, [PassageRecord("e:7", "e", "Title", "", "", 7, text)])
    bodies = [page.description for _, page in pages]
    assert len(bodies) > 1 and all(len(body) <= 4096 for body in bodies)
    assert bodies[0].startswith("`\u00b67` ") and all(b.startswith("`\u00b67` (continued) ") for b in bodies[1:])
    rejoined = " ".join(b.split(" ", 1 if b is bodies[0] else 2)[-1] for b in bodies)
    assert rejoined == text.replace("*", "\\*")


def test_a_trimmed_quote_keeps_its_match_bold_and_every_bold_pair_whole():
    text = ("*union* _union_ " * 150) + "the final word is solidarity."  # markup to escape, matches to bold
    block = quoted(text, ("union", "solidarity"), 500)
    assert len(block) <= 500 and block.count("**") % 2 == 0 and "**union**" in block
    tail = quoted("filler " * 400 + "and then solidarity at the very end.", ("solidarity",), 500)
    assert "**solidarity**" in tail and tail.startswith("> \u2026")


def test_highlight_escapes_markdown_and_bolds_matched_words_only():
    assert highlight("A *bold* claim: unions win", ["unions"]) == "A \\*bold\\* claim: **unions** win"
    assert highlight("the U.S. empire, and us", ["us"]) == "the **U.S.** empire, and **us**"
