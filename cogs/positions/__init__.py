"""/position: members' stance log (see core.positions)."""

from ._cog import Positions


async def setup(bot) -> None:
    await bot.add_cog(Positions(bot))
