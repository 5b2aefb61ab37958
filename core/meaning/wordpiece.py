"""BERT's uncased WordPiece tokenizer, which the sentence model was trained with.

Text is cleaned, lower-cased and stripped of accents, split on whitespace and punctuation (CJK characters stand
alone), and each word is cut into the longest vocabulary pieces from the left ("##" marks a piece inside a word).
A word that cannot be cut that way becomes [UNK].
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

MAX_WORD_CHARS = 100  # longer "words" (URLs, base64) are not worth cutting up


class WordPiece:
    def __init__(self, vocab_file: Path) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").splitlines()
        self._ids = {token: index for index, token in enumerate(tokens)}
        self.cls, self.sep, self.unk = self._ids["[CLS]"], self._ids["[SEP]"], self._ids["[UNK]"]
        self._pieces = lru_cache(maxsize=50_000)(self._word_pieces)

    def encode(self, text: str, max_length: int) -> list[int]:
        """Token ids of `text` between [CLS] and [SEP], at most `max_length` in all."""
        ids = [piece for word in _words(text) for piece in self._pieces(word)]
        return [self.cls, *ids[: max_length - 2], self.sep]

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_WORD_CHARS:
            return (self.unk,)
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self._ids:
                    pieces.append(self._ids[piece])
                    break
                end -= 1
            else:
                return (self.unk,)
            start = end
        return tuple(pieces)


def _words(text: str) -> list[str]:
    """Lower-cased, accent-free words and single punctuation marks, as BERT's basic tokenizer splits them."""
    text = unicodedata.normalize("NFD", text.lower())
    spaced: list[str] = []
    for char in text:
        code = ord(char)
        category = unicodedata.category(char)
        if code == 0 or code == 0xFFFD or category == "Mn" or (category in ("Cc", "Cf") and char not in "\t\n\r"):
            continue  # control characters and the accents NFD split off
        if char in " \t\n\r" or category == "Zs":
            spaced.append(" ")
        elif _is_punctuation(char, code, category) or _is_cjk(code):
            spaced.append(f" {char} ")
        else:
            spaced.append(char)
    return "".join(spaced).split()


def _is_punctuation(char: str, code: int, category: str) -> bool:
    # BERT counts every non-alphanumeric ASCII symbol ("$", "^", "`") as punctuation, as well as Unicode's P*.
    return 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126 or category.startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)
