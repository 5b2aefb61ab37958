"""Logging at DEBUG does not turn on discord.py's payload logs, which carry what members wrote and chose."""

from __future__ import annotations

import logging

import bot
from core.settings import Settings


def test_debug_logging_keeps_discord_py_payload_logs_off():
    root, library = logging.getLogger(), logging.getLogger("discord")
    before = (root.level, library.level, list(root.handlers))
    try:
        bot._setup_logging(Settings(log_level="DEBUG"), quiet=False)
        assert root.level == logging.DEBUG
        assert library.getEffectiveLevel() == logging.INFO
    finally:
        root.setLevel(before[0])
        library.setLevel(before[1])
        root.handlers[:] = before[2]
