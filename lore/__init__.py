"""lore: grounded, cited answers over private documents."""

import os

# Offline always: unstructured phones home on import unless told not to, and Hugging Face
# libraries look for hub updates. Every entry point imports this package first.
for _var in ("DO_NOT_TRACK", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
    os.environ.setdefault(_var, "1")
