"""Prompt and model versions on real registries under LORE_HOME: immutable records by content
hash, the sticky canary, one-step rollback, retention, the eval cache key, and the gate
refusing a worse prompt (measured on the extractive path over the sample index)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from answer.prompt import SHIPPED, SHIPPED_TEXTS, PromptId, fingerprint, read_prompts
from core.errors import BadInput, Conflict, NotFound
from evaluation.gate import GateRefused
from lore import promotion
from lore.release_ops import propose_models, propose_prompts, release_rows, shown
from lore.releases import FROM_FILE, Kind, Pin, ServedReleases, registry_in
from lore.settings import Settings
from pipeline.state import Query, State
from tests.conftest import copy_home

ROOT = Path(__file__).resolve().parents[2]
EVAL_SET = ROOT / "data" / "eval.jsonl"
GREETED = {**SHIPPED_TEXTS, PromptId.GREETING: "Welcome! Ask away."}
# ~700 tokens of instructions: the passages of a 1024-token budget get what is left.
VERBOSE = {**SHIPPED_TEXTS, PromptId.SYSTEM: SHIPPED_TEXTS[PromptId.SYSTEM] + " " + " ".join(
    f"Rule {i}: be careful, precise and polite, and weigh every passage twice." for i in range(60))}


def served(home: Path, models: bool = False) -> ServedReleases:
    from answer.prompt import Prompts

    chains = {"cheap": ("a",), "strong": ("b", "a")}
    return ServedReleases(registry_in(home, Kind.PROMPTS),
                          registry_in(home, Kind.MODELS) if models else None, 0.0, chains,
                          Prompts(SHIPPED, SHIPPED_TEXTS))


def test_the_shipped_files_are_one_checked_prompt_set(tmp_path: Path) -> None:
    assert read_prompts(ROOT / "prompts") == SHIPPED_TEXTS
    assert set(SHIPPED_TEXTS) == {str(p) for p in PromptId}
    (tmp_path / "reply").mkdir()
    for name, text in {**SHIPPED_TEXTS, "reply/typo": "x"}.items():
        (tmp_path / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{name}.txt").write_text(text)
    with pytest.raises(BadInput, match="unknown ids \\['reply/typo'\\]"):
        read_prompts(tmp_path)


def test_a_template_may_name_only_its_fields(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path)
    bad = {**SHIPPED_TEXTS, PromptId.SOURCE: "[{n}] {url}"}
    with pytest.raises(BadInput, match="url"):
        propose_prompts(settings, bad, "")
    assert not (tmp_path / "prompts.json").exists()  # checked before anything is written


def test_versions_are_immutable_records_by_content_hash(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path)
    made = propose_prompts(settings, GREETED, "a warmer greeting")
    rows = release_rows(registry_in(tmp_path, Kind.PROMPTS))
    assert [(r["id"], r["status"], r["note"]) for r in rows] == [
        ("v1", "active", "the prompts as shipped"), ("v2", "ready", "a warmer greeting")]
    assert rows[0]["fingerprint"] == fingerprint(SHIPPED_TEXTS)
    assert made.fingerprint == fingerprint(GREETED) and rows[1]["created_at"]
    assert propose_prompts(settings, GREETED, "again").id == "v2"  # the same content
    record, content = shown(registry_in(tmp_path, Kind.PROMPTS), "v2")
    assert content == {"prompts": {str(k): v for k, v in GREETED.items()}}
    assert record.report["note"] == "a warmer greeting"


def test_a_sticky_canary_then_one_step_rollback(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path)
    v2 = propose_prompts(settings, GREETED, "").id
    promotion.promote(settings, v2, canary=30, kind=Kind.PROMPTS)
    releases = served(tmp_path)
    sides = Counter(releases.resolve(f"c{i}", None, None).prompts.version for i in range(600))
    assert 0.25 <= sides[v2] / 600 <= 0.35  # 30% +- 5 points: binomial sd is 1.9 points
    assert len({releases.resolve("c7", None, None).prompts.version for _ in range(30)}) == 1
    assert releases.resolve("c1", None, None).prompts[PromptId.GREETING] in (
        SHIPPED_TEXTS[PromptId.GREETING], GREETED[PromptId.GREETING])
    registry_in(tmp_path, Kind.PROMPTS).rollback()  # ends the canary
    assert {releases.resolve(f"c{i}", None, None).prompts.version for i in range(100)} == {"v1"}
    promotion.promote(settings, v2, kind=Kind.PROMPTS)
    assert releases.resolve("c1", None, None).prompts[PromptId.GREETING] == "Welcome! Ask away."
    registry_in(tmp_path, Kind.PROMPTS).rollback()
    assert releases.resolve("c1", None, None).prompts.version == "v1"
    with pytest.raises(Conflict, match="no previously active"):
        registry_in(tmp_path, Kind.PROMPTS).rollback()


def test_the_canary_split_is_independent_of_the_index_canary(tmp_path: Path) -> None:
    from index.active import to_canary

    settings = Settings.of(home=tmp_path)
    promotion.promote(settings, propose_prompts(settings, GREETED, "").id, canary=50,
                      kind=Kind.PROMPTS)
    releases = served(tmp_path)
    both = sum(to_canary(f"c{i}", 50) and releases.resolve(f"c{i}", None, None).prompts.version
               == "v2" for i in range(800))
    assert 0.19 <= both / 800 <= 0.31  # a quarter: not the same half as the index canary


def test_retention_keeps_the_newest_and_what_serves(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path, release_retention=2)
    for i in range(5):
        propose_prompts(settings, {**SHIPPED_TEXTS, PromptId.THANKS: f"Thanks {i}."}, "")
    ids = [r["id"] for r in release_rows(registry_in(tmp_path, Kind.PROMPTS))]
    assert ids == ["v1", "v5", "v6"]  # v1 active; the two newest kept


def test_model_versions_name_providers_of_the_file(tmp_path: Path) -> None:
    providers = tmp_path / "providers.yaml"
    providers.write_text(yaml.safe_dump({
        "providers": [{"name": n, "base_url": "http://127.0.0.1:9/v1", "model": "m"}
                      for n in ("small", "big", "next")],
        "routes": {"cheap": ["small"], "strong": ["big", "small"]}}))
    settings = Settings.of(home=tmp_path, providers=providers)
    with pytest.raises(BadInput, match="nope"):
        propose_models(settings, {"strong": ["nope"]}, "")
    made = propose_models(settings, {"strong": ["next", "big"]}, "a new model")
    registry = registry_in(tmp_path, Kind.MODELS)
    assert shown(registry, "v1")[1] == {"routes": {"cheap": ["small"], "strong": ["big",
                                                                                  "small"]}}
    assert shown(registry, made.id)[1] == {"routes": {"cheap": ["small"],
                                                      "strong": ["next", "big"]}}
    promotion.promote(settings, made.id, canary=10, kind=Kind.MODELS)
    releases = served(tmp_path, models=True)
    strong = Counter(releases.resolve(f"k{i}", None, None).chains["strong"] for i in range(600))
    assert 0.06 <= strong[("next", "big")] / 600 <= 0.14
    registry.rollback()
    assert releases.resolve("k1", None, None).chains["strong"] == ("big", "small")


def test_before_any_promotion_the_shipped_prompts_and_the_files_routes_serve(
        tmp_path: Path) -> None:
    release = served(tmp_path, models=True).resolve("k", None, None)
    assert release.prompts.version == SHIPPED and release.models == FROM_FILE
    assert release.chains == {"cheap": ("a",), "strong": ("b", "a")}
    with pytest.raises(NotFound):
        served(tmp_path).resolve(None, "v9", None)


def test_a_bench_pins_what_it_does_not_evaluate() -> None:
    pin = Pin(Kind.PROMPTS, {"version": "v4", "model_version": "v2"})
    q = pin(State(Query("q", version="v3"))).query
    assert (q.version, q.prompt_version, q.model_version) == ("v4", "v3", "v2")


def test_the_eval_cache_key_includes_the_prompt_and_model_versions(tmp_path: Path) -> None:
    settings = Settings.of(home=tmp_path)
    before = promotion.query_key(settings)
    assert promotion.query_key(settings, Kind.PROMPTS) != before  # the index is held too
    promotion.promote(settings, propose_prompts(settings, GREETED, "").id, kind=Kind.PROMPTS)
    after = promotion.query_key(settings)
    assert after != before
    assert promotion.query_key(settings, Kind.PROMPTS) == promotion.query_key(
        Settings.of(home=tmp_path / "elsewhere"), Kind.PROMPTS)  # a prompt bench varies it


@pytest.fixture
def gated(sample_index, tmp_path: Path, lore_for):
    """A private copy of the sample home with the evaluation gate on (data/eval.jsonl)."""
    home = tmp_path / "home"
    copy_home(sample_index[0].home, home)
    settings = sample_index[0].changed(home=home, eval_set=EVAL_SET, cache_exact=False)
    return settings, lore_for(settings)


def test_the_gate_refuses_a_prompt_that_starves_the_context(gated) -> None:
    settings, app = gated
    worse = propose_prompts(settings, VERBOSE, "every rule spelled out", app=app)
    with pytest.raises(GateRefused, match="context_recall") as refused:
        promotion.promote(settings, worse.id, app=app, kind=Kind.PROMPTS)
    assert "v1" in str(refused.value) and "--force" in str(refused.value)
    registry = registry_in(settings.home, Kind.PROMPTS)
    assert registry.active().id == "v1"  # type: ignore[union-attr]
    verdict = registry.get(worse.id).eval["gate"]  # type: ignore[index]
    assert not verdict["passed"] and verdict["baseline"] == "v1"
    assert verdict["candidate_metrics"]["context_recall"] < verdict["baseline_metrics"][
        "context_recall"]
    same = propose_prompts(settings, GREETED, "only the greeting changes", app=app)
    record, decision = promotion.promote(settings, same.id, app=app, kind=Kind.PROMPTS)
    assert record.status == "active" and decision.allowed and decision.result is not None
    assert decision.result.candidate_metrics == decision.result.baseline_metrics
