"""Bad input gets a 4xx that says what to fix, never a 500; no version yet is a 503."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from lore.settings import Settings

Q = "How many days a week am I allowed to work from home?"
MAX_QUESTION_CHARS = Settings().request.max_question_chars

# (body, status, words the message must contain to tell the caller what to fix)
CASES = [
    ({"question": ""}, 422, ["question", "at least 1 character"]),
    ({"question": "   \n\t "}, 422, ["question", "blank"]),
    ({"question": "\u200b\u200d\x00 \ufeff"}, 422, ["question", "blank", "zero-width"]),
    ({"question": "x" * (MAX_QUESTION_CHARS + 1)}, 400, ["limit", str(MAX_QUESTION_CHARS)]),
    ({}, 422, ["question", "required"]),
    ({"question": 42}, 422, ["question", "string"]),
    ({"question": Q, "filters": {"modified_after": "yesterday"}}, 422,
     ["modified_after", "ISO 8601"]),
    ({"question": Q, "filters": {"modified_after": "2024-13-45"}}, 422, ["modified_after"]),
    ({"question": Q, "filters": {"modified_after": "2023-02-29"}}, 422, ["modified_after"]),
    ({"question": Q, "filters": {"modified_after": -5}}, 422, ["modified_after", ">= 0"]),
    ({"question": Q, "filters": {"modified_after": True}}, 422, ["modified_after", "ISO 8601"]),
    ({"question": Q, "filters": {"modified_after": [2024]}}, 422, ["modified_after"]),
    ({"question": Q, "filters": {"tags": "hr"}}, 422, ["filters.tags", "list"]),
    ({"question": Q, "filters": {"tags": [1, 2]}}, 422, ["filters.tags", "string"]),
    ({"question": Q, "filters": {"path_prefix": "/etc"}}, 400, ["path_prefix", "relative"]),
    ({"question": Q, "filters": {"path_prefix": "a/../.."}}, 400, ["path_prefix", ".."]),
    ({"question": Q, "filters": {"source_glob": 3}}, 422, ["source_glob"]),
    ({"question": Q, "filters": {"author": "me"}}, 422, ["filters.author", "not permitted"]),
    ({"question": Q, "filters": "hr"}, 422, ["filters"]),
    ({"question": Q, "colour": "blue"}, 422, ["colour", "not permitted"]),
    ({"question": Q, "budget_tokens": 10}, 422, ["budget_tokens", "256"]),
    ({"question": Q, "budget_tokens": 10**6}, 422, ["budget_tokens", "32768"]),
    ({"question": Q, "budget_tokens": "lots"}, 422, ["budget_tokens", "integer"]),
    ({"question": Q, "history": [{"role": "system", "content": "x"}]}, 422, ["history.0.role"]),
    ({"question": Q, "history": "earlier"}, 422, ["history", "list"]),
]


@pytest.mark.parametrize("path", ["/ask", "/search"])
@pytest.mark.parametrize(("body", "status", "words"), CASES)
def test_bad_body_is_a_4xx_saying_what_to_fix(
    client, path: str, body: dict, status: int, words: list[str]
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert r.json()["error"] == "BadInput"
    for word in words:
        assert word in detail


@pytest.mark.parametrize("top_k", [0, 101, "ten"])
def test_bad_top_k(client, top_k) -> None:
    r = client.post("/search", json={"question": Q, "top_k": top_k})
    assert r.status_code == 422 and "top_k" in r.json()["detail"]


@pytest.mark.parametrize("raw", [b"{bad", b"", b"[1, 2]", b'{"question": "unterminated'])
def test_invalid_json_is_422(client, raw: bytes) -> None:
    r = client.post("/ask", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "JSON" in r.json()["detail"]


def test_form_body_asks_for_json(client) -> None:
    r = client.post("/ask", content=b"question=hi",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422 and "application/json" in r.json()["detail"]


def test_unknown_version_is_404(client) -> None:
    r = client.post("/versions/v999/promote")
    assert r.status_code == 404 and "v999" in r.json()["detail"]


def test_rollback_with_no_previous_version_is_409(client) -> None:
    r = client.post("/versions/rollback")
    assert r.status_code == 409 and "roll back" in r.json()["detail"]


def test_unknown_route_and_method_keep_the_error_shape(client) -> None:
    r = client.get("/nope")
    assert r.status_code == 404 and r.json()["error"] == "HTTPError"
    r = client.get("/ask")
    assert r.status_code == 405 and "GET /ask" in r.json()["detail"]


def test_no_version_yet_is_503_until_one_is_promoted(tmp_path, lore_for, ingest) -> None:
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0)  # see a promotion at once
    with TestClient(create_app(settings, lore_for(settings))) as c:
        assert c.get("/healthz").status_code == 200
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "lore ingest" in ready.json()["detail"]
        for path in ("/ask", "/search"):
            r = c.post(path, json={"question": Q})
            assert r.status_code == 503 and "lore ingest" in r.json()["detail"]
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "remote.txt").write_text("Employees may work from home up to 2 days per week.\n")
        report = ingest(settings, docs, True)
        ready = c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["version"] == report.version
        assert c.post("/ask", json={"question": Q}).status_code == 200
