"""CLI commands, grouped by what they work on."""
