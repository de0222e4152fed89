import dataclasses
from pathlib import Path

import pytest

from core.errors import BadInput, NotFound
from evaluation.dataset import EvalItem, load_eval_set
from evaluation.retrieval_metrics import context_recall

DEV_SET = Path(__file__).resolve().parents[2] / "../shared/datasets/rhdh/qa-dev.jsonl"


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


needs_dev_set = pytest.mark.skipif(not DEV_SET.is_file(), reason="shared rhdh set not here")


@needs_dev_set
def test_dev_set_loads():
    items = load_eval_set(DEV_SET)
    assert len(items) == 255
    assert len({i.id for i in items}) == 255
    first = items[0]
    assert first.id == "620ce97e-de89-4f20-8f88-3714cffa2807"
    assert first.category == "catalog"
    assert first.reference_answer and first.reference_contexts
    assert all(i.answerable and i.expected_sources == () for i in items)


@needs_dev_set
def test_dev_set_references_recall_themselves():
    # the tokenisation is symmetric: a context holding the reference text scores exactly 1
    for item in load_eval_set(DEV_SET):
        assert context_recall(item.reference_contexts, "\n".join(item.reference_contexts)) == 1.0


def test_fields_defaults_and_line_number_ids(tmp_path):
    path = _write(
        tmp_path,
        '{"question": "What is RHDH?"}',
        "",
        '{"id": 7, "question": "Is there a moon base?", "answerable": false,'
        ' "expected_sources": ["docs/*.md", "faq.md"], "extra": 1}',
        '{"question": "Third?", "reference_answer": null, "category": "rbac"}',
    )
    items = load_eval_set(path)
    assert items == [
        EvalItem(id="1", question="What is RHDH?"),
        EvalItem(
            id="7",
            question="Is there a moon base?",
            expected_sources=("docs/*.md", "faq.md"),
            answerable=False,
        ),
        EvalItem(id="4", question="Third?", category="rbac"),  # line 4: the blank line counts
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        items[0].question = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ('{"question": "unterminated', "invalid JSON"),
        ('["not", "an", "object"]', "expected a JSON object"),
        ('{"id": "x"}', "'question' must be a non-empty string"),
        ('{"question": "  "}', "'question' must be a non-empty string"),
        ('{"question": "q", "answerable": "false"}', "'answerable' must be true or false"),
        ('{"question": "q", "reference_contexts": "one"}', "'reference_contexts' must be a list"),
        ('{"question": "q", "expected_sources": [1]}', "'expected_sources' must be a list"),
        ('{"question": "q", "reference_answer": 3}', "'reference_answer' must be a string"),
        ('{"question": "q", "id": true}', "'id' must be a string or an integer"),
    ],
)
def test_bad_line_names_line_number_and_problem(tmp_path, bad_line, problem):
    path = _write(tmp_path, '{"question": "fine"}', bad_line)
    with pytest.raises(BadInput, match=r"set\.jsonl:2: ") as raised:
        load_eval_set(path)
    assert problem in str(raised.value)


def test_duplicate_ids_name_both_lines(tmp_path):
    path = _write(tmp_path, '{"id": "a", "question": "q"}', '{"id": "a", "question": "r"}')
    with pytest.raises(BadInput, match=r":2: id 'a' already used on line 1"):
        load_eval_set(path)


def test_missing_empty_and_binary_files(tmp_path):
    with pytest.raises(NotFound):
        load_eval_set(tmp_path / "absent.jsonl")
    with pytest.raises(BadInput, match="no evaluation items"):
        load_eval_set(_write(tmp_path, "", "  "))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BadInput, match="not UTF-8"):
        load_eval_set(binary)
