"""/debate: see `_cog.py`."""

from ._cog import Debates


async def setup(bot) -> None:
    await bot.add_cog(Debates(bot))
