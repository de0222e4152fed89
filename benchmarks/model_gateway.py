"""The model gateway, one run, as ratios against the same local model called directly.

    .venv/bin/python benchmarks/model_gateway.py [--rounds 5] [--write]

The model is SmolLM2-135M under llama.cpp's server in this process (gateway/local.py), asked
at temperature 0 so every call writes the same tokens; the failures come from the fault server
of the tests (tests/gateway/faults.py). Measured:
- overhead: the gateway chain's generate() and stream() against one httpx call of the same
  request body (target <= 1.05x);
- time to the first `delta` of a streamed POST /ask against the whole non-streamed /ask;
- failover when the primary hangs: against its timeout plus one direct call (the bound);
- failover when the primary dies after its first tokens (mid-stream): against a direct stream;
- generated tokens per second through lore's stream against the direct stream.
Medians of --rounds calls each, alternated so both sides see the same prompt cache. `--write`
replaces the "Model gateway" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The repository root, for tests/gateway/faults.py (the fault server) beside the packages.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import yaml
from quality_score import write_section

from answer.base import Delta, Draft, GenerationInput, stream
from answer.extractive import ExtractiveAnswerer
from gateway.build import Gateway, build_gateway
from gateway.config import GatewaySettings
from gateway.local import LocalLLM, serve_local
from gateway.messages import messages
from lore.compose import Lore, build
from lore.settings import Settings
from lore.stores import ingestor, load_embedder
from pipeline.state import Query, need
from tests.api.conftest import serving
from tests.gateway.faults import DIE_AFTER_WORDS, fault_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
QUESTION = "How many PTO days do new employees get?"
# Enough answer tokens for a rate to mean something, few enough for a shared machine.
MAX_TOKENS = 48
BUDGET = 512  # the prompt: ~100 tokens/s of prompt reading on a busy 2-core host
HANG_TIMEOUT_S = 2.0  # the hanging primary's timeout_seconds: what failover must wait out
# A long read timeout: on a loaded host a cold 500-token prompt can take 15 s to read.
ENTRY = {"max_tokens": MAX_TOKENS, "temperature": 0}
SLOW_OK = {"timeout_seconds": 120}
NO_CACHE = {"cache_exact": False, "cache_semantic": False}


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def median(values: list[float]) -> float:
    return statistics.median(values)


def tokens_of(draft: Draft) -> int:
    return draft.usage.output_tokens if draft.usage else 0


def statuses(draft: Draft) -> list[str]:
    return [a.status for a in draft.usage.attempts] if draft.usage else []


def chain(tmp: Path, *entries: dict[str, Any]) -> Gateway:
    path = tmp / f"providers-{time.monotonic_ns()}.yaml"
    path.write_text(yaml.safe_dump({"providers": list(entries)}))
    # No retries and a breaker that stays shut: every round must fail over the same way.
    settings = GatewaySettings(providers=path, retries=0, deadline_seconds=120,
                               breaker_failures=1000)
    return build_gateway(settings, ExtractiveAnswerer(), 1024)


def direct(llm: LocalLLM, body: dict[str, Any]) -> tuple[float, float, int]:
    """One call with httpx: (total ms, ms to the first text, generated tokens)."""
    headers = {"Authorization": f"Bearer {llm.api_key}"}
    url, start = f"{llm.base_url}/chat/completions", time.perf_counter()
    if not body["stream"]:
        data = httpx.post(url, json=body, headers=headers, timeout=300).json()
        return ms(start), ms(start), data["usage"]["completion_tokens"]
    first, tokens = 0.0, 0
    with httpx.stream("POST", url, json=body, headers=headers, timeout=300) as r:
        for line in r.iter_lines():
            if not line.startswith("data:") or line.endswith("[DONE]"):
                continue
            event = json.loads(line[5:])
            if not first and any((c.get("delta") or {}).get("content")
                                 for c in event.get("choices") or []):
                first = ms(start)
            tokens = (event.get("usage") or {}).get("completion_tokens", tokens)
    return ms(start), first, tokens


def through(generator: Any, request: GenerationInput) -> tuple[float, float, Draft]:
    """The chain's stream: (total ms, ms to the first delta, the draft)."""
    start, first = time.perf_counter(), 0.0
    for event in stream(generator, request):
        if isinstance(event, Delta) and not first:
            first = ms(start)
        if isinstance(event, Draft):
            return ms(start), first, event
    raise RuntimeError("no draft")


