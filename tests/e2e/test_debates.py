"""/debate end to end: the real bot in this process, the fake Discord, every path a member or organizer takes."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import sys
import threading
import time

import pytest

from tests.fakediscord import FakeDiscord, InvalidComponent, P
from tests.fakediscord.world import Overwrite

from .debate_helpers import (db_rows, db_write, debate_id, edits_of, fresh, open_debate, organizer, planted_buttons,
                             reply_to)

MOTION = 'Build international socialism through mass parties'


@pytest.fixture
def org(fake):
    return organizer(fake)


def member(fake, name, **kwargs):
    return fake.world.add_member(fake.guild, name, **kwargs)


async def test_a_poll_opens_with_buttons_a_thread_and_essay_passages(fake: FakeDiscord, chapter_bot, org):
    message, reply = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No | Later',
                                       duration='2h')
    assert f'Debate #{debate_id(message)} is open' in reply
    assert message.custom_ids == [f'debate:vote:{debate_id(message)}:{i}' for i in range(3)]
    assert '<t:' in message.embeds[0]['fields'][0]['value']  # the deadline as a Discord timestamp
    thread = await fake.wait_for_thread(fake.default_channel)
    assert thread.id == message.id
    passages = await fake.wait_for(lambda: [e for m in thread.visible_messages() for e in m.embeds])
    essays = {e['title'] for e in passages}
    assert len(essays) == 2  # both seed essays speak to this motion: one passage each at least


async def test_a_vote_is_acknowledged_changed_and_counted_once(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', duration='1d')
    alice = member(fake, 'alice')
    first = await reply_to(await fake.click(alice, message, f'debate:vote:{debate_id(message)}:0'))
    second = await reply_to(await fake.click(alice, message, f'debate:vote:{debate_id(message)}:1'))
    assert first.startswith('You voted **Yes** \u2014 change it any time before <t:')
    assert second.startswith('You changed your vote to **No**')
    assert db_rows(tmp_path, 'SELECT voter, choices FROM debate_votes') == [(str(alice.id), '1')]
    assert len(db_rows(tmp_path, 'SELECT * FROM debate_vote_history')) == 2
    await fake.wait_for(lambda: 'No**\n`' in fresh(fake, message).embeds[0]['description']
                        and '1 member voted' in str(fresh(fake, message).embeds[0]['fields']), 8)


async def test_tally_edits_are_at_most_one_per_five_seconds_however_fast_votes_come(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    voters = [member(fake, f'm{i}') for i in range(12)]
    pending = [await fake.click(m, message, f'debate:vote:{debate_id(message)}:{i % 3}') for i, m in enumerate(voters)]
    for interaction in pending:
        await interaction.response()
    await fake.wait_for(lambda: '12 members voted' in str(fresh(fake, message).embeds[0]['fields']), 12)
    times = [r.at for r in edits_of(fake, message)]
    assert all(later - earlier >= 4.9 for earlier, later in zip(times, times[1:])), times


async def test_a_proposal_asks_for_a_reason_required_for_disagree_and_block(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='proposal')
    bob = member(fake, 'bob')
    click = await fake.click(bob, message, f'debate:propose:{debate_id(message)}:3')
    modal = await click.modal()
    assert modal['title'] == 'Your vote: Block'
    with pytest.raises(InvalidComponent, match='required'):
        await fake.submit_modal(bob, click, {'reason': ''})
    done = await reply_to(await fake.submit_modal(bob, click, {'reason': 'It splits the chapter'}))
    assert done.startswith('You voted **Block**')
    agree = await fake.click(bob, message, f'debate:propose:{debate_id(message)}:0')
    assert (await reply_to(await fake.submit_modal(bob, agree, {}))).startswith('You changed your vote to **Agree**')
    assert db_rows(tmp_path, 'SELECT choices, reason FROM debate_votes') == [('0', None)]
    assert db_rows(tmp_path, 'SELECT reason FROM debate_vote_history ORDER BY id') == [('It splits the chapter',), (None,)]


async def test_members_writing_reasons_for_the_same_choice_at_once_are_all_counted(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='proposal')
    amy, ben = member(fake, 'amy'), member(fake, 'ben')
    amy_form = await fake.click(amy, message, f'debate:propose:{debate_id(message)}:3')
    ben_form = await fake.click(ben, message, f'debate:propose:{debate_id(message)}:3')
    assert (await reply_to(await fake.submit_modal(amy, amy_form, {'reason': 'Too soon'}))).startswith('You voted')
    assert (await reply_to(await fake.submit_modal(ben, ben_form, {'reason': 'No budget'}))).startswith('You voted')
    assert sorted(db_rows(tmp_path, 'SELECT reason FROM debate_votes')) == [('No budget',), ('Too soon',)]


async def test_a_reason_submitted_after_the_debate_closed_is_refused_and_changes_nothing(fake, chapter_bot, org,
                                                                                         tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='proposal')
    dana = member(fake, 'dana')
    form = await fake.click(dana, message, f'debate:propose:{debate_id(message)}:1')
    await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    assert 'closed' in await reply_to(await fake.submit_modal(dana, form, {'reason': 'Late'}))
    assert db_rows(tmp_path, 'SELECT * FROM debate_votes') == []


async def test_an_oxford_debate_without_a_closing_vote_is_flagged_at_start_and_at_close(fake, chapter_bot, org):
    message, reply = await open_debate(fake, org, motion=MOTION, format='oxford', duration='1d')
    assert 'No closing vote is scheduled' in reply
    await reply_to(await fake.click(member(fake, 'ada'), message, f'debate:vote:{debate_id(message)}:0'))
    closed = await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    assert 'closed in its opening vote' in closed
    _, scheduled = await open_debate(fake, org, motion=MOTION, format='oxford', duration='1d', advance_in='12h')
    assert 'No closing vote' not in scheduled


async def test_results_refused_with_their_chart_are_posted_without_it(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No')
    await reply_to(await fake.click(member(fake, 'eve'), message, f'debate:vote:{debate_id(message)}:0'))
    await fake.wait_for(lambda: '1 member voted' in str(fresh(fake, message).embeds[0]['fields']), 8)
    fake.faults.server_error('/channels/{channel_id}/messages/{message_id}', method='PATCH', status=403)
    await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    closed = await fake.wait_for(lambda: fresh(fake, message).components == [] and fresh(fake, message), 8)
    assert 'results' in closed.embeds[0]['title'] and closed.attachments == [] and 'image' not in closed.embeds[0]
    thread = fake.threads_of(fake.default_channel)[0]
    await fake.wait_for(lambda: any('results are on the debate message' in m.content for m in thread.visible_messages()))


async def test_results_whose_chart_will_not_draw_are_posted_and_shown_without_it(fake, chapter_bot, org, monkeypatch,
                                                                                   caplog):
    def broken_chart(results):
        raise ValueError('matplotlib could not draw this')

    monkeypatch.setattr(sys.modules['cogs.debates._live'], 'render_results', broken_chart)  # the loaded cog's
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No')
    did = str(debate_id(message))
    await reply_to(await fake.click(member(fake, 'eve'), message, f'debate:vote:{did}:0'))
    await reply_to(await fake.slash(org, 'debate close', debate=did))
    closed = await fake.wait_for(lambda: fresh(fake, message).components == [] and fresh(fake, message), 8)
    assert 'results' in closed.embeds[0]['title'] and closed.attachments == [] and 'image' not in closed.embeds[0]
    shown = await (await fake.slash(org, 'debate results', debate=did)).message()
    assert '1 (100%)' in shown.embeds[0]['description'] and shown.attachments == []
    assert 'Outcome recorded' in await reply_to(await fake.slash(org, 'debate outcome', debate=did, text='Adopted'))
    await fake.wait_for(lambda: 'Adopted' in str(fresh(fake, message).embeds[0]['fields']), 8)
    assert 'could not draw the results chart of debate' in caplog.text and 'ValueError' in caplog.text


async def test_results_in_a_channel_locked_against_the_bot_wait_until_they_can_be_shown(fake, chapter_bot, org,
                                                                                          tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(sys.modules['cogs.debates._live'], 'RETRY_AFTER', 0.3)  # the loaded cog's, not a minute
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No')
    did = debate_id(message)
    # Organizers lock the channel before the vote closes; the bot's role has no overwrite, so it loses Send
    # Messages there and, with it, Embed Links and Attach Files: Discord would drop the embed of any edit.
    fake.world.deny(fake.default_channel, fake.guild, P.SEND_MESSAGES)
    edits_before = len(edits_of(fake, message))
    await reply_to(await fake.click(member(fake, 'eve'), message, f'debate:vote:{did}:0'))
    await fake.wait_for(lambda: 'lacks Embed Links' in caplog.text, 8, 'no warning about Embed Links')
    closing = await reply_to(await fake.slash(org, 'debate close', debate=str(did)))
    assert 'is closed' in closing and 'lacks Embed Links' in closing and '/debate results' in closing
    await asyncio.sleep(1.5)  # several retries at the shortened interval
    assert db_rows(tmp_path, 'SELECT results_posted_at FROM debates WHERE id = ?', (did,)) == [(None,)]
    locked = fresh(fake, message)
    assert locked.embeds[0]['title'] == message.embeds[0]['title'] and 'results' not in locked.embeds[0]['title']
    assert locked.components == message.components and locked.attachments == []
    assert len(edits_of(fake, message)) == edits_before  # nothing sent that Discord would strip
    warnings = [r for r in caplog.records if 'lacks Embed Links' in r.getMessage()]
    assert len(warnings) == 1 and f'debate {did} ' in warnings[0].getMessage()
    fake.world.allow(fake.default_channel, fake.guild, P.SEND_MESSAGES)  # unlocked: CHANNEL_UPDATE reaches the bot
    shown = await fake.wait_for(lambda: fresh(fake, message).attachments and fresh(fake, message), 8)
    assert 'results' in shown.embeds[0]['title'] and shown.components == []
    assert shown.attachments[0].filename == 'results.png'
    await fake.wait_for(lambda: db_rows(tmp_path, 'SELECT results_posted_at IS NOT NULL FROM debates') == [(1,)], 8)


async def test_an_oxford_debate_advances_closes_and_reports_the_shift_with_a_chart(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    did = debate_id(message)
    a, b, c = (member(fake, n) for n in 'abc')
    for who, choice in ((a, 0), (b, 2), (c, 2)):
        await (await fake.click(who, message, f'debate:vote:{did}:{choice}')).response()
    assert 'closing vote' in await reply_to(await fake.slash(org, 'debate advance', debate=str(did)))
    for who, choice in ((a, 0), (b, 1), (c, 1)):
        assert 'in the closing vote' in await reply_to(await fake.click(who, message, f'debate:vote:{did}:{choice}'))
    closing = await reply_to(await fake.slash(org, 'debate close', debate=str(did)))
    assert 'is closed; its results are on' in closing
    closed = await fake.wait_for(lambda: fresh(fake, message).attachments and fresh(fake, message), 8)
    fields = {f['name']: f['value'] for f in closed.embeds[0]['fields']}
    assert closed.components == [] and closed.attachments[0].filename == 'results.png'
    assert fields['Winner'].startswith('**Against**')
    assert 'Against: 0% \u2192 67% (+66.7 points)' in fields['Shift']
    assert 'Undecided' in fields['Who moved where']
    thread = fake.threads_of(fake.default_channel)[0]
    await fake.wait_for(lambda: any('closing vote' in m.content for m in thread.visible_messages()))
    await fake.wait_for(lambda: any('has closed' in m.content for m in thread.visible_messages()))


async def test_a_multiple_choice_poll_votes_with_a_select(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='A | B | C', max_choices=2)
    [select] = [c for c in message.iter_components() if c['type'] == 3]
    assert select['max_values'] == 2
    done = await reply_to(await fake.select(member(fake, 'x'), message, select['custom_id'], ['0', '2']))
    assert done.startswith('You voted **A** + **C**')
    assert db_rows(tmp_path, 'SELECT choices FROM debate_votes') == [('0,2',)]


async def test_members_without_the_role_are_refused_and_with_it_may_vote(fake, chapter_bot, org, tmp_path):
    role = fake.world.add_role(fake.guild, 'voters')
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford', role=role)
    refused = await reply_to(await fake.click(member(fake, 'out'), message, f'debate:vote:{debate_id(message)}:0'))
    assert refused == f'Only members with the <@&{role.id}> role can vote in this debate.'
    await reply_to(await fake.click(member(fake, 'in', roles=[role]), message, f'debate:vote:{debate_id(message)}:0'))
    assert len(db_rows(tmp_path, 'SELECT * FROM debate_votes')) == 1


async def test_voting_on_a_closed_debate_says_when_it_closed(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    stale = planted_buttons(fake, fake.default_channel, message.custom_ids)
    await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    [(closed_at,)] = db_rows(tmp_path, 'SELECT closed_at FROM debates')
    text = await reply_to(await fake.click(member(fake, 'late'), stale, message.custom_ids[0]))
    assert text.startswith('This debate closed on <t:') and 'votes are no longer taken' in text
    assert db_rows(tmp_path, 'SELECT * FROM debate_votes') == []


async def test_another_servers_debate_is_never_read_or_changed(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    did = debate_id(message)
    db_write(tmp_path, 'UPDATE debates SET guild_id = 42 WHERE id = ?', (did,))  # now it belongs elsewhere
    assert await reply_to(await fake.click(member(fake, 'x'), message, f'debate:vote:{did}:0')) == (
        'There is no such debate in this server.')
    for command in ('debate close', 'debate advance', 'debate results', 'debate export'):
        assert await reply_to(await fake.slash(org, command, debate=str(did))) == (
            'There is no such debate in this server.'), command
    choices = await (await fake.autocomplete(org, 'debate close', focused='debate', typed='socialism')).choices()
    assert choices == []
    assert db_rows(tmp_path, 'SELECT round, closed_at FROM debates') == [(1, None)]
    assert db_rows(tmp_path, 'SELECT * FROM debate_votes') == []


@pytest.mark.parametrize(('options', 'says'), [
    (dict(motion='   ', format='poll', options='A | B'), 'Give the debate a motion'),
    (dict(motion=MOTION, format='poll', options='Only one'), 'you gave 1'),
    (dict(motion=MOTION, format='poll', options=' | '.join(map(str, range(26)))), 'you gave 26'),
    (dict(motion=MOTION, format='poll', options='A | B | A'), 'listed twice'),
    (dict(motion=MOTION, format='poll', options='A | | B'), 'is empty'),
    (dict(motion=MOTION, format='poll', options='A | B', duration='3 fortnights'), 'is not a duration'),
    (dict(motion=MOTION, format='poll', options='A | B', duration='61d'), "'61d' is too long: durations run from"),
    (dict(motion=MOTION, format='oxford', duration='2d', advance_in='0m'), "'0m' is too short: durations run from"),
    (dict(motion=MOTION, format='poll', options='A | B', quorum=-1), '0 or more'),
    (dict(motion=MOTION, format='proposal', options='A | B'), 'Only polls take options'),
])
async def test_bad_start_requests_get_one_sentence_and_open_nothing(fake, chapter_bot, org, tmp_path, options, says):
    text = await reply_to(await fake.slash(org, 'debate start', **options))
    assert says in text and text.count('. ') == 0 and text.endswith('.')
    assert db_rows(tmp_path, 'SELECT * FROM debates') == []
    assert [m for m in fake.messages_in(fake.default_channel) if m.embeds] == []


async def test_advancing_a_poll_and_closing_twice_are_refused_and_change_nothing(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='A | B')
    did = str(debate_id(message))
    assert await reply_to(await fake.slash(org, 'debate advance', debate=did)) == (
        'Only Oxford debates have a closing vote; this one is a poll.')
    await reply_to(await fake.slash(org, 'debate close', debate=did))
    again = await reply_to(await fake.slash(org, 'debate close', debate=did))
    assert again.startswith('This debate already closed on <t:')
    assert db_rows(tmp_path, 'SELECT round FROM debates') == [(1,)]


async def test_only_organizers_open_close_advance_export_and_record_outcomes(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    plain = member(fake, 'plain')
    did = str(debate_id(message))
    calls = [('debate start', dict(motion=MOTION, format='oxford')), ('debate close', dict(debate=did)),
             ('debate advance', dict(debate=did)), ('debate export', dict(debate=did)),
             ('debate outcome', dict(debate=did, text='We join'))]
    for command, options in calls:
        assert (await reply_to(await fake.slash(plain, command, **options))).startswith('Only organizers'), command


async def test_organizer_role_members_count_as_organizers(fake, chapter_bot):
    role = fake.world.add_role(fake.guild, 'organizers')
    owner = organizer(fake, 'owner')
    await reply_to(await fake.slash(owner, 'settings organizer-role', role=role))
    _, reply = await open_debate(fake, member(fake, 'ro', roles=[role]), motion=MOTION, format='oxford')
    assert 'is open' in reply


async def test_hidden_results_stay_hidden_until_close(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', hide_results=True)
    did = str(debate_id(message))
    assert '`' not in message.embeds[0]['description']
    await reply_to(await fake.click(member(fake, 'v'), message, f'debate:vote:{did}:0'))
    hidden = await (await fake.slash(org, 'debate results', debate=did)).response()
    assert 'hidden until the debate closes' in hidden.embeds[0]['description']
    assert 'hidden until it closes' in await reply_to(await fake.slash(org, 'debate export', debate=did))
    await reply_to(await fake.slash(org, 'debate close', debate=did))
    shown = await (await fake.slash(org, 'debate results', debate=did)).message()
    assert '1 (100%)' in shown.embeds[0]['description'] and shown.attachments


async def test_a_secret_ballot_keeps_no_member_ids_and_exports_counts_only(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', secret=True)
    did = str(debate_id(message))
    voters = [member(fake, f's{i}') for i in range(3)]
    for i, who in enumerate(voters):
        assert 'secret' in await reply_to(await fake.click(who, message, f'debate:vote:{did}:{i % 2}'))
    await reply_to(await fake.slash(org, 'debate close', debate=did))
    stored = repr(db_rows(tmp_path, 'SELECT * FROM debate_votes') + db_rows(tmp_path, 'SELECT * FROM debate_vote_history'))
    assert not any(str(v.id) in stored for v in voters)
    assert db_rows(tmp_path, 'SELECT * FROM debate_ballot_keys') == []
    assert db_rows(tmp_path, 'SELECT * FROM position_entries') == []
    export = await (await fake.slash(org, 'debate export', debate=did)).response()
    rows = list(csv.reader(io.StringIO(export.attachments[0].data.decode())))
    assert rows == [['round', 'option', 'votes'], ['vote', 'Yes', '2'], ['vote', 'No', '1']]


async def test_a_recorded_export_has_each_ballot_and_votes_enter_the_stance_log(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    did = str(debate_id(message))
    voter = member(fake, 'rec')
    await reply_to(await fake.click(voter, message, f'debate:vote:{did}:1'))
    export = await (await fake.slash(org, 'debate export', debate=did)).response()
    rows = list(csv.reader(io.StringIO(export.attachments[0].data.decode())))
    assert rows[1][:3] == [str(voter.id), 'opening vote', 'Against']
    assert db_rows(tmp_path, 'SELECT member_id, stance, source FROM position_entries') == [
        (voter.id, 'Against', f'debate:{did}')]


async def test_the_outcome_is_recorded_after_close_and_shown_with_the_results(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='proposal', quorum=2)
    did = str(debate_id(message))
    early = await reply_to(await fake.slash(org, 'debate outcome', debate=did, text='Adopted'))
    assert early == 'Record the outcome once the debate has closed; close it first.'
    await reply_to(await fake.slash(org, 'debate close', debate=did))
    recorded = await reply_to(await fake.slash(org, 'debate outcome', debate=did, text='Adopted'))
    assert recorded == f'Outcome recorded for Debate #{did}.'  # named as everywhere else: "Debate #12"
    final = await fake.wait_for(lambda: 'Outcome' in str(fresh(fake, message).embeds[0]['fields'])
                                and fresh(fake, message), 8)
    fields = {f['name']: f['value'] for f in final.embeds[0]['fields']}
    assert fields['Outcome'] == 'Adopted' and fields['Quorum'] == 'Not met: 0 voted, 2 needed'


async def test_a_debate_closed_short_of_its_quorum_names_no_winner(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', quorum=3)
    did = debate_id(message)
    for name in ('ann', 'bea'):
        await reply_to(await fake.click(member(fake, name), message, f'debate:vote:{did}:0'))
    await reply_to(await fake.slash(org, 'debate close', debate=str(did)))
    closed = await fake.wait_for(lambda: fresh(fake, message).attachments and fresh(fake, message), 8)
    fields = {f['name']: f['value'] for f in closed.embeds[0]['fields']}
    assert fields['Winner'] == 'None: the quorum was not met (most votes: **Yes**)'
    assert fields['Quorum'] == 'Not met: 2 voted, 3 needed'


async def test_list_and_autocomplete_find_debates_by_motion(fake, chapter_bot, org):
    first, _ = await open_debate(fake, org, motion='Endorse the rent strike', format='proposal')
    await open_debate(fake, org, motion=MOTION, format='oxford')
    choices = await (await fake.autocomplete(org, 'debate results', focused='debate', typed='rent strik')).choices()
    assert choices == [{'name': f'#{debate_id(first)} Endorse the rent strike', 'value': str(debate_id(first))}]
    listing = await (await fake.slash(org, 'debate list')).response()
    assert 'Endorse the rent strike' in listing.embeds[0]['description'] and MOTION in listing.embeds[0]['description']


async def test_each_commands_picker_offers_only_the_debates_that_command_takes(fake, chapter_bot, org):
    async def opened(motion: str, **options) -> str:
        message, _ = await open_debate(fake, org, motion=motion, **options)
        return str(debate_id(message))

    hidden = await opened('Fund the food bank', format='poll', options='Yes | No', hide_results=True)
    opening = await opened('Join the coalition', format='oxford')
    closing = await opened('Endorse the rent strike', format='oxford')
    closed = await opened('Elect a treasurer', format='proposal')
    await reply_to(await fake.slash(org, 'debate advance', debate=closing))
    await reply_to(await fake.slash(org, 'debate close', debate=closed))

    async def offered(command: str) -> set[str]:
        choices = await (await fake.autocomplete(org, f'debate {command}', focused='debate')).choices()
        return {choice['value'] for choice in choices}

    assert await offered('results') == {hidden, opening, closing, closed}
    assert await offered('close') == {hidden, opening, closing}
    assert await offered('advance') == {opening}
    assert await offered('outcome') == {closed}
    assert await offered('export') == {opening, closing, closed}


async def test_a_debate_in_a_private_channel_is_shown_only_to_those_who_can_see_the_channel(fake, chapter_bot, org,
                                                                                           tmp_path):
    insider, outsider = member(fake, 'insider'), member(fake, 'outsider')
    private = fake.world.add_channel(fake.guild, 'leadership', overwrites=[
        Overwrite(fake.guild.id, 0, deny=int(P.VIEW_CHANNEL)),
        *(Overwrite(who.id, 1, allow=int(P.VIEW_CHANNEL)) for who in (fake.world.bot_member(fake.guild), org, insider))])
    message, _ = await open_debate(fake, org, in_channel=private, motion='Expel the treasurer', format='poll',
                                   options='Yes | No')
    did = str(debate_id(message))

    async def sees(who) -> bool:
        listing = await (await fake.slash(who, 'debate list')).response()
        choices = await (await fake.autocomplete(who, 'debate results', focused='debate', typed='treasurer')).choices()
        results = await fake.slash(who, 'debate results', debate=did)
        shown = 'Expel the treasurer' in listing.embeds[0]['description']
        assert bool(choices) == shown
        if shown:
            assert 'Expel the treasurer' in (await results.message()).embeds[0]['description']
        else:
            assert (await results.response()).content == 'There is no such debate in this server.'
        return shown

    assert await sees(insider) and await sees(org) and not await sees(outsider)
    await open_debate(fake, org, motion='Fund the food bank', format='poll', options='Yes | No')
    listing = (await (await fake.slash(outsider, 'debate list')).response()).embeds[0]['description']
    assert 'Fund the food bank' in listing and 'more open' not in listing  # not even counted
    db_write(tmp_path, 'UPDATE debates SET channel_id = 999 WHERE id = ?', (int(did),))  # its channel was deleted
    assert await sees(org) and not await sees(insider)



async def test_the_closing_note_reaches_a_thread_discord_has_archived_meanwhile(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', duration='3d')
    thread = await fake.wait_for_thread(fake.default_channel)
    # A day without messages: Discord archives the thread, as it does to most threads of a debate open for days.
    thread.archived, thread.archived_at = True, time.time()
    fake.gateway.dispatch('THREAD_UPDATE', thread.payload())
    await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    await fake.wait_for(lambda: any('has closed' in m.content for m in thread.visible_messages()))
    assert not thread.archived  # sending the note brought the thread back

async def test_no_debate_message_pings_anyone(fake, chapter_bot, org):
    role = fake.world.add_role(fake.guild, 'voters')
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford', role=role)
    await reply_to(await fake.slash(org, 'debate close', debate=str(debate_id(message))))
    thread = await fake.wait_for_thread(fake.default_channel)
    await fake.wait_for(lambda: any('has closed' in m.content for m in thread.visible_messages()))
    sent = [m for m in fake.messages_in(fake.default_channel) + thread.visible_messages() if m.author.id == fake.world.bot.id]
    assert sent and all(m.mentions == [] and m.mention_roles == [] for m in sent)
    assert all(m.raw.get('allowed_mentions') == {'parse': []} for m in sent)


async def test_forgetting_withdraws_the_vote_from_the_public_tally_too(fake, chapter_bot, org):
    message, _ = await open_debate(fake, org, motion=MOTION, format='poll', options='Yes | No', duration='1d')
    alice = member(fake, 'alice')
    await reply_to(await fake.click(alice, message, f'debate:vote:{debate_id(message)}:0'))
    await fake.wait_for(lambda: '1 member voted' in str(fresh(fake, message).embeds[0]['fields']), 8)
    question = await (await fake.slash(alice, 'position forget')).response()
    confirm = question.message.button(label='Forget')['custom_id']
    assert 'withdrawn' in (await (await fake.click(alice, question.message, confirm)).response()).content
    await fake.wait_for(lambda: '0 members voted' in str(fresh(fake, message).embeds[0]['fields']), 8)


async def test_close_is_acknowledged_at_once_while_the_database_is_busy(fake, chapter_bot, org, tmp_path):
    message, _ = await open_debate(fake, org, motion=MOTION, format='oxford')
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:  # another writer, e.g. a checkpoint or a burst of votes, for 3.5 s
        with sqlite3.connect(tmp_path / 'bot.sqlite3', isolation_level=None) as db:
            db.execute('BEGIN IMMEDIATE')
            locked.set()
            release.wait(3.5)
            db.execute('COMMIT')

    holder = asyncio.create_task(asyncio.to_thread(hold_the_write_lock))
    await asyncio.to_thread(locked.wait)
    closing = await fake.slash(org, 'debate close', debate=str(debate_id(message)))
    response = await closing.response()
    assert response.deferred and response.ephemeral
    assert 'is closed' in (await closing.message(timeout=10)).content
    await holder
    assert db_rows(tmp_path, 'SELECT closed_at IS NOT NULL FROM debates') == [(1,)]
