"""Quotes: /quote, the Find passages menu, /compare, and the /essay library."""

from __future__ import annotations

from ._cog import Quotes
from ._essays import Essays


async def setup(bot) -> None:
    await bot.add_cog(Quotes(bot))
    await bot.add_cog(Essays(bot))
