"""Everything the chapter bot does that is not Discord: essays, search, debates, positions, storage.

Nothing in this package imports discord; the cogs and the command line both build on it.
"""

__version__ = "0.1.0"
