"""API keys: readers ask and search, admins also manage versions; no keys means open."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

READER, ADMIN = "reader-key-1", "admin-key-1"
ASK = {"question": "How many days a week am I allowed to work from home?"}


@pytest.fixture(scope="module")
def keyed(sample_index, sample_lore) -> Iterator[TestClient]:
    settings, _ = sample_index
    locked = settings.changed(reader_keys=[READER], admin_keys=[ADMIN])
    with TestClient(create_app(locked, sample_lore)) as c:
        yield c


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _promote_active(client: TestClient, headers: dict[str, str]):
    """Promoting the already active version changes nothing: safe on the shared index."""
    active = next(v["id"] for v in client.get("/versions", headers=_bearer(ADMIN)).json()
                  if v["active"])
    return client.post(f"/versions/{active}/promote", headers=headers)


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/ask"), ("post", "/search"), ("get", "/versions"),
    ("post", "/versions/v1/promote"), ("post", "/versions/rollback"),
])
def test_no_key_is_401_with_a_challenge(keyed, method: str, path: str) -> None:
    r = keyed.request(method, path, json=ASK)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert "API key" in r.json()["detail"]


def test_unknown_key_is_401(keyed) -> None:
    assert keyed.post("/ask", json=ASK, headers=_bearer("guess")).status_code == 401
    assert keyed.post("/ask", json=ASK, headers={"X-API-Key": "guess"}).status_code == 401


@pytest.mark.parametrize("headers", [_bearer(READER), {"X-API-Key": READER},
                                     {"Authorization": f"bearer {READER}"}])
def test_reader_key_asks_in_either_header(keyed, headers: dict[str, str]) -> None:
    assert keyed.post("/ask", json=ASK, headers=headers).status_code == 200
    assert keyed.post("/search", json=ASK, headers=headers).status_code == 200
    assert keyed.get("/versions", headers=headers).status_code == 200


def test_reader_key_cannot_manage_versions(keyed) -> None:
    r = _promote_active(keyed, _bearer(READER))
    assert r.status_code == 403
    assert "admin" in r.json()["detail"]
    assert "WWW-Authenticate" not in r.headers
    assert keyed.post("/versions/rollback", headers={"X-API-Key": READER}).status_code == 403


@pytest.mark.parametrize("headers", [_bearer(ADMIN), {"X-API-Key": ADMIN}])
def test_admin_key_manages_versions_and_reads(keyed, headers: dict[str, str]) -> None:
    r = _promote_active(keyed, headers)
    assert r.status_code == 200 and r.json()["active"] is True
    assert keyed.post("/ask", json=ASK, headers=headers).status_code == 200


def test_probes_need_no_key(keyed) -> None:
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200


def test_without_keys_everything_is_open_and_the_start_up_says_so(
    sample_index, sample_lore, caplog
) -> None:
    settings, _ = sample_index
    assert not settings.serve.reader_keys and not settings.serve.admin_keys
    with caplog.at_level(logging.WARNING, logger="lore.api"), \
            TestClient(create_app(settings, sample_lore)) as c:
        assert c.post("/ask", json=ASK).status_code == 200
        assert c.get("/versions").status_code == 200
        assert _promote_active(c, {}).status_code == 200
    assert any("no API keys configured" in r.getMessage() for r in caplog.records)


def test_keyed_start_up_does_not_warn(sample_index, sample_lore, caplog) -> None:
    settings, _ = sample_index
    locked = settings.changed(admin_keys=[ADMIN])
    with caplog.at_level(logging.WARNING, logger="lore.api"), \
            TestClient(create_app(locked, sample_lore)) as c:
        assert c.post("/ask", json=ASK).status_code == 401
    assert not any("no API keys configured" in r.getMessage() for r in caplog.records)
