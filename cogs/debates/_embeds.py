"""Embeds for debates, built by plain functions that keep every part inside Discord's limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import discord

from core.debates import OXFORD_OPTIONS, ROUND_NAMES, Debate, DebateClosed, Format, Results, RoleRequired, Tally
from core.errors import Conflict, Forbidden
from core.passage_records import SearchResult

from ..utils import limits
from ..utils.limits import cap

COLOUR = discord.Colour.dark_red()
BAR_WIDTH = 12
EMBEDS_PER_MESSAGE = 10
PASSAGE_TEXT = 900
PASSAGE_FOOTER = 300
# Room kept for the recently closed debates: five of the longest entries (about 300 characters each) fit.
LIST_CLOSED_ROOM = 1600
FORMAT_NAMES = {Format.POLL: "Poll", Format.PROPOSAL: "Proposal", Format.OXFORD: "Oxford-style debate"}


def when(moment: datetime) -> str:
    """A moment as Discord shows it: in each reader's own time zone."""
    return discord.utils.format_dt(moment, "f")


def role_mention(role_id: int) -> str:
    return f"<@&{role_id}>"


@contextmanager
def worded_for_discord() -> Iterator[None]:
    """Core's errors name times in UTC and roles generically; here they become timestamps and role mentions."""
    try:
        yield
    except DebateClosed as error:
        raise Conflict(error.worded(when(error.closed_at))) from None
    except RoleRequired as error:
        raise Forbidden(error.worded(role_mention(error.role_id))) from None


def bar(share: float) -> str:
    filled = round(share * BAR_WIDTH)
    return "\u2588" * filled + "\u2591" * (BAR_WIDTH - filled)


def tally_lines(tally: Tally) -> str:
    return "\n".join(f"**{option}**\n`{bar(tally.share(i))}` {tally.counts[i]} ({100 * tally.share(i):.0f}%)"
                     for i, option in enumerate(tally.options))


def describe_rules(debate: Debate) -> str:
    parts = [FORMAT_NAMES[debate.format]]
    if debate.format is Format.POLL and debate.max_choices > 1:
        parts.append(f"pick up to {debate.max_choices}")
    if debate.format is Format.OXFORD:
        parts.append(ROUND_NAMES[debate.round])
    if debate.secret:
        parts.append("secret ballot")
    if debate.hide_results:
        parts.append("results hidden until close")
    if debate.quorum:
        parts.append(f"quorum {debate.quorum}")
    if debate.role_id is not None:
        parts.append(f"voting: {role_mention(debate.role_id)}")
    return " \u00b7 ".join(parts)


def build_debate_embed(results: Results) -> discord.Embed:
    """The public message while the debate is open: motion, rules, deadline, live tally (unless hidden)."""
    debate, tally = results.debate, results.tally
    body = f"## {debate.motion}\n{describe_rules(debate)}"
    if debate.format is Format.OXFORD and debate.round == 1:
        body += "\nVote now, then again after the discussion: the result is who moved whom."
    if not debate.hide_results:
        body += "\n\n" + tally_lines(tally)
    embed = discord.Embed(title=f"Debate #{debate.id}", description=cap(body, limits.EMBED_DESCRIPTION),
                          colour=COLOUR)
    embed.add_field(name="Closes", value=f"{when(debate.closes_at)} ({_relative(debate.closes_at)})"
                    if debate.closes_at else "When an organizer closes it")
    if debate.format is Format.OXFORD and debate.round == 1 and debate.advance_at:
        embed.add_field(name="Closing vote opens", value=when(debate.advance_at))
    embed.add_field(name="Turnout", value=_turnout(results))
    embed.set_footer(text="Discuss in the thread below. You can change your vote until the debate closes.")
    return embed


def build_results_embed(results: Results) -> discord.Embed:
    """The final results: bars, turnout, quorum, the winner, Oxford's shift, and the outcome statement."""
    debate, tally = results.debate, results.tally
    body = f"## {debate.motion}\n{describe_rules(debate)}\n\n"
    if results.shift is not None:
        shift = results.shift
        body += f"**Opening vote** ({shift.before.voters} voters)\n{tally_lines(shift.before)}\n\n"
        body += f"**Closing vote** ({tally.voters} voters)\n{tally_lines(tally)}"
    else:
        body += tally_lines(tally)
    status = "Closed" if not debate.is_open else "Open"
    embed = discord.Embed(title=f"Debate #{debate.id} \u2014 results ({status.lower()})",
                          description=cap(body, limits.EMBED_DESCRIPTION), colour=COLOUR)
    embed.add_field(name="Turnout", value=_turnout(results))
    if debate.quorum:
        embed.add_field(name="Quorum", value=f"{'Met' if results.quorum_met else 'Not met'}: "
                        f"{tally.voters} voted, {debate.quorum} needed")
    embed.add_field(name="Winner", value=_winner(results))
    if results.shift is not None:
        embed.add_field(name="Shift", value=_shift(results), inline=False)
        embed.add_field(name="Who moved where", value=_matrix(results), inline=False)
    if debate.closed_at:
        embed.add_field(name="Closed", value=when(debate.closed_at))
    if debate.outcome:
        embed.add_field(name="Outcome", value=cap(debate.outcome, limits.EMBED_FIELD_VALUE), inline=False)
    return embed


def build_hidden_embed(results: Results) -> discord.Embed:
    debate = results.debate
    embed = discord.Embed(title=f"Debate #{debate.id}", colour=COLOUR,
                          description=cap(f"## {debate.motion}\nResults are hidden until the debate closes.",
                                          limits.EMBED_DESCRIPTION))
    embed.add_field(name="Turnout", value=_turnout(results))
    return embed


