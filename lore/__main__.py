"""`python -m lore`: the same entry point as the `lore` script."""

from lore.cli import main

main()