def index(tmp: Path) -> Settings:
    settings = Settings.of(home=tmp / "home", budget_tokens=BUDGET)
    build_ = ingestor(settings, load_embedder(settings))
    try:
        build_.run(CORPUS, promote=True)
    finally:
        build_.close()
    return settings


def overhead(llm: LocalLLM, tmp: Path, request: GenerationInput, rounds: int) -> dict:
    out: dict[str, Any] = {}
    for streamed in (False, True):
        gw = chain(tmp, {**llm.entry("local", stream=streamed, **ENTRY), **SLOW_OK})
        model = gw.generator.links[0]
        body: dict[str, Any] = {
            "model": llm.model, "messages": messages(model.system_prompt, request),
            "stream": streamed, "max_tokens": MAX_TOKENS, "temperature": 0}
        if streamed:
            body["stream_options"] = {"include_usage": True}
        lore_ms, direct_ms, lore_rate, direct_rate = [], [], [], []
        for _ in range(rounds + 1):  # the first round of each warms the prompt cache
            total, first, draft = through(gw.generator, request)
            lore_ms.append(total)
            lore_rate.append(tokens_of(draft) / max(1e-9, (total - first) / 1000))
            total, first, tokens = direct(llm, body)
            direct_ms.append(total)
            direct_rate.append(tokens / max(1e-9, (total - first) / 1000))
        gw.close()
        kind = "stream" if streamed else "whole"
        out[kind] = {"lore_ms": median(lore_ms[1:]), "direct_ms": median(direct_ms[1:])}
        if streamed:
            out["tokens_per_s"] = {"lore": median(lore_rate[1:]),
                                   "direct": median(direct_rate[1:])}
    return out


def ttft(app: Lore, llm: LocalLLM, rounds: int) -> dict:
    from api.app import create_app

    first, whole = [], []
    with serving(create_app(app.settings, app)) as url, httpx.Client(base_url=url,
                                                                     timeout=300) as c:
        for i in range(rounds + 1):
            start = time.perf_counter()
            with c.stream("POST", "/ask", json={"question": QUESTION, "stream": True}) as r:
                lines = r.iter_lines()
                next(line for line in lines if line == "event: delta")
                if i:
                    first.append(ms(start))
                for _ in lines:  # the rest of the stream
                    pass
            start = time.perf_counter()
            body = c.post("/ask", json={"question": QUESTION}).json()
            assert body["usage"]["provider"] == "local", body["usage"]  # not the fallback
            if i:
                whole.append(ms(start))
    return {"first_delta_ms": median(first), "whole_ms": median(whole)}


def failovers(llm: LocalLLM, tmp: Path, request: GenerationInput, rounds: int) -> dict:
    local = {**llm.entry("backup", **ENTRY), **SLOW_OK}
    alone = chain(tmp, {**llm.entry("local", **ENTRY), **SLOW_OK})
    with ExitStack() as stack:
        hang = stack.enter_context(fault_server("hang"))
        die = stack.enter_context(fault_server("die_after"))
        hanging = chain(tmp, {"name": "primary", "base_url": hang.base_url, "model": "x",
                              "timeout_seconds": HANG_TIMEOUT_S}, local)
        dying = chain(tmp, {"name": "primary", "base_url": die.base_url, "model": "x"}, local)
        one, hung, died, died_first, rest = [], [], [], [], []
        for _ in range(rounds + 1):
            total, _, _ = through(alone.generator, request)
            one.append(total)
            total, _, draft = through(hanging.generator, request)
            assert statuses(draft) == ["timeout", "ok"]
            hung.append(total)
            total, first, draft = through(dying.generator, request)
            assert statuses(draft) == ["broken_stream", "ok"]
            died.append(total)
            died_first.append(first)
            # The baseline: the backup's own work, the continuation request sent directly.
            partial = " ".join(draft.text.split(" ")[:DIE_AFTER_WORDS]) + " "
            rest.append(direct(llm, continuation(alone, request, partial))[0])
        for gw in (alone, hanging, dying):
            gw.close()
    return {"one_ms": median(one[1:]), "hang_ms": median(hung[1:]),
            "hang_bound_ms": HANG_TIMEOUT_S * 1000 + median(one[1:]),
            "die_ms": median(died[1:]), "die_first_ms": median(died_first[1:]),
            "rest_ms": median(rest[1:])}


