"""The confirmation view (/position forget, /essay remove) answers only the member who asked, and stops after one
choice."""

from __future__ import annotations

from types import SimpleNamespace

import discord

from cogs.utils.views import NOT_YOURS, ConfirmView


class Responder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []
        self.edited: list[dict] = []

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))

    async def edit_message(self, **fields) -> None:
        self.edited.append(fields)


def interaction(user_id: int) -> SimpleNamespace:
    return SimpleNamespace(id=user_id * 10, user=SimpleNamespace(id=user_id), response=Responder(),
                           created_at=discord.utils.utcnow())


async def test_another_member_pressing_is_told_the_buttons_are_not_theirs():
    calls = []

    async def erase(_) -> str:
        calls.append(1)
        return "done"

    view = ConfirmView(interaction(1), "Forget", erase)
    stranger = interaction(2)
    assert await view.interaction_check(stranger) is False
    assert stranger.response.sent == [(NOT_YOURS, True)] and calls == []
    assert await view.interaction_check(interaction(1)) is True


async def test_confirming_runs_the_action_once_and_disables_the_buttons():
    async def erase(_) -> str:
        return "Erased 3 entries."

    owner = interaction(1)
    view = ConfirmView(owner, "Forget", erase)
    await view.confirm.callback(owner)
    assert owner.response.edited[0]["content"] == "Erased 3 entries."
    assert all(item.disabled for item in view.children) and view.is_finished()
