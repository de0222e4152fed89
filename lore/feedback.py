"""What users say about answers, kept beside the traces: ratings with reasons, edits,
comparisons, comments; summed per index version, and turned into eval cases so the promotion
gate learns from users."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answer.grounding import MARKER
from lore.sqlite_db import open_db

_COLUMNS = ("id", "request_id", "at", "rating", "reason", "edited_answer", "better_than",
            "worse_than", "comment", "version", "question", "answer", "sources")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Feedback:
    request_id: str
    rating: str | None = None  # "up" | "down"
    reason: str | None = None
    edited_answer: str | None = None
    better_than: str | None = None  # this answer is better than that request's
    worse_than: str | None = None
    comment: str | None = None


def plain_answer(text: str) -> str:
    """An answer as a reference: its [n] markers are not words of it."""
    return _SPACE.sub(" ", MARKER.sub("", text)).strip()


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self._db = open_db(path)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(f"CREATE TABLE IF NOT EXISTS feedback ({', '.join(_COLUMNS)})")

    def add(self, fb: Feedback, trace: dict[str, Any]) -> str:
        """Keeps `fb` with what it is about (from the request's trace); returns its id."""
        replay = trace.get("attributes", {}).get("replay", {})
        row = (uuid.uuid4().hex[:12], fb.request_id, time.time(), fb.rating, fb.reason,
               fb.edited_answer, fb.better_than, fb.worse_than, fb.comment,
               replay.get("version"), replay.get("question"), replay.get("answer"),
               json.dumps(sorted({c["source"] for c in replay.get("citations", [])})))
        with self._lock, self._db:
            self._db.execute(f"INSERT INTO feedback VALUES ({', '.join('?' * len(row))})", row)
        return row[0]

    def rows(self) -> list[dict[str, Any]]:
        found = self._db.execute("SELECT * FROM feedback ORDER BY at, rowid").fetchall()
        return [dict(zip(_COLUMNS, r, strict=True)) for r in found]

    def per_version(self) -> dict[str, dict[str, int]]:
        """version -> {up, down, edits, comparisons}."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows():
            v = out.setdefault(r["version"] or "", {"up": 0, "down": 0, "edits": 0,
                                                    "comparisons": 0})
            v["up"] += r["rating"] == "up"
            v["down"] += r["rating"] == "down"
            v["edits"] += r["edited_answer"] is not None
            v["comparisons"] += bool(r["better_than"] or r["worse_than"])
        return out

    def eval_cases(self) -> list[dict[str, Any]]:
        """`lore eval` items: an edit or an up-vote is a reference answer with the cited
        sources expected; a down-vote without an edit (or the loser of a comparison) is an
        answer the system must not give again."""
        answers = {r["request_id"]: r for r in self.rows()}
        cases = []
        for r in self.rows():
            good = r["edited_answer"] or (r["answer"] if r["rating"] == "up" or r["better_than"]
                                          else None)
            bad = [answers[x]["answer"] for x in (r["better_than"],) if x in answers]
            if (r["rating"] == "down" and not r["edited_answer"]) or r["worse_than"]:
                bad.append(r["answer"])
            if not r["question"] or not (good or bad):
                continue
            case: dict[str, Any] = {"id": f"feedback-{r['id']}", "question": r["question"],
                                    "category": "feedback"}
            if good:
                case |= {"reference_answer": plain_answer(good),
                         "expected_sources": json.loads(r["sources"])}
            if bad:
                case["rejected_answers"] = [plain_answer(b) for b in bad if b]
            cases.append(case)
        return cases

    def close(self) -> None:
        self._db.close()
