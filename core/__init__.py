"""The kernel: value types, errors, the tokenizer seam, text analysis and tracing.

Imports nothing from the rest of lore and has no import side effects.
"""