def build_passage_embeds(passages: Sequence[SearchResult]) -> list[discord.Embed]:
    """One embed per passage: essay and author, the passage, its citation. Every part is capped (title, text,
    footer: at most 1,456 characters together) however long the titles, names and sections an upload may carry."""
    embeds = []
    for passage in passages:
        byline = f" \u2014 {passage.author}" if passage.author else ""
        embed = discord.Embed(title=cap(f"{passage.title}{byline}", limits.EMBED_TITLE),
                              description=cap(passage.text, PASSAGE_TEXT), colour=discord.Colour.dark_grey())
        embed.set_footer(text=cap(f"{passage.citation} \u00b7 id {passage.passage_id}", PASSAGE_FOOTER))
        embeds.append(embed)
    return embeds


def pack_embeds(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """The embeds in order, grouped into messages Discord accepts: at most 10 embeds and 6,000 characters
    (as Discord counts them, which `len(embed)` does) per message."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        if current and (len(current) == EMBEDS_PER_MESSAGE or size + len(embed) > limits.EMBED_TOTAL):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += len(embed)
    if current:
        messages.append(current)
    return messages


def build_list_embed(debates: Sequence[Debate], turnouts: dict[int, int], *, open_total: int) -> discord.Embed:
    """Open debates, newest first, then recently closed ones, in whole lines, as many as fit, saying how many open
    ones were left out. The closed ones keep room of their own, so they show however many debates are open."""
    if not debates:
        return discord.Embed(title="Debates", colour=COLOUR,
                             description="No debates yet: an organizer can open one with /debate start.")
    closed = _fitting([_list_entry(d, turnouts) for d in debates if not d.is_open], LIST_CLOSED_ROOM)
    room = limits.EMBED_DESCRIPTION - len("\n\n".join(closed)) - len(_more_open(open_total)) - 4  # 2 separators
    shown = _fitting([_list_entry(d, turnouts) for d in debates if d.is_open], room)
    left_out = [_more_open(open_total - len(shown))] if open_total > len(shown) else []
    return discord.Embed(title="Debates", description="\n\n".join(shown + left_out + closed), colour=COLOUR)


def _list_entry(debate: Debate, turnouts: dict[int, int]) -> str:
    state = (f"closes {_relative(debate.closes_at)}" if debate.closes_at else "open") if debate.is_open \
        else f"closed {_relative(debate.closed_at)}"
    link = f" \u00b7 [message]({jump_url(debate)})" if debate.message_id else ""
    return (f"**#{debate.id}** {cap(debate.motion, 120)}\n{FORMAT_NAMES[debate.format]} \u00b7 {state}"
            f" \u00b7 {turnouts[debate.id]} voted{link}")


def _fitting(entries: list[str], room: int) -> list[str]:
    """The first entries that fit in `room` characters once joined by blank lines."""
    kept, size = [], -2
    for entry in entries:
        size += len(entry) + 2
        if size > room:
            break
        kept.append(entry)
    return kept


def _more_open(count: int) -> str:
    debates = "debate" if count == 1 else "debates"
    return f"\u2026and {count} more open {debates}: find one by its motion with /debate results."


def jump_url(debate: Debate) -> str:
    return f"https://discord.com/channels/{debate.guild_id}/{debate.channel_id}/{debate.message_id}"


def _relative(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def _turnout(results: Results) -> str:
    voters = results.tally.voters
    if results.shift is not None:
        return f"{results.shift.before.voters} in the opening vote, {voters} in the closing vote"
    return f"{voters} member{'s' if voters != 1 else ''} voted"


def _winner(results: Results) -> str:
    if results.shift is not None:
        winner = results.shift.winner
        if not winner:
            return "No winner: neither side gained more"
        text, standing = f"**{winner}** (gained most)", f"gained most: **{winner}**"
    else:
        leaders = results.tally.leaders
        if not leaders:
            return "Nobody voted"
        text = f"**{leaders[0]}**" if len(leaders) == 1 else "Tie: " + ", ".join(f"**{l}**" for l in leaders)
        blocks = results.tally.counts[3] if results.debate.format is Format.PROPOSAL else 0
        text += f" \u2014 {blocks} block{'s' if blocks != 1 else ''}" if blocks else ""
        standing = f"most votes: {text}"
    if results.debate.quorum and not results.quorum_met:  # a result without quorum does not stand
        why = "the quorum was not met" if not results.debate.is_open else "no quorum yet"
        text = f"None: {why} ({standing})"
    return cap(text, limits.EMBED_FIELD_VALUE)


def _shift(results: Results) -> str:
    shift = results.shift
    return "\n".join(f"{side}: {100 * shift.before.share(i):.0f}% \u2192 {100 * shift.after.share(i):.0f}%"
                     f" ({shift.gains[side]:+.1f} points)" for i, side in enumerate(OXFORD_OPTIONS)
                     if side in shift.gains)


def _matrix(results: Results) -> str:
    shift = results.shift
    width = max(map(len, OXFORD_OPTIONS)) + 1
    lines = [" " * width + "".join(o.rjust(width) for o in OXFORD_OPTIONS)]
    for option, row in zip(OXFORD_OPTIONS, shift.matrix):
        lines.append(option.ljust(width) + "".join(str(n).rjust(width) for n in row))
    text = "Rows: opening vote; columns: closing vote.\n```\n" + "\n".join(lines) + "\n```"
    if shift.unpaired:
        text += f"{shift.unpaired} voted only in the closing vote."
    return text
