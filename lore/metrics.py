"""Prometheus metrics, all named lore_*: counted from each finished trace (so the request path
only records spans) and, at scrape time, read from the registry and the ingest run records.

With several worker processes (`lore serve --workers N`) set PROMETHEUS_MULTIPROC_DIR: each
process writes its own files there and a scrape sums them (prometheus-client's multiprocess
mode); `lore serve` does it under LORE_HOME for its workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.tracing import Trace
from index.base import VersionRegistry
from ingestion.runs import read_records

# Latencies from a cache hit (~1 ms) to a slow model answer (tens of seconds).
SECONDS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
CONTENT_TYPE = CONTENT_TYPE_LATEST
# lore's own registry: a scrape shows lore_* only, not the client library's process metrics.
LORE = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("lore_requests_total", "Requests by flow, index version, prompt version, "
                   "model and outcome", ["flow", "version", "prompt_version", "model", "outcome"],
                   registry=LORE)
LATENCY = Histogram("lore_request_seconds", "Request latency by flow and outcome",
                    ["flow", "outcome"], buckets=SECONDS, registry=LORE)
TTFT = Histogram("lore_time_to_first_token_seconds", "Time to the first streamed token",
                 ["model"], buckets=SECONDS, registry=LORE)
TOKENS = Counter("lore_tokens_total", "Model tokens by model and kind", ["model", "kind"],
                 registry=LORE)
COST = Counter("lore_cost_total", "Model cost by model (the price table's currency)",
               ["model"], registry=LORE)
CACHE = Counter("lore_cache_total", "Cache lookups by kind and result", ["kind", "result"],
                registry=LORE)
GUARD = Counter("lore_guard_verdicts_total", "Guard verdicts by guard and verdict",
                ["guard", "verdict"], registry=LORE)
ATTEMPTS = Counter("lore_provider_attempts_total", "Model calls by provider and status",
                   ["provider", "status"], registry=LORE)
FAILOVERS = Counter("lore_failovers_total", "Requests answered by another provider than the "
                    "first tried", ["provider"], registry=LORE)
ROUTES = Counter("lore_routes_total", "Router decisions by target, rule and model version "
                 "(pipeline/route.py)", ["target", "rule", "model_version"], registry=LORE)

class MetricsSink:
    """A TraceSink that counts what each request did."""

    def export(self, trace: Trace) -> None:
        a: dict[str, Any] = trace.attributes
        outcome = str(a.get("outcome", "answered"))
        model = str(a.get("model") or "extractive")
        REQUESTS.labels(trace.name, str(a.get("version") or ""),
                        str(a.get("prompt_version") or ""), model, outcome).inc()
        if a.get("route"):
            ROUTES.labels(str(a["route"]), str(a.get("route_rule") or ""),
                          str(a.get("model_version") or "")).inc()
        if trace.spans:
            LATENCY.labels(trace.name, outcome).observe(trace.spans[0].duration_ms / 1000)
        for kind in ("input", "output"):
            if a.get(f"{kind}_tokens"):
                TOKENS.labels(model, kind).inc(a[f"{kind}_tokens"])
        if a.get("cost"):
            COST.labels(model).inc(a["cost"])
        for s in trace.spans:
            self._span(s.name, s.attributes, model)

    def _span(self, name: str, attrs: dict[str, Any], model: str) -> None:
        if "ttft_ms" in attrs:
            TTFT.labels(model).observe(attrs["ttft_ms"] / 1000)
        if "cache_hit" in attrs:
            CACHE.labels(str(attrs.get("cache_kind") or "any"),
                         "hit" if attrs["cache_hit"] else "miss").inc()
        if "verdict" in attrs:
            GUARD.labels(name, str(attrs["verdict"])).inc()
        if "gen_ai.system" in attrs and "status" in attrs:
            ATTEMPTS.labels(str(attrs["gen_ai.system"]), str(attrs["status"])).inc()
        if attrs.get("failover_to"):
            FAILOVERS.labels(str(attrs["failover_to"])).inc()


class StateCollector(Collector):
    """At scrape time: chunks and documents per version, ingest runs by outcome."""

    def __init__(self, registry: VersionRegistry, home: Path) -> None:
        self.registry, self.home = registry, home

    def collect(self) -> Iterator[GaugeMetricFamily]:
        chunks = GaugeMetricFamily("lore_index_chunks", "Chunks per index version",
                                   labels=["version", "status"])
        docs = GaugeMetricFamily("lore_index_documents", "Documents per index version",
                                 labels=["version", "status"])
        for v in self.registry.list():
            chunks.add_metric([v.id, str(v.status)], v.chunks)
            docs.add_metric([v.id, str(v.status)], v.documents)
        runs = GaugeMetricFamily("lore_ingest_runs", "Recorded ingest runs by outcome",
                                 labels=["outcome"])
        counts: dict[str, int] = {}
        for r in read_records(self.home):
            counts[str(r.outcome)] = counts.get(str(r.outcome), 0) + 1
        for outcome, n in sorted(counts.items()):
            runs.add_metric([outcome], n)
        yield from (chunks, docs, runs)


def scrape(state: CollectorRegistry) -> bytes:
    """The text exposition of this process's (or, in multiprocess mode, every worker's)
    counters, then `state`'s scrape-time gauges (distinct families: the texts concatenate)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = LORE
    return generate_latest(counted) + generate_latest(state)


def state_registry(registry: VersionRegistry, home: Path) -> CollectorRegistry:
    out = CollectorRegistry()
    out.register(StateCollector(registry, home))
    return out
