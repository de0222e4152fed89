"""CLI sub-commands, grouped by what they touch."""
