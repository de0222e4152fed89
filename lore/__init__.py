"""lore: grounded, cited answers over private documents (the app: settings, composition root,
promotion, serving statistics)."""
