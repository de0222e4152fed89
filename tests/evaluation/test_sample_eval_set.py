"""data/eval.jsonl against the real sample corpus: its evidence must be what the parsers produce.

Parsing the real files (not reading them raw) is the point: a parser or corpus change that moves
or drops a reference context fails here instead of silently lowering context recall.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.dataset import EvalItem, load_eval_set
from ingestion.parsers import parse_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
ITEMS = load_eval_set(ROOT / "data" / "eval.jsonl")
ANSWERABLE = [i for i in ITEMS if i.answerable]
# Well above any sample file; the limit is not what is under test.
MAX_BYTES = 50_000_000


def _normalise(text: str) -> str:
    """Whitespace runs to one space: parsers re-flow lines, the evidence is the words."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Normalised parsed text of every corpus file, by its source path."""
    found = {}
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        source = path.relative_to(CORPUS).as_posix()
        doc = parse_file(path, source, MAX_BYTES)
        found[source] = _normalise("\n".join(e.text for e in doc.elements))
    return found


def test_set_shape():
    assert len(ITEMS) >= 30
    assert len(ANSWERABLE) >= 24
    for item in ANSWERABLE:
        assert item.reference_answer and item.reference_contexts and item.expected_sources, item.id
        assert item.category, item.id
    for item in ITEMS:
        if not item.answerable:
            assert not item.reference_contexts and not item.expected_sources, item.id


def test_every_document_has_a_question(texts: dict[str, str]):
    covered = {s for i in ANSWERABLE for s in i.expected_sources}
    assert covered == set(texts)


def test_every_category_has_an_unanswerable_question():
    categories = {i.category for i in ANSWERABLE}
    assert categories <= {i.category for i in ITEMS if not i.answerable}


@pytest.mark.parametrize("item", ANSWERABLE, ids=lambda i: i.id)
def test_contexts_occur_in_expected_sources(item: EvalItem, texts: dict[str, str]):
    for source in item.expected_sources:
        assert source in texts, f"{source} is not a corpus file"
    holders = {
        context: [s for s in item.expected_sources if _normalise(context) in texts[s]]
        for context in item.reference_contexts
    }
    missing = [c for c, sources in holders.items() if not sources]
    assert not missing, f"not in {item.expected_sources}: {missing}"
    unused = set(item.expected_sources) - {s for sources in holders.values() for s in sources}
    assert not unused, f"expected sources holding no reference context: {unused}"
