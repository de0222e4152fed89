"""The LLM generator against a real model: SmolLM2-135M under llama.cpp's own server
(the `local_llm` fixture). The model is far too weak to answer well, so these tests assert on
structure, counts and finish reasons, never on its text; the Generator contract shows that
whatever it writes, only supported, cited claims survive the verify step."""

from __future__ import annotations

from dataclasses import replace

import pytest

from answer.base import Delta, Draft, stream
from answer.grounding import ground, supported
from core.models import OK
from gateway.messages import messages
from gateway.model import ModelGenerator
from tests.answer.generator_contract import GeneratorContract
from tests.gateway.conftest import usage_of

# Few answer tokens keep a shared 2-core machine's run short; enough for a sentence.
MAX_TOKENS = 24


@pytest.fixture
def local(local_llm, gateway_of):
    """The local model alone (no extractive fallback): what answers is the model."""
    return gateway_of(local_llm.entry("local", max_tokens=MAX_TOKENS), extractive=False)


class TestLocalModel(GeneratorContract):
    @pytest.fixture
    def generator(self, local):
        return local.generator


def check_usage(draft: Draft, prompt_tokens_at_least: int = 50) -> None:
    u = usage_of(draft)
    assert (u.provider, u.model) == ("local", "smollm2-135m")
    assert u.input_tokens >= prompt_tokens_at_least and 0 < u.output_tokens <= MAX_TOKENS
    assert [(a.provider, a.status) for a in u.attempts] == [("local", OK)]
    assert u.cost == 0  # a model you run yourself has no price
    assert draft.finish_reason in {"stop", "length"}


def test_generate_answers_with_usage_then_verification_keeps_only_support(local, request_for,
                                                                          context):
    draft = local.generator.generate(request_for())
    check_usage(draft)
    answer = ground(draft, context)
    assert answer.abstained or all(
        supported(c.text, next(p for p in context.passages if p.source == c.source))
        for c in answer.citations)


def test_the_stream_is_the_draft_in_pieces(local, request_for):
    events = list(stream(local.generator, request_for()))
    deltas, draft = events[:-1], events[-1]
    assert deltas and all(isinstance(d, Delta) and d.provider == "local" for d in deltas)
    assert isinstance(draft, Draft)
    assert draft.text == "".join(d.text for d in deltas if isinstance(d, Delta))
    check_usage(draft)
    assert usage_of(draft).output_tokens >= len(deltas) - 1  # a token a delta, give or take


def test_the_prompt_tokens_are_counted_as_the_model_counts_them(local, request_for):
    """The server's prompt_tokens against the GGUF tokenizer's count of the message texts:
    the difference is the chat template's own tokens (a few per message)."""
    draft = local.generator.generate(request_for())
    link = local.generator.links[0]
    model: ModelGenerator = link.inner.inner.inner  # Retrying > Breaker > Instrumented
    counted = sum(model.tokenizer.count(m["content"])
                  for m in messages(model.system_prompt, request_for()))
    assert 0 < draft.usage.input_tokens - counted <= 20


def test_a_wrong_key_is_refused_by_the_real_server(local_llm, gateway_of, request_for):
    entry = {**local_llm.entry("local", max_tokens=MAX_TOKENS), "api_key": "sk-wrong"}
    gw = gateway_of(entry)
    draft = gw.generator.generate(request_for())
    assert [(a.provider, a.status) for a in draft.usage.attempts] == [
        ("local", "unauthorized"), ("extractive", OK)]


def test_a_prompt_over_the_context_window_is_a_bad_request(local_llm, gateway_of,
                                                           request_for, context):
    gw = gateway_of(local_llm.entry("local", max_tokens=MAX_TOKENS))
    big = replace(context.passages[0], text=" ".join(["annual leave policy"] * 1500))
    draft = gw.generator.generate(replace(request_for(), context=replace(
        context, passages=(big,))))
    assert [a.status for a in draft.usage.attempts] == ["bad_request", OK]
