"""How the query benchmark's costs grow with the corpus: build time, index size on disk, the
memory of `lore serve`, /search latency; a table and a PNG (matplotlib, Agg backend)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Growth:
    chunks: int
    build_s: float  # 0: reused from --home (built by an earlier run)
    disk_mib: float
    rss: dict[str, float] = field(default_factory=dict)  # VmRSS, RssAnon, RssFile (MiB)


def disk_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def growth_table(rows: list[Growth], http: dict[int, list[float]]) -> str:
    lines = ["| chunks | build (s) | index on disk (MiB) | `lore serve` RSS (MiB) | of which "
             "anonymous / file-backed | /search p50 / p95 (ms) |", "|---|---|---|---|---|---|"]
    for g in rows:
        build = f"{g.build_s:.0f}" if g.build_s else "reused"
        ms = http.get(g.chunks, [])
        latency = f"{np.percentile(ms, 50):.1f} / {np.percentile(ms, 95):.1f}" if ms else ""
        rss = g.rss or {"VmRSS": 0.0, "RssAnon": 0.0, "RssFile": 0.0}
        lines.append(f"| {g.chunks:,} | {build} | {g.disk_mib:.0f} | {rss['VmRSS']:.0f} | "
                     f"{rss['RssAnon']:.0f} / {rss['RssFile']:.0f} | {latency} |")
    return "\n".join(lines)


def plot(rows: list[Growth], http: dict[int, list[float]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [g.chunks for g in rows]
    fig, (mem, lat) = plt.subplots(1, 2, figsize=(10, 4))
    mem.plot(n, [g.disk_mib / 1024 for g in rows], "o-", label="index on disk")
    mem.plot(n, [g.rss.get("VmRSS", 0) / 1024 for g in rows], "s-", label="lore serve RSS")
    mem.plot(n, [g.rss.get("RssAnon", 0) / 1024 for g in rows], "^--",
             label="of which anonymous")
    mem.axhline(8, color="grey", linestyle=":", label="8 GiB")
    mem.set(xscale="log", xlabel="chunks", ylabel="GiB", title="Memory and disk")
    mem.legend()
    for q, style in ((50, "o-"), (95, "s--")):
        lat.plot(n, [np.percentile(http[c], q) for c in n], style, label=f"/search p{q}")
    lat.set(xscale="log", xlabel="chunks", ylabel="ms", title="/search over HTTP")
    lat.set_ylim(bottom=0)
    lat.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
