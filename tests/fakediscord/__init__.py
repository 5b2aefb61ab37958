"""A fake Discord (REST v10 + gateway) on 127.0.0.1 for end-to-end tests with the real discord.py.

See :class:`~.driver.FakeDiscord` for the API tests use.
"""

from .driver import FakeDiscord, Interaction, Response
from .errors import ApiError, DriverError, InvalidComponent, InvalidOptions, NotPermitted, Timeout, UnknownCommand
from .permissions import P
from .world import Attachment, Channel, Guild, Member, Message, Role, User, World

__all__ = [
    'FakeDiscord', 'Interaction', 'Response', 'ApiError', 'DriverError', 'InvalidComponent', 'InvalidOptions',
    'NotPermitted', 'Timeout', 'UnknownCommand', 'P', 'Attachment', 'Channel', 'Guild', 'Member', 'Message', 'Role',
    'User', 'World',
]
