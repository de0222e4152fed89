"""The router: its decisions on labelled questions (the rules alone), then the reply and route
steps in the ask flow over the real sample index, and which generator each route reaches."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from answer.base import Draft, GenerationInput
from answer.extractive import ExtractiveAnswerer
from answer.prompt import SHIPPED_TEXTS, PromptId
from core.models import Turn
from core.tokenizer import Tokenizer
from lore.compose import Lore
from pipeline.config import RouteSettings
from pipeline.route import ReplyKind, Rules
from pipeline.state import Query

RULES = Rules.of(RouteSettings())
STRONG, WEAK, MIDDLE = 0.85, 0.58, 0.7  # evidence scores either side of the thresholds
PTO = "How many PTO days do new employees get?"

# (question, turns of history, evidence, target, rule)
LABELLED = [
    (PTO, 0, STRONG, "extractive", "lookup"),  # a number
    ("What is the default port of the metrics endpoint?", 0, STRONG, "extractive", "lookup"),
    ("Which command rotates the signing keys?", 0, STRONG, "extractive", "lookup"),
    ("Who approves travel expenses over 1,500 euros?", 0, STRONG, "extractive", "lookup"),
    ("What is the exact command to mirror the images?", 0, STRONG, "extractive", "lookup"),
    ("Why do we need a Redis cache for TechDocs?", 0, STRONG, "strong", "reasoning"),
    ("How do I configure the proxy for Learning Paths?", 0, STRONG, "strong", "reasoning"),
    ("Compare the Helm and the Operator installation", 0, STRONG, "strong", "reasoning"),
    ("What is the difference between the two RBAC modes?", 0, STRONG, "strong", "reasoning"),
    ("What does the Lightspeed service do and how is it set up?", 0, STRONG, "strong",
     "multipart"),
    ("Where are badges printed? When are they returned?", 0, STRONG, "strong", "multipart"),
    (PTO, 6, STRONG, "strong", "history"),  # a long conversation, whatever the question
    (PTO, 0, WEAK, "strong", "weak_evidence"),
    (PTO, 0, MIDDLE, "cheap", "direct"),  # a lookup, but the evidence is not strong
    ("What is the Dynamic Plugin Factory?", 0, STRONG, "cheap", "direct"),  # not a lookup
    ("Tell me about the parking permits", 0, None, "cheap", "direct"),  # evidence unmeasured
]
REPLIES = [
    ("hi", ReplyKind.GREETING), ("Hello there!", ReplyKind.GREETING),
    ("Good morning, team", ReplyKind.GREETING), ("hey, how are you?", ReplyKind.GREETING),
    ("thanks!", ReplyKind.THANKS), ("Thank you so much", ReplyKind.THANKS),
    ("ok great, thanks a lot", ReplyKind.THANKS), ("hi, and thanks!", ReplyKind.THANKS),
    ("Tell me a joke", ReplyKind.OUT_OF_SCOPE),
    ("Write me a poem about Kubernetes", ReplyKind.OUT_OF_SCOPE),
    ("what's the weather today?", ReplyKind.OUT_OF_SCOPE),
    ("Are you a robot?", ReplyKind.OUT_OF_SCOPE),
]
QUESTIONS = ["hi, how many PTO days do new employees get?", "Thanks. And after five years?",
             "Is there a hello world example in the docs?", "Who approves expenses?",
             "thanks " * 9, PTO]


@pytest.mark.parametrize(("question", "turns", "evidence", "target", "rule"), LABELLED)
def test_decisions_on_labelled_questions(question, turns, evidence, target, rule) -> None:
    route = RULES.decide(question, turns, evidence)
    assert (route.target, route.rule) == (target, rule), route.reason
    assert route.reason.startswith(f"{rule}: ")


@pytest.mark.parametrize(("message", "kind"), REPLIES)
def test_greetings_thanks_and_out_of_scope_get_a_fixed_reply(message, kind) -> None:
    assert RULES.reply(message) is kind


@pytest.mark.parametrize("message", QUESTIONS)
def test_questions_get_no_fixed_reply(message) -> None:
    assert RULES.reply(message) is None


def test_the_rules_are_settings() -> None:
    tuned = Rules.of(RouteSettings(route_strong_evidence=0.95, route_history_turns=2,
                                   route_reasoning=[], route_greetings=["ahoy"]))
    assert tuned.decide(PTO, 0, STRONG).target == "cheap"  # 0.85 is no longer strong
    assert tuned.decide(PTO, 2, STRONG).rule == "history"
    assert tuned.decide("Why is it slow?", 0, STRONG).target == "cheap"
    assert tuned.reply("ahoy there") is ReplyKind.GREETING and tuned.reply("hi") is None


@dataclass
class Recording:
    """The extractive answerer standing in for a model: what reached it, and with what
    system prompt."""

    inner: ExtractiveAnswerer = field(default_factory=ExtractiveAnswerer)
    seen: list[GenerationInput] = field(default_factory=list)

    @property
    def system_prompt(self) -> str:
        return self.inner.system_prompt

    @property
    def tokenizer(self) -> Tokenizer:
        return self.inner.tokenizer

    def generate(self, request: GenerationInput) -> Draft:
        self.seen.append(request)
        return self.inner.generate(request)


@pytest.fixture(scope="module")
def routed(sample_index, lore_for) -> tuple[Lore, Recording]:
    """Routing on, the evidence thresholds at the ends so that the rule, not this corpus's
    scores, decides: every lookup is extractive, no evidence is weak."""
    settings = sample_index[0].changed(routing="on", cache_exact=False, route_weak_evidence=0.0,
                                       route_strong_evidence=0.0)
    generator = Recording()
    return lore_for(settings, generator=generator), generator


def test_a_greeting_is_answered_by_the_prompt_versions_reply(routed) -> None:
    app, generator = routed
    before = len(generator.seen)
    state, trace = app.ask(Query("Hello there!"))
    assert state.answer is not None and state.answer.text == SHIPPED_TEXTS[PromptId.GREETING]
    assert not state.answer.abstained and state.answer.citations == ()
    assert state.route is not None and (state.route.target, state.route.rule) == ("reply",
                                                                                  "reply")
    ran = [s.name for s in trace.spans if s.parent == 0]
    assert "reply" in ran and "generate" not in ran and "evidence" not in ran
    assert len(generator.seen) == before  # no model
    assert trace.attributes["route"] == "reply" and trace.attributes["prompt_version"]


def test_out_of_scope_is_declined_as_an_abstention(routed) -> None:
    state, _ = routed[0].ask(Query("Tell me a joke about robots"))
    assert state.answer is not None and state.answer.abstained
    assert state.answer.reason == SHIPPED_TEXTS[PromptId.OUT_OF_SCOPE]


def test_a_lookup_gets_the_extractive_answer_and_no_model(routed) -> None:
    app, generator = routed
    before = len(generator.seen)
    state, trace = app.ask(Query(PTO))
    assert state.route is not None and state.route.target == "extractive"
    assert state.route.models == ("extractive",)
    assert len(generator.seen) == before
    assert state.answer is not None and state.answer.citations  # quoted, cited, verified
    route_span = next(s for s in trace.spans if s.name == "route")
    assert route_span.attributes["route"] == "extractive"
    assert route_span.attributes["reason"] == state.route.reason


def test_why_and_long_histories_reach_the_model_with_the_release_prompt(routed) -> None:
    app, generator = routed
    state, _ = app.ask(Query("Why do new employees get fewer PTO days?"))
    assert state.route is not None and (state.route.target, state.route.rule) == (
        "strong", "reasoning")
    assert generator.seen[-1].question == "Why do new employees get fewer PTO days?"
    assert generator.seen[-1].system_prompt == SHIPPED_TEXTS[PromptId.SYSTEM]
    history = tuple(Turn("user" if i % 2 == 0 else "assistant", f"turn {i}") for i in range(6))
    state, _ = app.ask(Query(PTO, history))
    assert state.route is not None and state.route.rule == "history"


def test_routing_is_off_without_named_chains(sample_lore: Lore) -> None:
    names = [s.name for s in sample_lore.flows.ask.steps]
    assert "route" not in names and "reply" not in names
    assert names.index("resolve_version") < names.index("resolve_release") < names.index(
        "assemble")
    state, _ = sample_lore.ask(Query("Hello there!"))
    assert state.route is None and state.release is not None
    assert state.release.prompts.version == "shipped"


def test_the_flow_places_reply_before_evidence_and_route_before_generate(routed) -> None:
    names = [s.name for s in routed[0].flows.ask.steps]
    assert names.index("assemble") < names.index("reply") < names.index("evidence")
    assert names.index("evidence") < names.index("route") == names.index("generate") - 1
    assert "route" in [s.name for s in routed[0].flows.evaluate.steps]
