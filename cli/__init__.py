"""The `lore` command line: the top layer, over the API and the app."""
