"""Gateway settings (LORE_*) and the providers file LORE_PROVIDERS names.

The file lists providers in the order they are tried; the extractive answerer is appended
last unless an entry named `extractive` places it, or `extractive: false` leaves it out:

    providers:
      - name: primary
        base_url: http://127.0.0.1:8081/v1   # any OpenAI-compatible server
        api_key: ${PRIMARY_KEY}               # optional; from the environment
        model: smollm2-135m                   # or a mapping: see ModelSpec
    extractive: true
    routes:                                   # optional: the router's chains (pipeline/route.py)
      cheap: [primary]                        # provider names, tried in this order
      strong: [primary]

Without `routes` the router is off unless LORE_ROUTING=on, and then both chains are every
provider in the file's order; the extractive answerer ends each chain as it ends the whole one.

`${NAME}` in any string is replaced by the environment variable NAME; a key is held as a
SecretStr, so neither `repr`, logs nor traces show it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from core.errors import BadInput
from core.models import EXTRACTIVE

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class GatewaySettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    providers: Path | None = None  # the providers file; None: the extractive answerer alone
    # One deadline for all attempts of a request: a user waits this long at most for a model
    # before the extractive answer; generous for a 300-token answer from a hosted model.
    deadline_seconds: float = Field(default=60.0, gt=0)
    # Retries of one provider before the next is tried: two ride out a blip without making a
    # user wait through a provider that is really down (the breaker takes over then).
    retries: int = Field(default=2, ge=0)
    # Base of the full-jitter backoff: the n-th retry waits uniform(0, base * 2**n) seconds.
    retry_backoff_seconds: float = Field(default=0.25, ge=0)
    # Consecutive failures that open a provider's breaker, and how long it stays open before
    # one probe request may try it again.
    breaker_failures: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=30.0, gt=0)


class ModelSpec(BaseModel):
    """A model: what it is called, what it reads and what it costs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    # Tokens of prompt and answer together; the budget plus the answer must fit.
    context_window: int = Field(default=8192, ge=256)
    # How its tokens are counted: "gguf:PATH" (the GGUF file's own vocabulary), "hf:PATH" (a
    # tokenizer.json), or "approx" (OpenAI's cl100k_base, as the extractive answerer counts:
    # exact for GPT-4-class models, approximate for others); see gateway/tokens.py.
    tokenizer: str = "approx"
    # Prices per million tokens; 0 for a model you run yourself.
    price_input: float = Field(default=0.0, ge=0)
    price_output: float = Field(default=0.0, ge=0)
    stream: bool = True  # asked with "stream": true (chunks keep a hang detectable)
    max_tokens: int | None = Field(default=None, ge=1)  # None: the budget's answer reserve
    temperature: float | None = None  # None: the server's default


class ProviderSpec(BaseModel):
    """An OpenAI-compatible chat-completions endpoint and the model asked there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    base_url: str = ""  # empty only for the `extractive` entry
    api_key: SecretStr | None = None
    model: ModelSpec | None = None
    # Seconds to connect, and to wait for the first byte and between chunks of one attempt.
    connect_seconds: float = Field(default=5.0, gt=0)
    timeout_seconds: float = Field(default=15.0, gt=0)
    system: str = "openai"  # gen_ai.system on the traces: the API family it speaks

    @field_validator("model", mode="before")
    @classmethod
    def _model_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @property
    def extractive(self) -> bool:
        return self.name == EXTRACTIVE and not self.base_url


RouteName = Literal["cheap", "strong"]  # the chains a router names (pipeline/route.py)


class ProvidersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    providers: list[ProviderSpec] = Field(min_length=1)
    extractive: bool = True  # False: no extractive fallback (every model down: 502/504)
    # The router's chains: provider names in the order tried; None: no named chains.
    routes: dict[RouteName, list[str]] | None = None


def load_providers(path: Path, env: dict[str, str] | None = None) -> ProvidersFile:
    """The providers file, `${NAME}` references resolved from `env` (the environment)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"LORE_PROVIDERS {path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise BadInput(f"LORE_PROVIDERS {path}: not valid YAML ({exc})") from exc
    try:
        spec = ProvidersFile.model_validate(resolve(raw, os.environ if env is None else env))
    except ValidationError as exc:
        # Field names and messages only: a value could be a key.
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadInput(f"LORE_PROVIDERS {path}: {problems}") from None
    check(spec, path)
    return spec


def resolve(value: Any, env: Any) -> Any:
    """`value` with every ${NAME} in its strings replaced from `env`; unset names are errors."""
    if isinstance(value, str):
        def one(m: re.Match[str]) -> str:
            if m.group(1) not in env:
                raise BadInput(f"LORE_PROVIDERS refers to ${{{m.group(1)}}}, which is not set")
            return str(env[m.group(1)])

        return ENV_REF.sub(one, value)
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    return value


def check(spec: ProvidersFile, path: Path) -> None:
    names = [p.name for p in spec.providers]
    if len(set(names)) != len(names):
        raise BadInput(f"LORE_PROVIDERS {path}: provider names must be unique, got {names}")
    for p in spec.providers:
        if not p.extractive and not (p.base_url and p.model):
            raise BadInput(f"LORE_PROVIDERS {path}: provider {p.name!r} needs base_url and "
                           "model (only the entry named 'extractive' has neither)")
    for route, chain in (spec.routes or {}).items():
        check_chain(chain, names, f"LORE_PROVIDERS {path}: routes.{route}")


def check_chain(chain: list[str], names: list[str], where: str) -> None:
    """A chain names providers of the file (or the extractive answerer), each once."""
    unknown = [n for n in chain if n not in names and n != EXTRACTIVE]
    if not chain or unknown or len(set(chain)) != len(chain):
        raise BadInput(f"{where}: name one or more of the providers {names}, each once "
                       f"(got {chain})")
