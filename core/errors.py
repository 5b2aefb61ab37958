"""The errors core raises. Each carries a short sentence meant for the member who caused it."""

from __future__ import annotations


class BotError(Exception):
    """Something the member can fix or should know; `message` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(BotError):
    """The request itself is malformed: too long, empty, out of range, of the wrong kind."""


class NotFound(BotError):
    """What the member named does not exist (in this server)."""


class Forbidden(BotError):
    """The member may not do this."""


class Conflict(BotError):
    """The request clashes with the current state: a duplicate, or something already closed."""


class Unavailable(BotError):
    """Something the bot needs from its machine cannot be used: the database file, a folder."""
