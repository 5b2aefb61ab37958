"""Reading essays from files into citable passages.

An essay file is Markdown (`.md`) or plain text (`.txt`), with optional front matter between `---` lines
(`title`, `author`, `publication`, `year`, `slug`). Headings become section names, every paragraph becomes a passage
numbered from 1; the id `slug:number` depends only on the file, so it is the same after any restart or re-index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInput
from .text import fold

ESSAY_SUFFIXES = (".md", ".txt")
MAX_SLUG = 48
# Titles, authors and section names longer than this are cut: every citation carries them.
MAX_NAME = 200
# Bump when parsing or indexing changes, so stored essays are re-indexed even though their files did not change.
PARSER_VERSION = "5"

_FRONT_KEYS = ("title", "author", "publication", "year", "slug")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_SENTENCE_END = tuple(".,;:!?\u2026\"'\u201d\u2019)")
# "By Jane Doe" above the first paragraph names the author when nothing else does; "By the numbers" is a heading.
_BYLINE = re.compile(r"^[*_]*(?:written\s+)?by\s+(.+?)[*_]*$", re.IGNORECASE)
_NAME_JOINERS = frozenset({"and", "&", "of", "de", "da", "van", "von", "der", "la", "le", "del", "y"})
_INITIAL = re.compile(r"[A-Z][a-z]?\.")  # "S.", "Jr."
MAX_BYLINE_WORDS = 8


@dataclass(frozen=True)
class Passage:
    essay_slug: str
    paragraph: int
    section: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.essay_slug}:{self.paragraph}"


@dataclass(frozen=True)
class Essay:
    slug: str
    title: str
    author: str
    publication: str
    year: str
    source: str
    content_hash: str
    passages: tuple[Passage, ...] = field(repr=False)


@dataclass(frozen=True)
class LoadProblem:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def parse_essay(
    raw: bytes,
    *,
    source: str,
    title: str | None = None,
    author: str | None = None,
    publication: str | None = None,
) -> Essay:
    """Parse one essay file. Explicit arguments win over front matter. Raises InvalidInput saying what is wrong."""
    if not raw.strip():
        raise InvalidInput("the file is empty")
    if b"\x00" in raw:
        raise InvalidInput("the file is binary, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text (save it as UTF-8)") from None
    meta, body = _split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    markdown = not source.lower().endswith(".txt")
    blocks = _markdown_blocks(body) if markdown else _text_blocks(body)

    found_title = title or meta.get("title")
    found_author = author or meta.get("author")
    section = ""
    paragraphs: list[tuple[str, str]] = []
    for kind, value in blocks:
        opening = not paragraphs and section == ""
        if kind == "paragraph":
            if opening and not found_author:
                found_author = _byline(value)  # it stays a passage all the same, keeping the numbering
            paragraphs.append((section, value))
        elif opening and not found_title:
            found_title = value  # the first heading is the title, even one that starts with "By"
        elif opening and fold(value) == fold(found_title):
            continue  # the file's own title, when the title was given: not a section
        elif not paragraphs and (byline := _byline(value)):
            found_author = found_author or byline  # a byline under the title is not a section either
        else:
            section = _name(value)
    if not paragraphs:
        raise InvalidInput("the file has no paragraphs, only headings")

    stem = Path(source).stem
    slug = slugify(meta.get("slug") or (found_title if title else stem))
    if not slug:
        raise InvalidInput("no usable name: give the essay a title with letters or digits")
    passages = tuple(Passage(slug, number, sec, para) for number, (sec, para) in enumerate(paragraphs, start=1))
    digest = hashlib.sha256(PARSER_VERSION.encode() + raw + repr((title, author, publication)).encode()).hexdigest()
    return Essay(
        slug=slug,
        title=_name(found_title or stem.replace("-", " ").replace("_", " ")),
        author=_name(found_author or ""),
        publication=_name(publication or meta.get("publication") or ""),
        year=meta.get("year", "").strip(),
        source=source,
        content_hash=digest,
        passages=passages,
    )


def _byline(text: str) -> str | None:
    """The name in "By Jane Doe", or None. A name is a few capitalised words (joiners such as "de" aside) and ends as
    a name does: an initial ("Travis S.") may close it, a sentence's full stop may not ("By Working Together We Win.")."""
    match = _BYLINE.match(text)
    words = match.group(1).split() if match else []
    if not words or len(words) > MAX_BYLINE_WORDS or not words[0][0].isupper():
        return None
    if not all(w[0].isupper() or w.lower() in _NAME_JOINERS for w in words):
        return None
    if words[-1][-1] in ".!?" and not _INITIAL.fullmatch(words[-1]):
        return None
    return " ".join(words)


