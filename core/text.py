"""Text normalization shared by the essay loader and the search engine.

Passages are shown as written; matching happens on a folded form where accents, curly quotes and case no longer
matter, so "Kayapó" matches "kayapo" and "it’s" matches "it's".
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
    "\u00df": "ss", "\u1e9e": "ss",  # NFKD leaves the sharp s alone, and it is no letter of [a-z]
    # Invisible characters text copied from the web carries inside words: soft hyphen, zero-width ones, BOM.
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})
_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_PIECE = re.compile(r"[a-z0-9]+")
_SEPARATORS = re.compile(r"['\-]")
_SPACES = re.compile(r"\s+")
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Words that carry no topic: common English function words plus the filler of questions members type
# ("what does it say about ..."). Dropping them keeps ranking on content words and keeps queries fast.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each even
ever few for from further had hadn't has hasn't have haven't having he her here hers herself him himself his how
i if in into is isn't it it's its itself just let's many may me might more most much must my myself no nor not
now of off on once only or other ought our ours ourselves out over own really same say says said shall she
should shouldn't so some such tell than that that's the their theirs them themselves then there there's these
they this those through to too under until up upon us very was wasn't we were weren't what what's when where
which while who whom whose why will with within without won't would wouldn't yes yet you your yours yourself
yourselves
anything something thing things actually
""".split())


def fold(text: str) -> str:
    """Lower-case, straight quotes and hyphens, no accents, "U.S." as "US": the form used for every comparison."""
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text.translate(_QUOTES))
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _SPACES.sub(" ", text).strip().lower()


def acronyms(text: str) -> frozenset[str]:
    """Folded acronyms in a member's own writing ("US", "U.S.", "DSA"): "US" is a country there, not "us". A text
    in capitals throughout has none: its capitals say nothing."""
    if not any(c.islower() for c in text):
        return frozenset()
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    return frozenset(match.lower() for match in _ACRONYM.findall(text))


def words(folded: str) -> list[str]:
    """Words of already-folded text; hyphenated and apostrophe compounds stay whole ("top-down", "wet'suwet'en")."""
    return _WORD.findall(folded)


def pieces(folded: str) -> list[str]:
    """Words of already-folded text with compounds broken up: "top-down view" -> ["top", "down", "view"]."""
    return _PIECE.findall(folded)


def compounds(folded: str) -> list[str]:
    """Hyphen and apostrophe compounds written as one word: "wet'suwet'en" -> ["wetsuweten"]."""
    return [_SEPARATORS.sub("", w) for w in _WORD.findall(folded) if "-" in w or "'" in w]



_NOISE = re.compile(r"https?://\S+|<a?:\w+:\d+>|<[@#][!&]?\d+>|`{3}.*?`{3}", re.DOTALL)


def query_from_message(content: str, limit: int) -> str:
    """What to search for from a chat message: its words without links, mentions or code, cut at a word boundary."""
    text = _SPACES.sub(" ", _NOISE.sub(" ", content)).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def echo(text: object, limit: int = 80) -> str:
    """Member input quoted back in an error, on one line and short enough that the sentence stays a sentence."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
