"""Query and ingest encoder on onnxruntime: the sentence-transformers model exported once to ONNX.

The whole model (transformer, pooling, normalisation) is exported, so vectors equal the
sentence-transformers ones (cosine > 0.99999) for any model it can trace. onnxruntime runs a
short query in half the time of torch eager on one thread (p50 9.8 vs 18.3 ms for
all-MiniLM-L6-v2 here), which is the largest stage of a search; on batches of 200-word-piece
chunks both are bound by the same fp32 matmuls (docs/benchmarks.md, "Ingest throughput"). The
export comes from the local model files, so nothing is downloaded; it is cached by model files
and torch version, and loading a cached export imports neither torch nor sentence-transformers.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import numpy as np

from core.tokenizer import get_tokenizer
from ingestion.model_files import max_seq_length, model_id_of

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX = "onnx"  # names the encoder in its model id (and so in the embedding cache)


def export_key(model_path: str) -> str:
    """Changes when a model file or the exporting torch changes (its installed version, read
    without importing it)."""
    root = Path(model_path)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    parts = [version("torch")] + [
        f"{p.relative_to(root)}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """One exporter at a time per file: the workers of `lore serve --workers N` start together
    on a fresh home, and the first one's export (~10 s) serves them all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def export(model_path: str, target: Path) -> None:
    """The model's full forward pass (embedding out) as ONNX; written atomically, so another
    process starting at the same time never loads half a file."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu").eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model  # a submodule, so its weights go into the graph

        def forward(self, input_ids, attention_mask, token_type_ids):
            features = dict(zip(INPUTS, (input_ids, attention_mask, token_type_ids), strict=True))
            return self.model(features)["sentence_embedding"]

    sample = tuple(torch.ones((1, 4), dtype=torch.int64) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        # The tracer's notes (shape checks frozen as constants, opset details) hold for every
        # input the encoder gets; they are noise in a service's start-up log.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Encoder(), sample, tmp, input_names=list(INPUTS),
                              output_names=["embedding"], dynamic_axes=axes, opset_version=17,
                              dynamo=False)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


class OnnxEmbedder:
    """The Embedder protocol on onnxruntime. A batch is padded to its longest text only, so
    callers that embed many texts sort them by length first (ingestion/embedding.py)."""

    def __init__(self, model_path: str, cache_dir: Path, threads: int = 1,
                 batch_size: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_id = model_id_of(model_path, ONNX)
        name = model_id_of(model_path).replace("/", "--")
        self.path = cache_dir / f"{name}-{export_key(model_path)}.onnx"
        if not self.path.exists():
            with exclusive(self.path):
                if not self.path.exists():  # another process may have finished it meanwhile
                    export(model_path, self.path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning workers would hold the cores between questions, which other requests need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(self.path), options,
                                             providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._session.get_outputs()[0].shape[1])
        seq = max_seq_length(model_path)
        self.max_tokens = seq - 2  # minus [CLS] and [SEP], as SentenceTransformerEmbedder
        tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        tok.enable_truncation(seq)  # what sentence-transformers does with longer text
        tok.enable_padding()  # to the longest text of a batch; the attention mask hides it
        self._tok = tok
        self._count = get_tokenizer(model_path).count
        self.batch_size = batch_size

    def count_tokens(self, text: str) -> int:
        return self._count(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = [self._batch(texts[i : i + self.batch_size])
               for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), dtype=np.float32)

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        enc = self._tok.encode_batch(list(texts))
        arrays = {"input_ids": [e.ids for e in enc],
                  "attention_mask": [e.attention_mask for e in enc],
                  "token_type_ids": [e.type_ids for e in enc]}
        feed = {name: np.asarray(arrays[name], dtype=np.int64) for name in self._inputs}
        (vectors,) = self._session.run(None, feed)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
