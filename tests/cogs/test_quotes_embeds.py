"""Quote embeds stay inside Discord's limits whatever the essays hold: long titles, many essays, huge passages."""

from __future__ import annotations

import pytest

from cogs.quotes._embeds import (build_compare_embed, build_context_embed, build_library_pages,
                                 build_posted_quote_embed, build_reading_pages, build_result_embed, highlight,
                                 quoted)
from core.library import EssayInfo, PassageRecord, SearchResult

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
    assert all("\u2014 " in f.value for f in embed.fields)  # every field keeps a citation


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
    assert all(len(page) <= 6000 and len(page.description) <= 4096 for page in reading)


def test_a_trimmed_quote_keeps_its_match_bold_and_every_bold_pair_whole():
    text = ("*union* _union_ " * 150) + "the final word is solidarity."  # markup to escape, matches to bold
    block = quoted(text, ("union", "solidarity"), 300)
    assert len(block) <= 500 and block.count("**") % 2 == 0 and "**union**" in block
    tail = quoted("filler " * 400 + "and then solidarity at the very end.", ("solidarity",), 300)
    assert "**solidarity**" in tail and tail.startswith("> \u2026")


def test_highlight_escapes_markdown_and_bolds_matched_words_only():
    assert highlight("A *bold* claim: unions win", ["unions"]) == "A \\*bold\\* claim: **unions** win"
    assert highlight("the U.S. empire, and us", ["us"]) == "the **U.S.** empire, and **us**"
