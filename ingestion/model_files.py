"""What a sentence-transformers model folder says about itself, read without loading it: a run
that embeds nothing must not pay for importing torch (4.3 s) to learn a name or a width."""

from __future__ import annotations

import json
import os
from pathlib import Path

# What sentence-transformers reads when a model does not say (BERT's position limit).
DEFAULT_MAX_SEQ = 512


def model_id_of(model_path: str, encoder: str | None = None) -> str:
    """Packaged models sit in a generic "model" folder; the parent names them. An encoder whose
    vectors are not bit-identical to sentence-transformers' fp32 ones is named after a '+', so
    the embedding cache (keyed by this id) never hands its vectors to another encoder."""
    norm = os.path.normpath(model_path)
    name = "/".join(norm.split(os.sep)[-2:])
    return f"{name}+{encoder}" if encoder else name


def max_seq_length(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", DEFAULT_MAX_SEQ))
    return DEFAULT_MAX_SEQ


def embedding_dim(model_path: str) -> int:
    """The width of the model's output: the last module that sets one (a Dense layer's
    out_features, else the pooling's input width), else the transformer's hidden size."""
    root = Path(model_path)
    modules = root / "modules.json"
    for module in reversed(json.loads(modules.read_text()) if modules.exists() else []):
        config = root / module.get("path", "") / "config.json"
        if module.get("path") and config.exists():
            values = json.loads(config.read_text())
            for key in ("out_features", "word_embedding_dimension"):
                if key in values:
                    return int(values[key])
    return int(json.loads((root / "config.json").read_text())["hidden_size"])
