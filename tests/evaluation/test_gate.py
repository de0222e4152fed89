"""The evaluation gate: pure comparison, then real promotions through the function, CLI and API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app
from core.errors import BadInput, Conflict
from evaluation import gate
from evaluation.cache import run_key, set_hash
from evaluation.runner import METRICS
from lore.compose import Lore
from lore.promotion import promote, query_key, unattended
from lore.settings import Settings
from lore.stores import open_registry
from tests.evaluation.conftest import CORPUS, EVAL_SET, MakeLore, build

LIMITS = {"hit@5": 0.02, "context_recall": 0.02, "false_abstention": 0.05}


def test_drop_beyond_the_limit_is_a_regression():
    found = gate.regressions({"hit@5": 0.9, "context_recall": 0.99}, {"hit@5": 1.0,
                             "context_recall": 1.0}, LIMITS)
    assert [r.metric for r in found] == ["hit@5"]
    assert found[0].describe() == "hit@5 1.000 -> 0.900 (-0.100, allowed -0.020)"


def test_rise_of_a_lower_is_better_metric_is_a_regression():
    found = gate.regressions({"false_abstention": 0.3}, {"false_abstention": 0.2}, LIMITS)
    assert [r.metric for r in found] == ["false_abstention"]
    assert "allowed +0.050" in found[0].describe()
    assert not gate.regressions({"false_abstention": 0.0}, {"false_abstention": 0.2}, LIMITS)


def test_zero_limit_accepts_equal_and_skips_unmeasured():
    equal = dict.fromkeys(METRICS, 0.7)
    assert not gate.regressions(equal, dict(equal), dict.fromkeys(METRICS, 0.0))
    assert not gate.regressions({"hit@5": None}, {"hit@5": 1.0}, LIMITS)


def test_unknown_metric_in_the_limits_is_bad_input():
    with pytest.raises(BadInput, match="hit@3"):
        gate.regressions({}, {}, {"hit@3": 0.1})


def test_label():
    regression = {"metric": "context_recall", "baseline": 1.0, "candidate": 0.95, "limit": 0.02}
    assert gate.label(None) == ""
    assert gate.label({"runs": {}}) == ""
    assert gate.label({"gate": {"passed": True, "baseline": "v1"}}) == "pass"
    assert gate.label({"gate": {"passed": True, "baseline": None}}) == "pass (first)"
    failed = {"passed": False, "forced": False, "baseline": "v1", "regressions": [regression]}
    assert gate.label({"gate": failed}) == "fail: context_recall -0.05"
    assert gate.label({"gate": {**failed, "forced": True}}) == "forced: context_recall -0.05"


def test_gate_off_promotes_with_a_message(gate_home: Path, make_lore: MakeLore):
    lore = make_lore(gate_home)
    record, decision = promote_on(lore, "v3")
    assert record.status == "active" and decision.message == gate.GATE_OFF
    assert lore.registry.get("v3").eval is None


def test_equal_candidate_passes_and_is_recorded(gate_home: Path, make_lore: MakeLore):
    lore = make_lore(gate_home, eval_set=EVAL_SET)
    record, decision = promote_on(lore, "v2")
    assert record.status == "active" and decision.allowed
    recorded = lore.registry.get("v2").eval
    assert recorded is not None
    verdict = recorded["gate"]
    assert verdict["passed"] and not verdict["forced"] and verdict["baseline"] == "v1"
    assert verdict["candidate_metrics"] == verdict["baseline_metrics"]
    assert gate.label(recorded) == "pass"
    budget = lore.settings.context.budget_tokens
    key = run_key(query_key(lore.settings), set_hash(EVAL_SET), budget)
    assert key in recorded["runs"]  # the candidate's numbers are cached for its own baseline use


def test_degraded_candidate_is_refused_then_forced(gate_home: Path, make_lore: MakeLore):
    lore = make_lore(gate_home, eval_set=EVAL_SET)
    with pytest.raises(Conflict) as refused:
        promote_on(lore, "v3")
    message = str(refused.value)
    assert "hit@5 1.000 -> " in message and "context_recall" in message and "--force" in message
    assert lore.registry.active().id == "v1"  # type: ignore[union-attr]
    verdict = lore.registry.get("v3").eval["gate"]  # type: ignore[index]
    assert not verdict["passed"] and not verdict["forced"]
    assert {r["metric"] for r in verdict["regressions"]} >= {"hit@5", "context_recall"}
    assert verdict["candidate_metrics"]["hit@5"] < verdict["baseline_metrics"]["hit@5"]

    record, decision = promote_on(lore, "v3", force=True)
    assert record.status == "active" and "Promoted anyway" in decision.message
    recorded = lore.registry.get("v3").eval
    assert recorded["gate"]["forced"]  # type: ignore[index]
    assert gate.label(recorded).startswith("forced: ") and "hit@5" in gate.label(recorded)


def test_first_promotion_records_the_candidate_alone(
    sample_index, embedder, make_lore: MakeLore, tmp_path: Path
):
    home, corpus = tmp_path / "home", tmp_path / "corpus"
    shutil.copytree(sample_index[0].home / "cache", home / "cache")  # embeddings: no model work
    shutil.copytree(CORPUS / "product", corpus / "product")
    lore = make_lore(home, eval_set=_subset(tmp_path, "prod-", "na-battery"))
    assert build(lore.settings, embedder, corpus) == "v1"
    record, decision = promote_on(lore, "v1")
    assert record.status == "active" and "first promotion" in decision.message
    recorded = lore.registry.get("v1").eval
    assert recorded["gate"]["baseline"] is None  # type: ignore[index]
    assert recorded["gate"]["candidate_metrics"]["hit@5"] >= 0.8  # type: ignore[index]
    assert gate.label(recorded) == "pass (first)"


def test_nightly_hook_refuses_a_degraded_candidate(gate_home: Path, tmp_path: Path):
    """The unattended promotion builds its own query side (as a nightly run does): one more
    model load."""
    settings = Settings.of(home=gate_home, eval_set=_subset(tmp_path, "hr-", "na-dental"))
    promoted, message = unattended(settings)("v3")
    assert not promoted and "hit@5" in message
    registry = open_registry(settings)
    assert registry.active().id == "v1"  # type: ignore[union-attr]
    assert gate.label(registry.get("v3").eval).startswith("fail: ")
    assert unattended(Settings.of(home=gate_home))("v3") == (True, gate.GATE_OFF)
    assert registry.active().id == "v3"  # type: ignore[union-attr]


def promote_on(lore: Lore, version: str, force: bool = False):
    return promote(lore.settings, version, force, app=lore)


def _subset(folder: Path, *prefixes: str) -> Path:
    """An eval set of the data/eval.jsonl lines whose id starts with one of `prefixes`."""
    lines = [line for line in EVAL_SET.read_text().splitlines()
             if line.strip() and json.loads(line)["id"].startswith(prefixes)]
    path = folder / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_api_refuses_with_409_and_force_overrides(
    gate_home: Path, make_lore: MakeLore, tmp_path: Path
):
    lore = make_lore(gate_home, eval_set=_subset(tmp_path, "hr-", "na-"))
    with TestClient(create_app(lore.settings, lore)) as client:
        refused = client.post("/versions/v3/promote")
        assert refused.status_code == 409
        assert "hit@5" in refused.json()["detail"]
        forced = client.post("/versions/v3/promote", params={"force": "true"})
        assert forced.status_code == 200
        body = forced.json()
        assert body["active"] and body["eval"]["gate"]["forced"]
        listed = {v["id"]: v for v in client.get("/versions").json()}
        assert not listed["v3"]["eval"]["gate"]["passed"]


def test_cli_promote_refuses_then_forces(gate_home: Path, tmp_path: Path):
    env = {"LORE_EVAL_SET": str(_subset(tmp_path, "hr-", "na-dental")), "LORE_TRUST_FILE": None}
    runner = CliRunner()
    refused = runner.invoke(app, ["promote", "v3", "--home", str(gate_home)], env=env)
    assert isinstance(refused.exception, Conflict)
    assert "hit@5" in str(refused.exception)
    forced = runner.invoke(app, ["promote", "v3", "--force", "--home", str(gate_home)], env=env)
    assert forced.exit_code == 0, forced.output
    assert "v3 is now active" in forced.output and "hit@5" in forced.output
    listed = runner.invoke(app, ["versions", "--json", "--home", str(gate_home)], env=env)
    rows = {r["id"]: r for r in json.loads(listed.output)}
    assert rows["v3"]["active"] and rows["v3"]["eval"]["gate"]["forced"]


def test_with_admin_keys_forcing_past_the_gate_needs_a_second_admin(
    gate_home: Path, make_lore: MakeLore, tmp_path: Path
):
    lore = make_lore(gate_home, eval_set=_subset(tmp_path, "hr-", "na-dental"),
                     admin_keys=["a1", "a2"])
    with TestClient(create_app(lore.settings, lore)) as client:
        filed = client.post("/versions/v3/promote", params={"force": "true"},
                            headers={"X-API-Key": "a1"})
        assert filed.status_code == 202, filed.text
        request = filed.json()
        assert request["action"] == "force_promote" and "hit@5" in request["reason"]
        assert lore.registry.active().id == "v1"  # type: ignore[union-attr]
        approved = client.post(f"/approvals/{request['id']}/approve",
                               headers={"X-API-Key": "a2"})
        assert approved.json()["status"] == "approved", approved.text
        assert lore.registry.active().id == "v3"  # type: ignore[union-attr]
        assert lore.registry.get("v3").eval["gate"]["forced"]  # type: ignore[index]
