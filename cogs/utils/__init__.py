"""Discord-side helpers shared by the cogs: the bot class, error replies, checks and Discord's size limits."""
