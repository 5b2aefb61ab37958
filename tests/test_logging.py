"""Logging at DEBUG does not turn on the libraries' own DEBUG lines, which carry what members wrote and chose."""

from __future__ import annotations

import logging

import bot
from core.settings import Settings


def test_debug_logging_keeps_library_payload_and_sql_logs_off():
    root = logging.getLogger()
    libraries = [logging.getLogger(name) for name in ("discord", "aiosqlite", "matplotlib")]
    before = (root.level, [library.level for library in libraries], list(root.handlers))
    try:
        bot._setup_logging(Settings(log_level="DEBUG"), quiet=False)
        assert root.level == logging.DEBUG
        assert [library.getEffectiveLevel() for library in libraries] == [logging.INFO] * 3
    finally:
        root.setLevel(before[0])
        for library, level in zip(libraries, before[1]):
            library.setLevel(level)
        root.handlers[:] = before[2]
