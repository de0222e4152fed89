"""resolve_release, reply, route: which prompt and model versions answer, and who answers.

    resolve_release  the prompt and model versions: a pinned one (evaluation), else the serving
                     one, a canary's share sticky per conversation or key (lore/releases.py)
    reply            a greeting, thanks or an out-of-scope request: the prompt version's fixed
                     reply, no model (placed after retrieval, so every answer has one)
    route            just before generate: no model (the extractive answer) for a lookup with
                     strong evidence; the strong chain for multi-part, why/how/compare
                     questions, long histories and weak evidence; the cheap chain for the rest

The rules are settings (pipeline/config.py RouteSettings), matched in the order above; the
decision names its rule and what the rule saw (`State.route`), for the answer, the trace and
the metrics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from answer.base import Generator
from answer.expect import Expect, expectation
from answer.prompt import PromptId
from core.models import EXTRACTIVE, Answer
from core.text import Analyzer, tokenize
from core.tracing import annotate
from pipeline.config import RouteSettings
from pipeline.state import Release, Route, State, need


class RouteTarget(StrEnum):
    EXTRACTIVE = "extractive"  # no model: the extractive answerer quotes the passages
    CHEAP = "cheap"
    STRONG = "strong"
    REPLY = "reply"  # a fixed reply of the prompt version


class ReplyKind(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    OUT_OF_SCOPE = "out_of_scope"


REPLIES = {ReplyKind.GREETING: PromptId.GREETING, ReplyKind.THANKS: PromptId.THANKS,
           ReplyKind.OUT_OF_SCOPE: PromptId.OUT_OF_SCOPE}
# The generator of a chain named by its providers, in order; (): the whole chain.
Pick = Callable[[tuple[str, ...]], Generator]


class Releases(Protocol):
    def resolve(self, sticky: str | None, prompts: str | None, models: str | None) -> Release:
        """The pinned versions, else the serving ones (a canary's share for some keys)."""
        ...


@dataclass(frozen=True)
class Rules:
    """RouteSettings with its patterns compiled."""

    settings: RouteSettings
    greetings: tuple[tuple[str, ...], ...]
    thanks: tuple[tuple[str, ...], ...]
    out_of_scope: tuple[re.Pattern[str], ...]
    multipart: tuple[re.Pattern[str], ...]
    reasoning: tuple[re.Pattern[str], ...]
    lookup: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, s: RouteSettings) -> Rules:
        def phrases(texts: Sequence[str]) -> tuple[tuple[str, ...], ...]:
            return tuple(tuple(tokenize(t, Analyzer.PLAIN)) for t in texts)

        def compiled(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p, re.IGNORECASE) for p in patterns)

        return cls(s, phrases(s.route_greetings), phrases(s.route_thanks),
                   compiled(s.route_out_of_scope), compiled(s.route_multipart),
                   compiled(s.route_reasoning), compiled(s.route_lookup))

    def reply(self, question: str) -> ReplyKind | None:
        """The fixed reply a message gets, if it is only a greeting or thanks, or out of
        scope."""
        words = tokenize(question, Analyzer.PLAIN)
        if 0 < len(words) <= self.settings.route_reply_words:
            rest, thanked = _without(words, self.thanks)
            rest, greeted = _without(rest, self.greetings)
            if (thanked or greeted) and set(rest) <= set(self.settings.route_filler):
                return ReplyKind.THANKS if thanked else ReplyKind.GREETING
        if _first(self.out_of_scope, question):
            return ReplyKind.OUT_OF_SCOPE
        return None

    def decide(self, question: str, turns: int, evidence: float | None) -> Route:
        """The chain for a question the documents answer: the first rule that fires."""
        s = self.settings
        if turns >= s.route_history_turns:
            return _to(RouteTarget.STRONG, "history", f"{turns} turns >= {s.route_history_turns}")
        for rule, patterns in (("multipart", self.multipart), ("reasoning", self.reasoning)):
            found = _first(patterns, question)
            if found:
                return _to(RouteTarget.STRONG, rule, repr(found))
        if evidence is not None and evidence < s.route_weak_evidence:
            return _to(RouteTarget.STRONG, "weak_evidence",
                       f"{evidence:.2f} < {s.route_weak_evidence}")
        kind = self.lookup_kind(question)
        if kind and evidence is not None and evidence >= s.route_strong_evidence:
            return _to(RouteTarget.EXTRACTIVE, "lookup",
                       f"{kind}, evidence {evidence:.2f} >= {s.route_strong_evidence}")
        seen = "unmeasured" if evidence is None else f"{evidence:.2f}"
        return _to(RouteTarget.CHEAP, "direct", f"{kind or 'no lookup'}, evidence {seen}")

    def lookup_kind(self, question: str) -> str:
        """What a lookup asks for (number, entity, code, or the lookup phrase); "" if none."""
        expect = expectation(question)
        if expect is not Expect.ANY:
            return str(expect)
        return repr(_first(self.lookup, question) or "")[1:-1]


