"""Discord's JSON error bodies and the exceptions the driver raises at test authors."""

from __future__ import annotations

from typing import Any

# Discord JSON error codes used by the fake (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_USER = 10013
UNKNOWN_APPLICATION = 10002
UNKNOWN_INTERACTION = 10062
UNKNOWN_APPLICATION_COMMAND = 10063
CANNOT_EDIT_OTHERS_MESSAGE = 50005
CANNOT_SEND_EMPTY_MESSAGE = 50006
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
INTERACTION_ALREADY_ACKNOWLEDGED = 40060
THREAD_ALREADY_CREATED = 160004
THREAD_LOCKED = 160005
UNAUTHORIZED = 0


class ApiError(Exception):
    """An error response: raised inside route handlers, rendered as Discord renders it."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f'{status} {code}: {message}')
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {'message': self.message, 'code': self.code}
        if self.errors:
            body['errors'] = self.errors
        return body


class FormErrors:
    """Collects field errors under their JSON paths into Discord's nested ``errors`` shape.

    ``add('embeds.0.title', 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.')`` becomes
    ``{'embeds': {'0': {'title': {'_errors': [{'code': ..., 'message': ...}]}}}}``.
    """

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}
        self.flat: list[tuple[str, str, str]] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.flat.append((path, code, message))
        node = self.errors
        for part in [p for p in path.split('.') if p]:
            node = node.setdefault(part, {})
        node.setdefault('_errors', []).append({'code': code, 'message': message})

    def max_length(self, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, 'BASE_TYPE_MAX_LENGTH', f'Must be {limit} or fewer in length.')

    def length_between(self, path: str, value: Any, low: int, high: int) -> None:
        if not isinstance(value, str) or not low <= len(value) <= high:
            self.add(path, 'BASE_TYPE_BAD_LENGTH', f'Must be between {low} and {high} in length.')

    def max_items(self, path: str, items: Any, limit: int) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.add(path, 'BASE_TYPE_MAX_LENGTH', f'Must be {limit} or fewer in length.')

    def required(self, path: str) -> None:
        self.add(path, 'BASE_TYPE_REQUIRED', 'This field is required')

    def __bool__(self) -> bool:
        return bool(self.flat)

    def raise_if_any(self) -> None:
        if self.flat:
            raise ApiError(400, INVALID_FORM_BODY, 'Invalid Form Body', self.errors)


class DriverError(AssertionError):
    """A test asked the fake for something a real Discord client could not do (e.g. click a button
    that does not exist, run a command that was never synced)."""


class UnknownCommand(DriverError):
    pass


class InvalidOptions(DriverError):
    pass


class InvalidComponent(DriverError):
    pass


class NotPermitted(DriverError):
    """The member may not use this command here (Discord would not even show it)."""


class Timeout(AssertionError):
    """The bot did not do what the test waited for in time."""
