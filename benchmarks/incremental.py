"""Incremental ingest: a full build vs a run with 1% of the pages edited, in one process.

    apt-get install -y python3.11-doc
    .venv/bin/python benchmarks/incremental.py [HTML_DIR]   (default /usr/share/doc/python3.11/html)

The HTML pages (not the bundled _sources/*.txt, which repeat them) are copied to a temp folder;
the full build starts from an empty home and embedding cache. Then 1% of the pages get one
sentence added to their first paragraph and the folder is ingested again, then once more
unchanged with --skip-if-unchanged. Target: incremental <= 5% of the full build's time.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ingestion.pipeline import Ingestor
from ingestion.report import RunReport
from lore import stores
from lore.settings import Settings
from lore.stores import load_embedder

DEFAULT_DOCS = Path("/usr/share/doc/python3.11/html")
EDITED_SHARE = 0.01  # 1% of the pages change between the two runs
TARGET = 0.05  # incremental time / full build time


def copy_pages(src: Path, dst: Path) -> list[Path]:
    pages = sorted(p for p in src.rglob("*.html") if p.relative_to(src).parts[0][0] not in "._")
    for page in pages:
        target = dst / page.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    return [dst / p.relative_to(src) for p in pages]


def edit(pages: list[Path]) -> list[Path]:
    """Evenly spread pages get a sentence added to their first paragraph."""
    n = max(1, round(len(pages) * EDITED_SHARE))
    chosen = [pages[(2 * k + 1) * len(pages) // (2 * n)] for k in range(n)]
    for i, page in enumerate(chosen):
        html = page.read_text()
        page.write_text(html.replace("<p>", f"<p>Edited for the benchmark, change {i}. ", 1))
    return chosen


@dataclass(frozen=True)
class Timed:
    report: RunReport
    wall: float
    cpu: float  # all threads of this process: steadier than wall time on a shared machine


def timed(ingestor: Ingestor, docs: Path, skip: bool = False) -> Timed:
    wall, cpu = time.perf_counter(), time.process_time()
    report = ingestor.run(docs, promote=True, skip_if_unchanged=skip)
    return Timed(report, time.perf_counter() - wall, time.process_time() - cpu)


def row(name: str, t: Timed) -> str:
    r = t.report
    counts = (f"{r.embedded} | {r.carried} | {r.reused - r.carried}" if r.built
              else "- | - | -")
    return (f"| {name} | {r.new}/{r.changed}/{r.unchanged}/{r.deleted} | {r.chunks} | "
            f"{counts} | {t.wall:.1f} | {t.cpu:.1f} |")


def main(src: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs, settings = Path(tmp) / "docs", Settings.of(home=Path(tmp) / "home")
        pages = copy_pages(src, docs)
        embedder = load_embedder(settings)
        embedder.embed(["warm-up: first calls pay for lazy initialisation"] * 64)
        ingestor = stores.ingestor(settings, embedder)
        full = timed(ingestor, docs)
        edited = edit(pages)
        incremental = timed(ingestor, docs)
        unchanged = timed(ingestor, docs, skip=True)
    print(f"{len(pages)} pages from {src}; edited: {', '.join(p.name for p in edited)}\n")
    print("| run | new/changed/unchanged/deleted | chunks | embedded | carried | from cache "
          "| wall s | CPU s |")
    print("|---|---|---|---|---|---|---|---|")
    print(row("full build", full))
    print(row(f"incremental, {len(edited)} pages edited", incremental))
    print(row("unchanged, --skip-if-unchanged", unchanged))
    for name, a, b in (("wall", incremental.wall, full.wall), ("CPU", incremental.cpu, full.cpu)):
        verdict = "met" if a <= TARGET * b else "MISSED"
        print(f"\nincremental / full, {name} time = {a / b:.1%} "
              f"(target <= {TARGET:.0%}: {verdict})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DOCS)
