-- Per-server settings; defaults live in core/guild_settings.py, a row exists only once something is set.
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    organizer_role_id INTEGER
);
