"""Opening everything the bot and the command line share, in one place, closed on every exit path."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .debates import DebateRepo, ballots_of, forget_member
from .guild_settings import GuildSettingsRepo
from .library import Library, SyncReport
from .meaning import SentenceModel
from .meaning.vectors import PassageVectors
from .positions import PositionLog
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    store: Store
    library: Library
    guild_settings: GuildSettingsRepo
    debates: DebateRepo
    positions: PositionLog
    sync_report: SyncReport | None


@asynccontextmanager
async def open_services(settings: Settings, *, sync_essays: bool = True) -> AsyncIterator[Services]:
    """Open the database, bring its schema up to date and (by default) index new or changed essays and load the
    sentence model. Commands that do not search (sync, backup) leave both out."""
    new = not settings.database_path.exists()
    store = await Store.open(settings.database_path)
    try:
        if new:  # at a first start, as it should be; later, a mistyped DATABASE_PATH
            log.info("created a new, empty database at %s", settings.database_path.resolve())
        applied = await store.migrate()
        if applied:
            log.info("database %s migrated to version %d", settings.database_path.resolve(), applied[-1])
        model = SentenceModel.load() if settings.search_by_meaning and sync_essays else None
        library = Library(store, PassageVectors(store, model) if model else None)
        report = await library.sync_folder(settings.seeds_dir) if sync_essays else None
        if report is not None:
            log.info("essays from %s: %d indexed, %d unchanged, %d removed, %d skipped", settings.seeds_dir.resolve(),
                     len(report.indexed), report.unchanged, len(report.removed), len(report.problems))
            if report.removed:  # their files were deleted, or SEEDS_DIR now points somewhere else
                log.warning("removed %d essay(s) whose files are no longer in %s: %s", len(report.removed),
                            settings.seeds_dir.resolve(), ", ".join(report.removed[:10]))
            await library.warm()
        yield Services(store=store, library=library, guild_settings=GuildSettingsRepo(store), debates=DebateRepo(store),
                       positions=PositionLog(store, forget_votes=forget_member, read_ballots=ballots_of),
                       sync_report=report)
    finally:
        await store.close()