def _to(target: RouteTarget, rule: str, detail: str) -> Route:
    return Route(str(target), rule, f"{rule}: {detail}")


def _first(patterns: Sequence[re.Pattern[str]], text: str) -> str:
    """The text the first matching pattern matched; "" when none does."""
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return ""


def _without(words: list[str], phrases: Sequence[tuple[str, ...]]) -> tuple[list[str], bool]:
    """`words` with every occurrence of the phrases taken out, and whether one occurred."""
    rest, found, i = [], False, 0
    while i < len(words):
        hit = next((p for p in phrases if p and tuple(words[i:i + len(p)]) == p), None)
        if hit is None:
            rest.append(words[i])
            i += 1
        else:
            found, i = True, i + len(hit)
    return rest, found


@dataclass(frozen=True)
class Router:
    """What the reply and route steps need, built once by the composition root."""

    rules: Rules
    pick: Pick
    models: bool  # False: no model to route to, every answer is extractive


@dataclass(frozen=True)
class ResolveRelease:
    releases: Releases
    name = "resolve_release"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        release = self.releases.resolve(q.sticky, q.prompt_version, q.model_version)
        annotate(prompt_version=release.prompts.version, model_version=release.models)
        return replace(state, release=release)


@dataclass(frozen=True)
class Reply:
    rules: Rules
    name = "reply"
    always = False

    def __call__(self, state: State) -> State:
        kind = self.rules.reply(state.query.question)
        if kind is None:
            return state
        text = need(state.release, "release").prompts[REPLIES[kind]]
        out = kind is ReplyKind.OUT_OF_SCOPE  # declined: an abstention, saying why
        answer = Answer(text, abstained=out, reason=text if out else "")
        route = _to(RouteTarget.REPLY, "reply", str(kind))
        annotate(route=route.target, rule=route.rule, reason=route.reason)
        return replace(state, answer=answer, route=route, done=True)


@dataclass(frozen=True)
class RouteStep:
    router: Router
    name = "route"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        if not self.router.models:
            route = _to(RouteTarget.EXTRACTIVE, "no_model", "no model is configured")
        else:
            evidence = state.evidence.score if state.evidence else None
            route = self.router.rules.decide(state.standalone or q.question, len(q.history),
                                             evidence)
        chains = need(state.release, "release").chains
        models = (EXTRACTIVE,) if route.target == RouteTarget.EXTRACTIVE else tuple(
            chains.get(route.target, ()))
        route = replace(route, models=models)
        annotate(route=route.target, rule=route.rule, reason=route.reason,
                 route_models=list(models))
        return replace(state, route=route)


@dataclass(frozen=True)
class RouteSteps:
    reply: tuple[Reply, ...] = ()
    route: tuple[RouteStep, ...] = ()


def route_steps(router: Router | None) -> RouteSteps:
    if router is None:
        return RouteSteps()
    return RouteSteps((Reply(router.rules),), (RouteStep(router),))
