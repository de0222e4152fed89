"""lore: grounded, cited answers over private documents."""
