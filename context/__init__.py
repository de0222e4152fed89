"""Token-budgeted context assembly."""
