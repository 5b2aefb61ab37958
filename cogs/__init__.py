"""Discord features, one module (or package) per feature. Each is thin: parse the interaction, call core, render."""