def _name(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1].rstrip() + "\u2026"


def load_folder(folder: Path, *, first: Collection[str] = ()) -> tuple[list[Essay], list[LoadProblem]]:
    """Load every essay file in a folder. Broken files are reported and skipped; the rest still load.
    Files named in `first` are read first, so when two files claim one slug, the one already indexed keeps it."""
    essays: list[Essay] = []
    problems: list[LoadProblem] = []
    if not folder.is_dir():
        reason = "the essays folder is a file" if folder.exists() else "the essays folder does not exist"
        return essays, [LoadProblem(str(folder), reason)]
    seen: dict[str, str] = {}
    files = (p for p in folder.iterdir() if p.suffix.lower() in ESSAY_SUFFIXES and p.is_file())
    for path in sorted(files, key=lambda p: (p.name not in first, p.name)):
        try:
            essay = parse_essay(path.read_bytes(), source=path.name)
        except InvalidInput as exc:
            problems.append(LoadProblem(path.name, exc.message))
            continue
        except OSError as exc:
            problems.append(LoadProblem(path.name, f"cannot be read ({exc.strerror})"))
            continue
        if essay.slug in seen:
            problems.append(LoadProblem(path.name, f"its slug '{essay.slug}' is already used by {seen[essay.slug]}"))
            continue
        seen[essay.slug] = path.name
        essays.append(essay)
    return essays, problems


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 3)
    if end == -1:
        raise InvalidInput("the front matter opened with --- is never closed")
    meta: dict[str, str] = {}
    for number, line in enumerate(text[4:end].split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise InvalidInput(f"front matter line {number} is not 'key: value'")
        key = key.strip().lower()
        if key in _FRONT_KEYS:
            meta[key] = value.strip().strip("'\"")
    rest = text[end + 4:]
    return meta, rest[rest.find("\n") + 1:] if "\n" in rest else ""


def _markdown_blocks(body: str) -> list[tuple[str, str]]:
    """('heading', text) and ('paragraph', text) in order; list items are paragraphs of their own."""
    blocks: list[tuple[str, str]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(("paragraph", " ".join(current)))
            current.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        heading = _MD_HEADING.match(stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            blocks.append(("heading", heading.group(2).strip()))
        elif _LIST_ITEM.match(line):
            flush()
            current.append(stripped)
        else:
            current.append(stripped)
    flush()
    return blocks


def _text_blocks(body: str) -> list[tuple[str, str]]:
    """Plain text: one paragraph per line, unless a block is hard-wrapped; short title-like lines are headings."""
    blocks: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", body):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        units = [" ".join(lines)] if _hard_wrapped(lines) else lines
        for unit in units:
            blocks.append(("heading" if _title_like(unit) else "paragraph", unit))
    return blocks


def _hard_wrapped(lines: list[str]) -> bool:
    """A block whose lines end mid-sentence at a similar width was wrapped by an editor, not split by the author."""
    if len(lines) < 2 or any(_LIST_ITEM.match(line) for line in lines):
        return False
    inner = lines[:-1]
    return all(30 <= len(line) <= 100 for line in inner) and sum(not line.endswith(_SENTENCE_END) for line in inner) * 2 > len(inner)


def _title_like(line: str) -> bool:
    return len(line) <= 80 and len(line.split()) <= 12 and not line.endswith(_SENTENCE_END) and not _LIST_ITEM.match(line)
