"""Guard policy changes need a second admin: the first PUT /guard/policy files a request and
changes nothing, another admin's approval applies it to the next /ask in every process over
the home, a rejection leaves it as it was, a bad field is refused before anything is filed."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app as cli
from lore.limits import principal_of
from lore.settings import Settings
from pipeline.guard import WITHHELD
from pipeline.state import Query
from tests.conftest import copy_home

A1, A2 = {"X-API-Key": "admin-1"}, {"X-API-Key": "admin-2"}
READER = {"X-API-Key": "reader"}
QUESTION = "How do I contact support?"
PHONE = "+31 40 555 0199"  # product/faq.html: masked in answers by default


def copied(sample_index, tmp_path: Path, **values) -> Settings:
    """A private copy of the sample home: policy changes stay in it."""
    sample, _ = sample_index
    copy_home(sample.home, tmp_path / "home")
    keys = {"admin_keys": ["admin-1", "admin-2"], "reader_keys": ["reader"]}
    return Settings.of(home=tmp_path / "home", trust_file=sample.ingest.trust_file,
                       reload_seconds=0.0, **{**keys, **values})


def answer(c: TestClient) -> str:
    r = c.post("/ask", json={"question": QUESTION}, headers=READER)
    assert r.status_code == 200, r.text
    return r.json()["answer"]


def test_one_admins_change_waits_for_another_admin(sample_index, lore_for, tmp_path) -> None:
    settings = copied(sample_index, tmp_path)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        assert PHONE not in answer(c) and "<PHONE_NUMBER>" in answer(c)
        filed = c.put("/guard/policy", json={"pii_mask_answers": False}, headers=A1)
        assert filed.status_code == 202, filed.text
        request = filed.json()
        assert (request["action"], request["status"]) == ("guard_policy", "pending")
        assert request["params"] == {"changes": {"pii_mask_answers": False}}
        assert PHONE not in answer(c)  # nothing changed yet
        shown = c.get("/guard/policy", headers=A1).json()
        assert shown["policy"]["pii_mask_answers"] is True and shown["overridden"] == []
        own = c.post(f"/approvals/{request['id']}/approve", headers=A1)
        assert own.status_code == 403 and "second admin" in own.json()["detail"]
        assert c.put("/guard/policy", json={"pii_mask_answers": False},
                     headers=READER).status_code == 403
        approved = c.post(f"/approvals/{request['id']}/approve", headers=A2)
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert "pii_mask_answers" in approved.json()["result"]
        assert PHONE in answer(c)  # the next question, the same one: not the cached answer
        shown = c.get("/guard/policy", headers=A2).json()
    assert shown["policy"]["pii_mask_answers"] is False
    assert shown["overridden"] == ["pii_mask_answers"]
    (change,) = shown["history"]
    assert change["changes"] == {"pii_mask_answers": False}
    assert change["before"] == {"pii_mask_answers": True}
    assert (change["by"], change["approved_by"], change["approval"]) == (
        principal_of("admin-1"), principal_of("admin-2"), request["id"])


def test_a_rejection_changes_nothing_and_an_approval_reaches_every_process(
        sample_index, lore_for, tmp_path) -> None:
    settings = copied(sample_index, tmp_path)
    other = lore_for(settings)  # another worker over the same home: never told of the change
    assert not other.ask(Query(QUESTION))[0].answer.text.startswith(WITHHELD)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        first = c.put("/guard/policy", json={"blocked_terms": ["Friday"]}, headers=A1).json()
        rejected = c.post(f"/approvals/{first['id']}/reject", headers=A2)
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        assert not answer(c).startswith(WITHHELD)
        assert c.get("/guard/policy", headers=A1).json()["policy"]["blocked_terms"] == []
        second = c.put("/guard/policy", json={"blocked_terms": ["Friday"]}, headers=A2).json()
        assert c.post(f"/approvals/{second['id']}/approve", headers=A1).status_code == 200
        assert answer(c).startswith(WITHHELD)
        trail = c.get("/approvals", headers=A1).json()
    assert [(a["action"], a["status"]) for a in trail] == [
        ("guard_policy", "rejected"), ("guard_policy", "approved")]
    state, _ = other.ask(Query(QUESTION))
    assert state.answer.text.startswith(WITHHELD), state.answer.text
    assert "blocked term" in state.guard_out.findings[0]


def test_a_bad_change_is_refused_and_nothing_is_filed(sample_index, lore_for, tmp_path) -> None:
    settings = copied(sample_index, tmp_path)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        for body, status, said in (
            ({"guard_input": "maybe"}, 422, "guard_input"),
            ({"max_answer_chars": 5}, 422, "max_answer_chars"),
            ({"pii_engine": "spacy"}, 422, "pii_engine"),  # not a policy: a restart's
            ({"pii_types": ["EMAIL"]}, 400, "unknown type EMAIL"),
            ({}, 400, "at least one field"),
        ):
            r = c.put("/guard/policy", json=body, headers=A1)
            assert r.status_code == status and said in r.json()["detail"], (body, r.text)
        assert c.get("/approvals", headers=A1).json() == []
        assert c.get("/guard/policy", headers=A1).json()["history"] == []


def test_without_admin_keys_a_change_applies_at_once(sample_index, lore_for, tmp_path) -> None:
    settings = copied(sample_index, tmp_path, admin_keys=[], reader_keys=[])
    with TestClient(create_app(settings, lore_for(settings))) as c:
        done = c.put("/guard/policy", json={"guard_threshold": 0.9, "max_answer_chars": 120})
        assert done.status_code == 200, done.text
        assert done.json()["policy"]["guard_threshold"] == 0.9
        assert done.json()["overridden"] == ["guard_threshold", "max_answer_chars"]
        r = c.post("/ask", json={"question": QUESTION}).json()
        assert len(r["answer"]) <= 120 and "too long" in r["guard"]["output"]["findings"][0]
        assert c.get("/approvals").json() == []


def test_the_cli_files_lists_and_approves_a_change(sample_index, lore_for, tmp_path) -> None:
    settings = copied(sample_index, tmp_path)
    home = ["--home", str(settings.home)]
    env = {"LORE_ADMIN_KEYS": '["admin-1", "admin-2"]'}
    runner = CliRunner()
    bad = runner.invoke(cli, ["guard", "set", "guard_input=maybe", "--key", "admin-1", *home],
                        env=env)
    assert bad.exit_code != 0
    filed = runner.invoke(cli, ["guard", "set", "blocked_terms=Friday, CET",
                                "pii_mask_answers=false", "--key", "admin-1", *home], env=env)
    assert filed.exit_code == 0 and "waits for a second admin" in filed.output, filed.output
    listed = runner.invoke(cli, ["approvals", "--json", *home], env=env)
    (request,) = json.loads(listed.output)
    assert (request["action"], request["status"]) == ("guard_policy", "pending")
    assert request["params"]["changes"] == {"blocked_terms": ["Friday", "CET"],
                                            "pii_mask_answers": False}
    ok = runner.invoke(cli, ["approvals", "approve", request["id"], "--key", "admin-2", *home],
                       env=env)
    assert ok.exit_code == 0 and "blocked_terms, pii_mask_answers changed" in ok.output
    shown = json.loads(runner.invoke(cli, ["guard", "policy", "--json", *home], env=env).output)
    assert shown["policy"]["blocked_terms"] == ["Friday", "CET"]
    assert shown["overridden"] == ["pii_mask_answers", "blocked_terms"]
    assert lore_for(settings).ask(Query(QUESTION))[0].answer.text.startswith(WITHHELD)
