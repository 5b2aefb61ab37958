from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.essays import MAX_NAME, load_folder, parse_essay, slugify


def paragraphs(essay):
    return [(p.section, p.text) for p in essay.passages]


def test_front_matter_sets_metadata_and_markdown_headings_become_sections():
    raw = (b"---\ntitle: On Unions\nauthor: A. Writer\npublication: Zine\nyear: 2021\n---\n"
           b"Opening words.\n\n## Part one\n\nFirst point.\n\nSecond point\nwrapped on two lines.\n")
    essay = parse_essay(raw, source="unions.md")
    assert (essay.title, essay.author, essay.publication, essay.year) == ("On Unions", "A. Writer", "Zine", "2021")
    assert paragraphs(essay) == [("", "Opening words."), ("Part one", "First point."),
                                 ("Part one", "Second point wrapped on two lines.")]


def test_markdown_h1_is_the_title_when_front_matter_has_none():
    essay = parse_essay(b"# A Title\n\nBody text here.\n", source="x.md")
    assert essay.title == "A Title"
    assert paragraphs(essay) == [("", "Body text here.")]


def test_overlong_titles_authors_and_headings_are_cut_to_a_citable_length():
    raw = ("---\nauthor: " + "Collective " * 100 + "\n---\n# " + "Title " * 900 + "\n\n## " + "Heading " * 600
           + "\n\nThe only paragraph.\n").encode()
    essay = parse_essay(raw, source="long.md")
    names = (essay.title, essay.author, essay.passages[0].section)
    assert all(len(name) == MAX_NAME and name.endswith("\u2026") for name in names), [len(n) for n in names]
    assert essay.passages[0].text == "The only paragraph."


def test_markdown_list_items_are_separate_passages():
    essay = parse_essay(b"Tasks:\n\n- first task.\n- second task.\n", source="x.md")
    assert [p.text for p in essay.passages] == ["Tasks:", "- first task.", "- second task."]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # One paragraph per line, as the bundled plain-text essays come.
        ("Title Line\nFirst paragraph, a full sentence.\nSecond paragraph ends here.\n",
         [("", "First paragraph, a full sentence."), ("", "Second paragraph ends here.")]),
        # A short line without closing punctuation between paragraphs is a section heading.
        ("T\n\nIntro sentence.\n\nThe Second Part\n\nMore text.\n",
         [("", "Intro sentence."), ("The Second Part", "More text.")]),
        # Hard-wrapped paragraphs are joined back together.
        ("T\n\nThis paragraph was wrapped by an editor at a fixed\nwidth so its lines end in the middle of a\n"
         "sentence.\n", [("", "This paragraph was wrapped by an editor at a fixed width so its lines end in the "
                             "middle of a sentence.")]),
    ],
)
def test_plain_text_paragraphs_and_headings(body: str, expected):
    assert paragraphs(parse_essay(body.encode(), source="essay.txt")) == expected



@pytest.mark.parametrize(("raw", "source"), [
    (b"# Tenant Power\n\nRent strikes work.\n\n## Tactics\n\nOrganize the building.\n", "t.md"),
    (b"---\ntitle: Tenant Power\n---\n# TENANT POWER\n\nRent strikes work.\n\n## Tactics\n\nOrganize the building.\n",
     "t.md"),
    (b"Tenant Power\n\nRent strikes work.\n\nTactics\n\nOrganize the building.\n", "t.txt"),
])
def test_the_files_own_title_is_not_a_section_when_the_title_is_given(raw: bytes, source: str):
    essay = parse_essay(raw, source=source, title="Tenant Power")
    assert paragraphs(essay) == [("", "Rent strikes work."), ("Tactics", "Organize the building.")]

def test_first_title_like_line_of_plain_text_is_the_title():
    essay = parse_essay(b"A Plain Title\n\nBody sentence.\n", source="essay.txt")
    assert essay.title == "A Plain Title"



