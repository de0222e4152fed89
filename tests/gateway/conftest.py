"""Chains over the fault server and the real local model, the hand-built context of
tests/answer (policies of a fictional company), and API clients over the sample index."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from answer.base import Draft, Event, GenerationInput
from answer.extractive import ExtractiveAnswerer
from api.app import create_app
from core.models import Context, Usage
from gateway.build import Gateway, build_gateway
from gateway.config import GatewaySettings
from tests.answer.conftest import EXPENSES, LEAVE_CHUNKS, SECURITY, context_of, passage
from tests.gateway.faults import FaultServer, fault_server

# Fast failure paths: no backoff to sit through, a breaker that stays shut unless a test
# lowers it, and a deadline far above any loopback call that is not meant to hang.
FAST = {"retries": 0, "retry_backoff_seconds": 0.0, "breaker_failures": 100,
        "deadline_seconds": 20.0}
# Every /ask of these tests must reach the chain, not the answer cache (pipeline/cache.py).
NO_CACHE = {"cache_exact": False, "cache_semantic": False}
QUESTION = "How many days of paid annual leave do full-time employees get?"
# Asked of the sample index (data/corpus) through the API.
ASKED = "How many PTO days do new employees get?"


@pytest.fixture
def context() -> Context:
    return context_of(
        passage("handbook/leave.md", "Leave policy", ("leave-0", "leave-1"),
                "\n".join(LEAVE_CHUNKS), 0.031),
        passage("finance/expenses.pdf", "Travel and expenses", ("exp-2",), EXPENSES, 0.027,
                page=4),
        passage("it/security.md", "Remote work and security", ("sec-0", "sec-1"), SECURITY,
                0.022, starts=(0, SECURITY.index("The security team"))),
    )


@pytest.fixture
def request_for(context: Context) -> Callable[..., GenerationInput]:
    def make(question: str = QUESTION, **fields: Any) -> GenerationInput:
        return GenerationInput(question, (), context, standalone=question, **fields)

    return make


def usage_of(draft: object) -> Usage:
    """The usage of a draft (every draft of the gateway has one)."""
    assert isinstance(draft, Draft) and draft.usage is not None
    return draft.usage


def last(events: list[Event]) -> Draft:
    """The Draft a stream ends with."""
    assert isinstance(events[-1], Draft)
    return events[-1]


def entry(name: str, base_url: str, **fields: Any) -> dict[str, Any]:
    """A providers-file entry; `timeout_seconds` etc. at the top, model fields in `model`."""
    model = fields.pop("model", {"id": "fault-model"})
    return {"name": name, "base_url": base_url, "model": model, **fields}


@pytest.fixture
def gateway_of(tmp_path: Path) -> Iterator[Callable[..., Gateway]]:
    """Builds a gateway from providers-file entries (and its top-level keys) with FAST
    settings, overridable; closed at the end of the test."""
    made: list[Gateway] = []

    def build(*entries: dict[str, Any], extractive: bool = True, **settings: Any) -> Gateway:
        path = tmp_path / f"providers-{len(made)}.yaml"
        path.write_text(yaml.safe_dump({"providers": list(entries), "extractive": extractive}))
        gw = build_gateway(GatewaySettings(providers=path, **{**FAST, **settings}),
                           ExtractiveAnswerer(), 1024)
        made.append(gw)
        return gw

    yield build
    for gw in made:
        gw.close()


@pytest.fixture
def faults() -> Iterator[Callable[..., FaultServer]]:
    """Starts fault servers (tests/gateway/faults.py) that stop at the end of the test."""
    with ExitStack() as stack:
        def start(default: str = "ok", script: list[str] | None = None,
                  retry_after: float = 1.0) -> FaultServer:
            return stack.enter_context(fault_server(default, script, retry_after))

        yield start


@pytest.fixture
def client_of(sample_index, lore_for, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A TestClient over the sample index whose /ask answers through `entries`, with FAST
    settings, overridable; `client.app.state.lore` is its query side."""
    settings, numbers = sample_index[0], itertools.count()
    with ExitStack() as stack:
        def make(*entries: dict[str, Any], extractive: bool = True,
                 **overrides: Any) -> TestClient:
            path = tmp_path / f"api-providers-{next(numbers)}.yaml"
            path.write_text(yaml.safe_dump({"providers": list(entries),
                                            "extractive": extractive}))
            s = settings.changed(providers=path, **{**FAST, **NO_CACHE, **overrides})
            return stack.enter_context(TestClient(create_app(s, lore_for(s))))

        yield make


def events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of a text/event-stream body."""
    out = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out
