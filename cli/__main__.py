"""`python -m cli`: the same entry point as the `lore` script."""

from cli.main import main

main()
