"""The semantic cache's decision (pipeline/cache_match.py) on labelled pairs of
benchmarks/cache-pairs.jsonl (held-out half), with the real embedding model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.models import Answer
from core.text import normalise
from pipeline.cache_match import NEVER, MatchRule, cached, score, terms_of, unknown
from pipeline.cache_store import AnswerCache
from pipeline.config import CacheSettings
from pipeline.state import Query, State

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = {row["question"]: row.get("reference_answer")
           for row in map(json.loads, (ROOT / "data" / "eval.jsonl").read_text().splitlines())}
THRESHOLD = CacheSettings().cache_threshold
RULE = CacheSettings().cache_rule
# (cached question, its answer, new question, whether it asks the same)
HELM = ("How do I install the Red Hat Developer Hub Helm chart?",
        "Add the openshift-helm-charts repository, then install the redhat-developer-hub chart "
        "with helm install and a values.yaml of your settings.")
SPLUNK = ("How can I forward audit logs from Red Hat Developer Hub to Splunk?",
          "You can forward Red Hat Developer Hub audit logs to Splunk by using the Red Hat "
          "OpenShift Logging Operator and a ClusterLogForwarder instance.")
PAIRS = [
    (*HELM, "how do i instal the red hat developer hub helm chart", True),
    (*HELM, "How do I uninstall the Red Hat Developer Hub Helm chart?", False),
    (*HELM, "How do I upgrade the Red Hat Developer Hub Helm chart?", False),
    (*HELM, "How do I install the Red Hat Developer Hub Operator?", False),
    (*SPLUNK, "How can I forward audit logs from RHDH to Splunk?", True),
    (*SPLUNK, "How can I forward audit logs from Red Hat Developer Hub to Elasticsearch?", False),
]
SAMPLE = [
    ("What is the price of the Atlas 150?", "Could you tell me the price of the Atlas 150, please?",
     True),
    ("What is the price of the Atlas 150?", "Atlas 150 price?", True),
    ("What is the price of the Atlas 150?", "What is the price of the Atlas 300?", False),
    ("What is the price of the Atlas 150?", "What is the weight of the Atlas 150?", False),
    ("When is Fleet Manager 5.0 planned to be released?",
     "What's the planned release date of Fleet Manager 5.0?", True),
    ("When is Fleet Manager 5.0 planned to be released?", "What is new in Fleet Manager 5.0?",
     False),
    ("Is the Munich office closed on King's Day 2024?",
     "Will the Munich office be closed for King's Day in 2024?", True),
    ("Is the Munich office closed on King's Day 2024?",
     "Is the Munich office closed on King's Day 2025?", False),
]


def judged(embedder, rule: MatchRule, question: str, answer: str | None, asked: str) -> float:
    q, a, new = embedder.embed([question, answer or "", asked])
    return score(rule, terms_of(asked), new, cached(question, q, answer, a))


@pytest.mark.parametrize(("question", "answer", "asked", "same"),
                         PAIRS + [(q, ANSWERS[q], asked, same) for q, asked, same in SAMPLE])
def test_labelled_pairs_fall_on_their_side_of_the_threshold(
        embedder, question: str, answer: str, asked: str, same: bool) -> None:
    assert (judged(embedder, RULE, question, answer, asked) >= THRESHOLD) is same


def test_the_cosine_alone_ranks_a_near_miss_above_a_paraphrase(embedder) -> None:
    cached_q, paraphrase, near_miss = embedder.embed([
        "How many PTO days do new employees get per year?",
        "How many paid time off days do new employees get a year?",
        "How many PTO days can new employees carry over?"])
    assert float(cached_q @ paraphrase) < float(cached_q @ near_miss)


def test_terms_meet_across_typos_truncations_and_acronyms() -> None:
    def differ(a: str, b: str) -> list[str]:
        return unknown(terms_of(a), terms_of(b)) + unknown(terms_of(b), terms_of(a))

    assert differ("how do i bulk inport repos into Red Hat Develper Hub?",
                  "How do I bulk import repositories into RHDH?") == []
    assert differ("How many PTO days do new employees get per year?",
                  "How many paid time off days do new employees get a year?") == []
    assert differ("what info i need from RHBK?",
                  "What information do I need from Red Hat Build of Keycloak?") == []
    assert differ("How does the operator help?", "How does helm help?") == ["helm", "operator"]


@pytest.mark.parametrize(("question", "asked"), [
    ("What is the price of the Atlas 150?", "What is the price of the Atlas 300?"),
    ("How fast do the Atlas robots drive where people walk?",
     "How fast do the Atlas robots drive where no people walk?"),
    ("How do I turn off telemetry with the Helm chart?",
     "How do I turn on telemetry with the Helm chart?"),
    ("How do I enable the ServiceNow plugin? It says disabled.",
     "How do I disable the ServiceNow plugin?"),
])
def test_other_figures_a_negation_or_an_opposite_veto(embedder, question: str, asked: str) -> None:
    for rule in (MatchRule.TERMS, MatchRule.ANSWER):
        assert judged(embedder, rule, question, "An answer.", asked) == NEVER
    assert judged(embedder, MatchRule.COSINE, question, "An answer.", asked) > 0.7


def test_an_abstention_answers_only_a_rewrite_under_the_answer_rule(embedder) -> None:
    question = "Who is our dental insurance provider?"
    asked = "Which company provides our dental insurance?"
    assert judged(embedder, MatchRule.ANSWER, question, None, asked) == NEVER
    assert judged(embedder, MatchRule.TERMS, question, None, asked) > NEVER
    rewrite = "who's our dental insurance provider?"
    assert judged(embedder, MatchRule.ANSWER, question, None, rewrite) >= THRESHOLD


PRICES = {"What is the price of the Atlas 150?": "The Atlas 150 robot costs 38,500 euros.",
          "What is the price of the Atlas 300?": "The Atlas 300 robot costs 52,900 euros."}


def put(cache: AnswerCache, embedder, question: str) -> None:
    cache.put("s", normalise(question), embedder.embed([question])[0], State(Query(question)),
              Answer(PRICES[question], False), None)


def test_the_cache_serves_the_entry_the_rule_accepts(embedder) -> None:
    cache = AnswerCache(10, 60, THRESHOLD, rule=MatchRule.ANSWER, embed=embedder.embed)
    for question in PRICES:
        put(cache, embedder, question)
    for asked, served in (("Could you tell me the price of the Atlas 300, please?", "300"),
                          ("How much does the Atlas 150 cost?", "150")):
        hit = cache.similar("s", embedder.embed([asked])[0], asked)
        assert hit is not None and hit.entry.question == f"what is the price of the atlas {served}"
    asked = "What is the weight of the Atlas 300?"
    assert cache.similar("s", embedder.embed([asked])[0], asked) is None


def test_without_the_answer_only_a_rewrite_hits_under_the_answer_rule(embedder) -> None:
    cache = AnswerCache(10, 60, THRESHOLD, rule=MatchRule.ANSWER, embed=None)
    put(cache, embedder, "What is the price of the Atlas 150?")
    for asked, hits in (("Could you tell me the price of the Atlas 150, please?", True),
                        ("How much does the Atlas 150 cost?", False)):
        assert (cache.similar("s", embedder.embed([asked])[0], asked) is not None) is hits