def continuation(gw: Gateway, request: GenerationInput, partial: str) -> dict[str, Any]:
    asked = replace(request, continue_from=partial)
    return {"model": "x", "messages": messages(gw.generator.system_prompt, asked),
            "stream": True, "stream_options": {"include_usage": True},
            "max_tokens": MAX_TOKENS, "temperature": 0}


def report(o: dict, t: dict, f: dict, rounds: int) -> str:
    whole, streamed, rate = o["whole"], o["stream"], o["tokens_per_s"]
    rows = [
        ("gateway overhead, non-streamed call", f"{whole['lore_ms']:.0f} ms",
         f"{whole['direct_ms']:.0f} ms direct", whole["lore_ms"] / whole["direct_ms"]),
        ("gateway overhead, streamed call", f"{streamed['lore_ms']:.0f} ms",
         f"{streamed['direct_ms']:.0f} ms direct", streamed["lore_ms"] / streamed["direct_ms"]),
        ("/ask stream: first delta vs whole /ask", f"{t['first_delta_ms']:.0f} ms",
         f"{t['whole_ms']:.0f} ms", t["first_delta_ms"] / t["whole_ms"]),
        ("failover, primary hangs", f"{f['hang_ms']:.0f} ms",
         f"{f['hang_bound_ms']:.0f} ms = timeout {HANG_TIMEOUT_S:g} s + one call",
         f["hang_ms"] / f["hang_bound_ms"]),
        ("failover, primary dies mid-stream", f"{f['die_ms']:.0f} ms",
         f"{f['rest_ms']:.0f} ms: the continuation, sent directly", f["die_ms"] / f["rest_ms"]),
        ("generated tokens/s, lore stream vs direct", f"{rate['lore']:.1f}",
         f"{rate['direct']:.1f}", rate["lore"] / rate["direct"]),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {r:.3f} |" for a, b, c, r in rows)
    return f"""`.venv/bin/python benchmarks/model_gateway.py --rounds {rounds} --write`:
SmolLM2-135M (llama.cpp, one thread) at temperature 0, {MAX_TOKENS} answer tokens, a
{BUDGET}-token prompt budget; medians of {rounds} calls after a warm-up call. Taken while other
jobs shared the 2-core machine: the absolute times are loaded ones, the ratios compare calls
made side by side.

| measure | through lore | baseline | ratio |
|---|---|---|---|
{table}

The overhead rows compare the gateway chain (retry, breaker, span, fallback, prompt rendering,
usage and cost) with one httpx call of the very same body: target <= 1.05. Time to the first
delta is what a user waits before text appears when streaming. A hanging primary costs its
`timeout_seconds`, then the backup's one call (target: ratio about 1, the
hang costing no more than its timeout). A primary dying after
{DIE_AFTER_WORDS} words is followed by the backup's continuation (the partial answer sent back
with an instruction to go on): the baseline is that same continuation request sent directly,
so the ratio is the price of the failed attempt and the hand-over. The continuation is a
longer call than a first answer: the model, shown a cut-off answer, tends to write until its
`max_tokens`. Its client saw the dying primary's first words after {f['die_first_ms']:.0f} ms."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lore-gateway-bench-") as d, \
            serve_local(api_key="bench-key") as llm:
        tmp = Path(d)
        settings = index(tmp)
        providers = tmp / "api-providers.yaml"
        providers.write_text(yaml.safe_dump({"providers": [
            {**llm.entry("local", **ENTRY), **SLOW_OK}]}))
        # No answer cache: every /ask must reach the model.
        app = build(settings.changed(providers=providers, retries=0, **NO_CACHE))
        try:
            state, _ = app.search(Query(QUESTION))
            prompt = need(state.prompt, "prompt")
            request = GenerationInput(QUESTION, (), prompt.context, standalone=QUESTION)
            o = overhead(llm, tmp, request, args.rounds)
            f = failovers(llm, tmp, request, args.rounds)
            t = ttft(app, llm, args.rounds)
        finally:
            app.close()
    body = report(o, t, f, args.rounds)
    print(body)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", "Model gateway", body)


if __name__ == "__main__":
    main()
