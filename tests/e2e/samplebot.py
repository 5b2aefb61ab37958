"""A small discord.py bot used to self-test the fake (independent of the project's bot).

Each command exercises one thing the fake must support: typed options, subcommands, buttons
(a persistent DynamicItem), selects, modals, autocomplete, context menus, threads, files, and a few
deliberate rule breakers (too long, too slow, acknowledged twice).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

log = logging.getLogger(__name__)


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r'sample:vote:(?P<debate>\d+):(?P<option>\d+)'):
    def __init__(self, debate: int, option: int) -> None:
        super().__init__(discord.ui.Button(label=f'Option {option}', custom_id=f'sample:vote:{debate}:{option}'))
        self.debate = debate
        self.option = option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match['debate']), int(match['option']))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f'voted {self.option} in debate {self.debate}')


class PickView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.select(custom_id='sample:pick', options=[discord.SelectOption(label=x, value=x) for x in 'abc'],
                       max_values=2)
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f'picked {",".join(select.values)}', ephemeral=True)


class ProposalModal(discord.ui.Modal, title='New proposal'):
    motion = discord.ui.TextInput(label='Motion', custom_id='motion', max_length=200)
    notes = discord.ui.TextInput(label='Notes', custom_id='notes', style=discord.TextStyle.paragraph, required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f'proposed: {self.motion.value} ({self.notes.value or "-"})')


class Debate(app_commands.Group):
    """Debate commands."""

    @app_commands.command()
    async def start(self, interaction: discord.Interaction, motion: str, format: Literal['poll', 'open'] = 'poll'):
        """Start a debate.

        Parameters
        ----------
        motion: the motion
        format: how to run it
        """
        view = discord.ui.View(timeout=None)
        view.add_item(VoteButton(7, 1))
        view.add_item(VoteButton(7, 2))
        await interaction.response.send_message(f'debate: {motion} [{format}]', view=view)


class SampleBot(commands.Bot):
    def __init__(self, guild_id: int, **options) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned, intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(), guild_ready_timeout=0.05, **options,
        )
        self.guild_id = guild_id
        self.ready_event = asyncio.Event()

    async def on_ready(self) -> None:
        self.ready_event.set()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton)
        guild = discord.Object(self.guild_id)
        tree = self.tree
        tree.add_command(Debate(name='debate'), guild=guild)

        @tree.command(guild=guild)
        async def echo(
            interaction: discord.Interaction, text: str, count: app_commands.Range[int, 1, 10] = 1,
            loud: bool = False, who: discord.Member | None = None, role: discord.Role | None = None,
            file: discord.Attachment | None = None,
        ):
            """Echo typed options back."""
            body = (await file.read()).decode() if file else '-'
            parts = [text * count, 'LOUD' if loud else 'quiet', who.name if who else '-', role.name if role else '-', body]
            await interaction.response.send_message(' | '.join(parts))

        @tree.command(guild=guild)
        async def about(interaction: discord.Interaction):
            """An ephemeral embed."""
            embed = discord.Embed(title='About', description='sample bot')
            embed.add_field(name='Essays', value='2')
            await interaction.response.send_message(embed=embed, ephemeral=True)

        @tree.command(guild=guild)
        async def slow(interaction: discord.Interaction, seconds: float):
            """Answer after sleeping."""
            await asyncio.sleep(seconds)
            try:
                await interaction.response.send_message('finally')
            except discord.NotFound:
                log.info('slow: interaction expired')

        @tree.command(guild=guild)
        async def twice(interaction: discord.Interaction):
            """Acknowledge twice (the second time through the raw HTTP route)."""
            await interaction.response.send_message('one')
            interaction.response._response_type = None  # make discord.py try again
            try:
                await interaction.response.send_message('two')
            except discord.HTTPException as exc:
                log.info('twice: %s', exc.code)

        @tree.command(guild=guild)
        async def think(interaction: discord.Interaction):
            """Defer, then follow up twice."""
            await interaction.response.defer(thinking=True, ephemeral=True)
            await interaction.followup.send('first')
            await interaction.followup.send('second')

        @tree.command(guild=guild)
        async def propose(interaction: discord.Interaction):
            """Open a modal."""
            await interaction.response.send_modal(ProposalModal())

        @tree.command(guild=guild)
        async def pick(interaction: discord.Interaction):
            """Send a select menu."""
            await interaction.response.send_message('pick some', view=PickView())

        @tree.command(guild=guild)
        async def toolong(interaction: discord.Interaction, size: int = 2001):
            """Send content of the given size."""
            try:
                await interaction.response.send_message('x' * size)
            except discord.HTTPException as exc:
                log.info('toolong: %s', exc.code)

        @tree.command(guild=guild)
        async def manybuttons(interaction: discord.Interaction):
            """Six buttons in one row (Discord allows five)."""
            components = [{'type': 1, 'components': [
                {'type': 2, 'style': 1, 'label': str(i), 'custom_id': f'b{i}'} for i in range(6)]}]
            route = discord.http.Route(
                'POST', '/interactions/{interaction_id}/{token}/callback',
                interaction_id=interaction.id, token=interaction.token,
            )
            try:
                await self.http.request(route, json={'type': 4, 'data': {'content': 'x', 'components': components}})
            except discord.HTTPException as exc:
                log.info('manybuttons: %s', exc.code)

        async def find_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            n = 30 if current == 'many' else 3
            return [app_commands.Choice(name=f'{current}-{i}', value=f'{current}-{i}') for i in range(n)]

        @tree.command(guild=guild)
        @app_commands.autocomplete(essay=find_choices)
        async def find(interaction: discord.Interaction, essay: str, query: str = ''):
            """Autocomplete an essay."""
            await interaction.response.send_message(f'found {essay} {query}')

        @tree.command(guild=guild)
        async def discuss(interaction: discord.Interaction, topic: str):
            """Post a message, open a thread on it, and write in the thread."""
            await interaction.response.send_message('opening', ephemeral=True)
            message = await interaction.channel.send(f'Discussion: {topic}')
            thread = await message.create_thread(name=topic[:100])
            await thread.send('first post')

        @tree.command(guild=guild)
        async def announce(interaction: discord.Interaction, channel: discord.TextChannel):
            """Post into a channel; report a 403 to the member."""
            try:
                await channel.send('announcement')
            except discord.Forbidden as exc:
                await interaction.response.send_message(f'forbidden {exc.code}', ephemeral=True)
            else:
                await interaction.response.send_message('posted', ephemeral=True)

        @tree.command(guild=guild)
        async def upload(interaction: discord.Interaction):
            """Answer with a file."""
            import io
            await interaction.response.send_message('chart', file=discord.File(io.BytesIO(b'PNGDATA'), 'chart.png'))

        @tree.command(guild=guild)
        async def post(interaction: discord.Interaction, text: str):
            """Ack, then post a channel message (retried through 429/5xx by discord.py)."""
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.channel.send(text)
            await interaction.followup.send('done')

        @tree.command(guild=guild)
        @app_commands.default_permissions(manage_guild=True)
        async def admin(interaction: discord.Interaction):
            """Only for managers."""
            await interaction.response.send_message('admin ok', ephemeral=True)

        @tree.context_menu(name='Quote message', guild=guild)
        async def quote_message(interaction: discord.Interaction, message: discord.Message):
            await interaction.response.send_message(f'quoted: {message.content}', ephemeral=True)

        await tree.sync(guild=guild)


async def start_sample_bot(fake) -> tuple[SampleBot, asyncio.Task[None]]:
    fake.configure_discord_py()
    bot = SampleBot(fake.guild.id)
    task = asyncio.create_task(bot.start(fake.token), name='sample-bot')
    await fake.wait_until_ready()
    return bot, task


async def stop_sample_bot(bot: SampleBot, task: asyncio.Task[None]) -> None:
    await bot.close()
    try:
        await asyncio.wait_for(task, 5)
    except (asyncio.CancelledError, Exception):  # the bot's own failure is reported by the test
        pass