@pytest.mark.parametrize(
    ("raw", "source", "title", "author", "expected"),
    [
        # A plain-text byline under the title is neither the title nor a section.
        (b"A Plain Title\nBy Jane Doe\n\nBody sentence.\n", "essay.txt", "A Plain Title", "Jane Doe",
         [("", "Body sentence.")]),
        # The first heading is the title, even one that starts with "By".
        (b"# By Any Means Necessary\n\nThe struggle goes on.\n", "essay.md", "By Any Means Necessary", "",
         [("", "The struggle goes on.")]),
        # A sentence is not a byline, however capitalised.
        (b"# T\n\nBy Working Together We Win.\n\nBody.\n", "essay.md", "T", "",
         [("", "By Working Together We Win."), ("", "Body.")]),
        # A Markdown byline paragraph names the author and stays a passage, so numbering never shifts.
        (b"# T\n\n*By Ana de la Cruz and Sam S.*\n\nBody.\n", "essay.md", "T", "Ana de la Cruz and Sam S.",
         [("", "*By Ana de la Cruz and Sam S.*"), ("", "Body.")]),
        # Front matter wins over a byline.
        (b"---\nauthor: Front Matter\n---\nT\nBy Jane Doe\n\nBody.\n", "essay.txt", "T", "Front Matter",
         [("", "Body.")]),
        # "By the numbers" is a section heading, not a name; a byline after the first paragraph is text.
        (b"# T\n\n## By the numbers\n\nBody.\n\nBy Jane Doe\n", "essay.md", "T", "",
         [("By the numbers", "Body."), ("By the numbers", "By Jane Doe")]),
    ],
)
def test_a_byline_above_the_first_paragraph_names_the_author(raw: bytes, source: str, title: str, author: str,
                                                             expected):
    essay = parse_essay(raw, source=source)
    assert (essay.title, essay.author, paragraphs(essay)) == (title, author, expected)

def test_text_is_kept_as_written_with_curly_quotes_and_accents():
    essay = parse_essay("Kayapó protesters said “no”.\n".encode(), source="x.md")
    assert essay.passages[0].text == "Kayapó protesters said “no”."


def test_passage_ids_depend_only_on_the_file():
    raw = b"---\ntitle: T\n---\nOne.\n\nTwo.\n"
    first, second = parse_essay(raw, source="my-essay.md"), parse_essay(raw, source="my-essay.md")
    assert [p.key for p in first.passages] == ["my-essay:1", "my-essay:2"]
    assert first.content_hash == second.content_hash
    assert [p.key for p in first.passages] == [p.key for p in second.passages]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\xff\xfebroken", "not UTF-8"),
        (b"text with a \x00 byte", "binary"),
        (b"# Only\n\n## Headings\n", "no paragraphs"),
        (b"---\ntitle: never closed\nBody.\n", "never closed"),
        (b"---\nthis line has no colon\n---\nBody.\n", "not 'key: value'"),
    ],
)
def test_broken_files_are_rejected_with_a_reason(raw: bytes, reason: str):
    with pytest.raises(InvalidInput, match=reason):
        parse_essay(raw, source="broken.md")


def test_folder_reports_every_broken_file_and_loads_the_rest(tmp_path: Path):
    (tmp_path / "good.md").write_text("Fine paragraph.\n", encoding="utf-8")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Same slug as good.md.\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    essays, problems = load_folder(tmp_path)
    assert [e.slug for e in essays] == ["good"]
    assert sorted(p.source for p in problems) == ["empty.md", "good.txt", "latin1.txt"]
    assert any("already used" in p.reason for p in problems)


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path):
    essays, problems = load_folder(tmp_path / "nope")
    assert essays == [] and "does not exist" in problems[0].reason
    (tmp_path / "seeds").write_text("a file where the folder should be")
    essays, problems = load_folder(tmp_path / "seeds")
    assert essays == [] and "is a file" in problems[0].reason


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Building International Socialism", "building-international-socialism"),
     ("  Çà et là!  ", "ca-et-la"),
     ("x" * 80, "x" * 48)],
)
def test_slugify(text: str, slug: str):
    assert slugify(text) == slug
