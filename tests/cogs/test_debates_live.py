"""The deadline scheduler: every debate settled in a pass is announced, even when another's announcement fails."""

from __future__ import annotations

import asyncio

import aiohttp

from cogs.debates._live import DeadlineScheduler


class DueDebates:
    """Stands in for DebateRepo: one pass settles the given debates, then nothing is due."""

    def __init__(self, settled: list[tuple[str, str]]) -> None:
        self._settled = settled

    async def settle_due(self) -> list[tuple[str, str]]:
        settled, self._settled = self._settled, []
        return settled

    async def next_due(self) -> None:
        return None


class Named(str):
    @property
    def id(self) -> str:
        return self


async def test_one_failed_announcement_does_not_keep_the_others_of_the_pass_unannounced():
    announced: list[str] = []

    async def on_settled(debate: str, what: str) -> None:
        if debate == "first":
            raise aiohttp.ClientConnectionError("connection reset")
        announced.append(f"{debate} {what}")

    scheduler = DeadlineScheduler(DueDebates([(Named("first"), "closed"), (Named("second"), "closed"),
                                              (Named("third"), "advanced")]), on_settled)
    scheduler.start()
    try:
        for _ in range(100):
            if len(announced) == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        scheduler.stop()
    assert announced == ["second closed", "third advanced"]
