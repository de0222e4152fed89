"""What the operator console reads besides the versions (admins): ingest runs, eval reports with
their charts, the feedback queue and its export; and what the chat opens from a citation
(readers): the passage with its section, and the original file when it can be sent safely."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from api.auth import AdminDep, ReaderDep
from api.deps import LoreDep
from api.schemas import ChunkOut, EvalOut, FeedbackRowOut, RunOut
from core.errors import NotFound
from core.models import Chunk
from index.payload import VERSION_NAME, check_version
from index.versions import VersionStatus
from ingestion.runs import Outcome, read_records
from lore.compose import Lore

router = APIRouter(tags=["operations"])
# Where `lore eval` writes its reports (cli/commands/eval_cmds.py), under LORE_HOME.
EVALS_DIR = "evals"
# Report folders listed, newest first: months of nightly runs; older ones stay on disk.
MAX_EVALS = 100
# Versions whose index can be read (a failed or building one has no complete shard).
READABLE = (VersionStatus.ACTIVE, VersionStatus.READY, VersionStatus.RETIRED)
# What an original file is sent as: never a type a browser renders as a page (HTML, SVG, a
# Markdown viewer), and always as a download (below).
FILE_TYPES = {".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8"}
TEXT_FILE = "text/plain; charset=utf-8"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".eml"}
# Sandboxed and never sniffed: even a file opened from the downloads cannot run script here.
FILE_HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'",
                "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


@router.get("/runs")
def runs(_: AdminDep, lore: LoreDep,
         limit: Annotated[int, Query(ge=1, le=1000)] = 20) -> list[RunOut]:
    """Recent `lore ingest` runs, newest first, with their skipped and flagged files."""
    records = read_records(lore.settings.home)[::-1][:limit]
    return [RunOut(**{**dataclasses.asdict(r), "outcome": str(r.outcome)}) for r in records]


def _reports(home: Path) -> dict[str, Path]:
    """Report folder name -> folder: the only paths the eval routes read."""
    folder = home / EVALS_DIR
    if not folder.is_dir():
        return {}
    found = sorted((p for p in folder.iterdir() if (p / "report.json").is_file()), reverse=True)
    return {p.name: p for p in found[:MAX_EVALS]}


def _report(lore: Lore, eval_id: str) -> tuple[Path, dict[str, Any]]:
    folder = _reports(lore.settings.home).get(eval_id)
    if folder is None:
        raise NotFound(f"no eval report {eval_id!r} under {EVALS_DIR}/ (run `lore eval`)")
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return folder, {k: v for k, v in report.items() if k != "items"}


def _summary(eval_id: str, folder: Path, report: dict[str, Any]) -> EvalOut:
    fields = {k: report.get(k) for k in ("version", "baseline", "created_at", "eval_set",
                                          "questions")}
    return EvalOut(id=eval_id, overall=report.get("overall") or {},
                   delta=report.get("delta") or {}, chart=(folder / "chart.png").is_file(),
                   **fields)


@router.get("/evals")
def evals(_: AdminDep, lore: LoreDep) -> list[EvalOut]:
    """`lore eval` reports, newest first."""
    return [_summary(name, *_report(lore, name)) for name in _reports(lore.settings.home)]


@router.get("/evals/{eval_id}")
def eval_report(eval_id: str, _: AdminDep, lore: LoreDep) -> dict[str, Any]:
    """report.json without its per-question items: overall, baseline, delta, categories,
    latency and the worst questions."""
    return _report(lore, eval_id)[1]


@router.get("/evals/{eval_id}/chart", response_class=Response, responses={
    200: {"content": {"image/png": {}}, "description": "chart.png of the report"}})
def eval_chart(eval_id: str, _: AdminDep, lore: LoreDep) -> Response:
    chart = _report(lore, eval_id)[0] / "chart.png"
    if not chart.is_file():
        raise NotFound(f"eval report {eval_id!r} has no chart.png")
    return Response(chart.read_bytes(), media_type="image/png")


@router.get("/feedback")
def feedback_queue(_: AdminDep, lore: LoreDep,
                   rating: Annotated[str | None, Query(pattern="^(up|down)$")] = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[FeedbackRowOut]:
    """What users said about answers, newest first."""
    rows = [r for r in lore.observer.feedback.rows()[::-1] if rating in (None, r["rating"])]
    return [FeedbackRowOut(**{**r, "sources": json.loads(r["sources"] or "[]")})
            for r in rows[:limit]]


@router.get("/feedback/export", response_class=Response, responses={
    200: {"content": {"application/x-ndjson": {}}, "description": "eval cases, one a line"}})
def feedback_export(_: AdminDep, lore: LoreDep) -> Response:
    """The eval cases `lore feedback export` writes (JSONL), for `lore eval --set`."""
    cases = lore.observer.feedback.eval_cases()
    return Response("".join(json.dumps(c) + "\n" for c in cases),
                    media_type="application/x-ndjson", headers={
                        "Content-Disposition": 'attachment; filename="feedback-cases.jsonl"'})


def _chunk(lore: Lore, chunk_id: str, version: str | None) -> tuple[str, Chunk]:
    version = check_version(version) if version else lore.active.current()
    if lore.registry.get(version).status not in READABLE:
        raise NotFound(f"index version {version} cannot be read")
    found = lore.store.get(version, [chunk_id])
    if not found:
        raise NotFound(f"no chunk {chunk_id!r} in index version {version}")
    return version, found[0]


# The engine hands payload floats back within a unit in the last place, not always bit for bit
# (about one mtime in eight is 2.4e-7 s off); no edit lands within a microsecond of another.
MTIME_SLACK_S = 1e-6


def original(lore: Lore, version: str, chunk: Chunk, exact: bool) -> Path | None:
    """The file `chunk` came from, if it lies inside the root that the version was built from
    and is still the one indexed: the same modification time, and with `exact` the same bytes
    (hashed only when the file is sent); None otherwise."""
    roots = [r.root for r in read_records(lore.settings.home)
             if r.version == version and r.outcome is Outcome.BUILT]
    if not roots:
        return None
    root = Path(roots[-1]).resolve()
    path = (root / chunk.source).resolve()
    if not path.is_relative_to(root) or not path.is_file() or abs(
            path.stat().st_mtime - chunk.mtime) > MTIME_SLACK_S:
        return None
    if exact and hashlib.sha256(path.read_bytes()).hexdigest() != chunk.doc_hash:
        return None
    return path


# Chunk ids are UUIDs (index/payload.py): anything else is answered 422 by the schema.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ChunkId = Annotated[str, PathParam(pattern=UUID_PATTERN)]
VersionParam = Annotated[str | None, Query(max_length=64, pattern=f"^{VERSION_NAME.pattern}$",
                                           description="default: the active one")]


@router.get("/chunks/{chunk_id}")
def chunk(chunk_id: ChunkId, _: ReaderDep, lore: LoreDep,
          version: VersionParam = None,
          ) -> ChunkOut:
    """A passage as indexed: text, source, page and section; `file` says whether the
    original can be downloaded."""
    version, c = _chunk(lore, chunk_id, version)
    return ChunkOut(chunk_id=c.id, version=version, source=c.source, title=c.title,
                    page=c.page, section=list(c.breadcrumbs), text=c.text, flag=c.flag,
                    file=original(lore, version, c, exact=False) is not None)


@router.get("/chunks/{chunk_id}/file", response_class=Response, responses={
    200: {"content": {"application/octet-stream": {}}, "description": "the original file"}})
def chunk_file(chunk_id: ChunkId, _: ReaderDep, lore: LoreDep,
               version: VersionParam = None) -> Response:
    """The original file of a passage, as a download: unchanged since it was indexed, from
    inside the ingested root, sandboxed, and never as a type a browser would render."""
    version, c = _chunk(lore, chunk_id, version)
    path = original(lore, version, c, exact=True)
    if path is None:
        raise NotFound(f"the original of {c.source} is not available (moved or changed since "
                       f"version {version} indexed it)")
    suffix = path.suffix.lower()
    media = FILE_TYPES.get(suffix) or (TEXT_FILE if suffix in TEXT_SUFFIXES
                                       else "application/octet-stream")
    disposition = f'attachment; filename="{_ascii(path.name)}"'
    return Response(path.read_bytes(), media_type=media,
                    headers={**FILE_HEADERS, "Content-Disposition": disposition})


def _ascii(name: str) -> str:
    """A filename safe inside a quoted header value."""
    return "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_"
                   for ch in name)
