"""A passage's original file, through GET /chunks/{id} (`file`) and GET /chunks/{id}/file:
offered while the file is the one indexed, refused once it changed."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from lore.stores import open_registry
from tests.api.conftest import build

TEXT = "# Parking\n\nVisitors park on level -2 of the garage; the barrier opens at reception.\n"
# A modification time whose float does not come back bit for bit from the engine's payload
# (found by storing 200 of them): the comparison must allow for that.
MTIME_NS = 1_764_605_712_001_234_567


def test_the_original_is_offered_until_it_changes(sample_index, lore_for, embedder,
                                                  tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "parking.md"
    doc.write_text(TEXT)
    os.utime(doc, ns=(MTIME_NS, MTIME_NS))
    settings = sample_index[0].changed(home=tmp_path / "home")
    open_registry(settings).promote(build(settings, corpus, embedder))
    with TestClient(create_app(settings, lore_for(settings))) as c:
        hits = c.post("/search", json={"question": "Where do visitors park?"}).json()
        chunk_id = hits["hits"][0]["chunk_id"]
        assert c.get(f"/chunks/{chunk_id}").json()["file"] is True
        sent = c.get(f"/chunks/{chunk_id}/file")
        assert sent.status_code == 200 and sent.content == TEXT.encode()
        doc.write_text(TEXT + "Changed since.\n")
        assert c.get(f"/chunks/{chunk_id}").json()["file"] is False
        assert c.get(f"/chunks/{chunk_id}/file").status_code in (404, 409)
