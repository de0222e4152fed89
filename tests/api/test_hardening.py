"""Hardening defects found under attack, each as a regression test over real HTTP routes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

Q = "How many days a week am I allowed to work from home?"
PATHOLOGICAL = "*b" + "*a" * 500_000  # 1 MB of wildcards: 7.7 s of CPU before the bound


@pytest.fixture(scope="module")
def keyed(sample_index, sample_lore):
    settings, _ = sample_index
    locked = settings.changed(reader_keys=["r1"], admin_keys=["a1"], max_body_bytes=64_000)
    with TestClient(create_app(locked, sample_lore)) as c:
        yield c


@pytest.mark.parametrize(("method", "path"), [("post", "/ask"), ("get", "/versions"),
                                              ("post", "/versions/rollback")])
def test_a_non_ascii_key_is_401_not_500(keyed, method: str, path: str) -> None:
    for headers in ({"X-API-Key": "ключ".encode()}, {"Authorization": "Bearer ключ".encode()}):
        r = keyed.request(method, path, headers=headers, json={"question": Q})
        assert r.status_code == 401, r.text
        assert r.json()["error"] == "Unauthenticated"


def test_a_body_over_the_limit_is_413_declared_or_streamed(keyed) -> None:
    big = {"question": Q, "history": [{"role": "user", "content": "x" * 15_000}] * 5}
    r = keyed.post("/ask", json=big, headers={"X-API-Key": "r1"})
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"
    assert "LORE_MAX_BODY_BYTES" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit applies as the body streams in
        yield b'{"question": "' + b"y" * 40_000
        yield b"y" * 40_000 + b'"}'

    streamed = keyed.post("/ask", content=chunks(), headers={"X-API-Key": "r1",
                                                            "content-type": "application/json"})
    assert streamed.status_code == 413


def test_a_pathological_glob_is_refused_and_the_server_keeps_answering(client) -> None:
    for glob in (PATHOLOGICAL, "*" * 9, "a" * 300):
        r = client.post("/search", json={"question": Q, "filters": {"source_glob": glob}})
        assert r.status_code in (413, 422), r.status_code
        assert r.json()["error"] in ("BadInput", "PayloadTooLarge")
    assert client.post("/ask", json={"question": Q}).status_code == 200


@pytest.mark.parametrize(("field", "value"), [
    ("tags", ["t"] * 33), ("tags", ["x" * 129]), ("path_prefix", "p/" * 300)])
def test_every_filter_field_is_bounded(client, field: str, value: object) -> None:
    r = client.post("/search", json={"question": Q, "filters": {field: value}})
    assert r.status_code == 422 and field in r.json()["detail"]


@pytest.mark.parametrize("body", [b'{"question": "caf\xe9?"}',
                                  b'{"question": "q", "top_k": ' + b"9" * 5000 + b"}"])
def test_an_unparsable_body_is_the_documented_422(client, body: bytes) -> None:
    r = client.post("/search", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "BadInput" and "not valid JSON" in r.json()["detail"]


def test_a_date_string_is_read_as_iso_8601_never_as_epoch_seconds(client) -> None:
    """'20990101' as epoch seconds is August 1970 and would keep every document."""
    future = client.post("/search", json={"question": Q,
                                          "filters": {"modified_after": "20990101"}}).json()
    assert future["hits"] == []
    past = client.post("/search", json={"question": Q,
                                        "filters": {"modified_after": "19990101"}}).json()
    assert past["hits"]
    number = client.post("/search", json={"question": Q, "filters": {"modified_after": 0}})
    assert number.json()["hits"]


def test_the_openapi_document_declares_errors_and_auth(client) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    ask = spec["paths"]["/ask"]["post"]
    assert {"400", "401", "403", "409", "413", "422", "503"} <= set(ask["responses"])
    error = ask["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorOut")
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert ask["security"]


def test_a_key_over_its_rate_gets_429_with_retry_after(sample_index, lore_for) -> None:
    settings, _ = sample_index
    limited = settings.changed(reader_keys=["r1", "r2"], rate_limit_per_minute=2)
    with TestClient(create_app(limited, lore_for(limited))) as c:
        ok = [c.post("/ask", json={"question": Q}, headers={"X-API-Key": "r1"})
              for _ in range(2)]
        assert [r.status_code for r in ok] == [200, 200]
        refused = c.post("/search", json={"question": Q}, headers={"X-API-Key": "r1"})
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        assert refused.json()["error"] == "TooManyRequests"
        assert "rate_limit_per_minute" in refused.json()["detail"]
        other = c.post("/ask", json={"question": Q}, headers={"X-API-Key": "r2"})
        assert other.status_code == 200
