"""Sensitive actions need a second admin: the first call files a request, a different admin
key approves or rejects it, and every decision stays in the audit trail (API and CLI)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app as cli
from lore.settings import Settings

A1, A2 = {"X-API-Key": "admin-1"}, {"X-API-Key": "admin-2"}


def corpus(root: Path, fact: str) -> Path:
    root.mkdir()
    (root / "leave.md").write_text(f"# Leave\n\nNew employees receive {fact} days of paid leave.\n")
    return root


def three_versions(tmp_path: Path, ingest) -> Settings:
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0,
                           admin_keys=["admin-1", "admin-2"], reader_keys=["reader"])
    for i, fact in enumerate(("twenty", "thirty", "forty")):
        ingest(settings, corpus(tmp_path / f"c{i}", fact), True)
    return settings


def test_a_rollback_two_steps_back_waits_for_a_second_admin(tmp_path, ingest, lore_for):
    settings = three_versions(tmp_path, ingest)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        filed = c.post("/versions/rollback", params={"to": "v1"}, headers=A1)
        assert filed.status_code == 202, filed.text
        request = filed.json()
        assert request["status"] == "pending" and request["action"] == "rollback_to"
        assert "2 steps back" in request["reason"]
        assert c.post("/ask", json={"question": "Leave days?"}, headers=A1).json()[
            "version"] == "v3"  # nothing changed yet
        own = c.post(f"/approvals/{request['id']}/approve", headers=A1)
        assert own.status_code == 403 and "second admin" in own.json()["detail"]
        reader = c.post(f"/approvals/{request['id']}/approve", headers={"X-API-Key": "reader"})
        assert reader.status_code == 403
        approved = c.post(f"/approvals/{request['id']}/approve", headers=A2)
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert c.post("/ask", json={"question": "Leave days?"}, headers=A1).json()[
            "version"] == "v1"
        again = c.post(f"/approvals/{request['id']}/reject", headers=A2)
        assert again.status_code == 409
        one_step = c.post("/versions/rollback", headers=A1)  # history is empty now
        assert one_step.status_code == 409


def test_deleting_a_version_waits_and_a_rejection_is_kept(tmp_path, ingest, lore_for):
    settings = three_versions(tmp_path, ingest)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        assert c.delete("/versions/v3", headers=A1).status_code == 409  # it serves
        assert c.delete("/versions/v9", headers=A1).status_code == 404
        first = c.delete("/versions/v1", headers=A1).json()
        c.post(f"/approvals/{first['id']}/reject", headers=A2)
        assert (settings.home / "index" / "v1").exists()
        second = c.delete("/versions/v1", headers=A2).json()
        done = c.post(f"/approvals/{second['id']}/approve", headers=A1).json()
        assert done["status"] == "approved" and "v1" in done["result"]
        assert not (settings.home / "index" / "v1").exists()
        assert "v1" not in {v["id"] for v in c.get("/versions", headers=A1).json()}
        trail = c.get("/approvals", headers=A1).json()
        assert [(a["action"], a["status"]) for a in trail] == [
            ("delete_version", "rejected"), ("delete_version", "approved")]
        assert all(a["requested_by"].startswith("key:") for a in trail)  # hashes, never keys
        assert "admin-1" not in str(trail) and "admin-2" not in str(trail)


def test_without_admin_keys_a_local_deployment_acts_at_once(tmp_path, ingest, lore_for):
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0)
    for i, fact in enumerate(("twenty", "thirty", "forty")):
        ingest(settings, corpus(tmp_path / f"c{i}", fact), True)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        r = c.post("/versions/rollback", params={"to": "v1"})
        assert r.status_code == 200 and r.json()["id"] == "v1" and r.json()["active"]


def test_the_cli_files_and_approves_with_two_keys(tmp_path, ingest):
    settings = three_versions(tmp_path, ingest)
    home = ["--home", str(settings.home)]
    env = {"LORE_ADMIN_KEYS": '["admin-1", "admin-2"]'}
    runner = CliRunner()
    filed = runner.invoke(cli, ["rollback", "--to", "v1", "--key", "admin-1", *home], env=env)
    assert filed.exit_code == 0 and "waits for a second admin" in filed.output
    listed = runner.invoke(cli, ["approvals", "--json", *home], env=env)
    (request,) = json.loads(listed.output)
    assert (request["action"], request["status"]) == ("rollback_to", "pending")
    approval_id = request["id"]
    no_key = runner.invoke(cli, ["approvals", "approve", approval_id, *home], env=env)
    assert no_key.exit_code != 0
    ok = runner.invoke(cli, ["approvals", "approve", approval_id, "--key", "admin-2", *home],
                       env=env)
    assert ok.exit_code == 0, ok.output
    assert "v1 is active" in ok.output
