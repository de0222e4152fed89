"""Grounded, cited answers from assembled context."""
