"""Discord's size limits and the helpers that keep every message inside them."""

from __future__ import annotations

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FIELDS = 25
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
SELECT_OPTION_LABEL = 100
CUSTOM_ID = 100
CHOICES = 25
CHOICE_NAME = 100
THREAD_NAME = 100
MODAL_TITLE = 45


def cap(text: str, limit: int, *, ellipsis: str = "\u2026") -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when it had to be cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis
