"""Offline always: no library phones home or looks for hub updates."""

from __future__ import annotations

import os

# unstructured reports usage unless told not to; Hugging Face libraries check the hub.
OFFLINE = ("DO_NOT_TRACK", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")


def stay_offline() -> None:
    """Called by every entry point before any model or parser library is imported."""
    for var in OFFLINE:
        os.environ.setdefault(var, "1")
