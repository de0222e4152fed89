"""The few lines `lore ingest` prints about a run."""

from __future__ import annotations

from typing import Any

from ingestion.runs import Outcome, RunRecord


def headline(record: RunRecord, promote: bool) -> str:
    v = record.version
    if record.outcome is Outcome.UNCHANGED:
        return f"nothing changed since {v} (same files, same settings): no new version built"
    if record.promoted:
        return f"{v} built and promoted"
    if promote:
        return f"{v} built, not promoted: {record.gate}"
    return f"{v} built (not active: run `lore promote {v}`)"


def summary_lines(record: RunRecord, promote: bool) -> list[str]:
    r: dict[str, Any] = record.report or {}
    lines = [headline(record, promote)]
    if r.get("rebuilt"):
        lines.append(f"pipeline settings differ from {r['base']}'s: full rebuild, nothing carried")
    retrusted = f", re-trusted {r['retrusted']}" if r["retrusted"] else ""
    lines.append(f"documents indexed {r['documents']} of {r['files']} files: new {r['new']}, "
                 f"changed {r['changed']}, unchanged {r['unchanged']}, deleted {r['deleted']}"
                 f"{retrusted}")
    if r["built"]:
        lines.append(f"chunks {r['chunks']}: embedded {r['embedded']}, reused {r['reused']} "
                     f"(carried {r['carried']}, from cache {r['reused'] - r['carried']})")
    lines.append(f"seconds {r['seconds']:.1f}")
    lines += [f"  skipped {s['source']}: {s['reason']}" for s in r["skipped"]]
    lines += [f"  warning {w['source']}: {w['warning']}" for w in r["warnings"]]
    flagged = r.get("flagged") or []
    if flagged:
        lines.append(f"flagged {len(flagged)} chunk{'s' * (len(flagged) != 1)} that address the "
                     "model (quarantined or fenced per LORE_GUARD_DOCUMENTS):")
    lines += [f"  flagged {f['source']} #{f['position']}: {f['reason']}" for f in flagged]
    return lines
