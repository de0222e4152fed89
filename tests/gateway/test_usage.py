"""Usage and cost: tokens as the provider reports them, counted with the model's tokenizer
when it does not, the cost from the model's prices, summed over every attempt; and one
`attempt` span per call with the GenAI semantic-convention attributes."""

from __future__ import annotations

import pytest

from answer.base import stream
from core.tracing import Trace, tracing
from gateway.messages import messages
from tests.gateway.conftest import entry, last, usage_of

PRICES = {"price_input": 2.0, "price_output": 8.0}  # per million tokens


@pytest.mark.parametrize("streamed", [True, False])
def test_reported_usage_is_taken_and_priced(faults, gateway_of, request_for, streamed):
    ok = faults("ok")  # reports 100 prompt tokens and one completion token per word
    gw = gateway_of(entry("p", ok.base_url, model={"id": "m", "stream": streamed, **PRICES}))
    draft = gw.generator.generate(request_for())
    (attempt,) = draft.usage.attempts
    assert attempt.input_tokens == 100
    assert attempt.output_tokens == len(draft.text.split())
    assert attempt.cost == pytest.approx((100 * 2.0 + attempt.output_tokens * 8.0) / 1e6)
    u = draft.usage
    assert (u.model, u.provider, u.input_tokens, u.output_tokens, u.cost) == (
        "m", "p", 100, attempt.output_tokens, attempt.cost)
    assert ok.seen[0].body["stream"] is streamed
    assert ok.seen[0].body.get("stream_options") == ({"include_usage": True} if streamed else None)


def test_usage_a_provider_omits_is_counted_with_the_models_tokenizer(faults, gateway_of,
                                                                     request_for):
    quiet = faults("ok_no_usage")
    gw = gateway_of(entry("p", quiet.base_url, model={"id": "m", **PRICES}))
    request = request_for()
    draft = gw.generator.generate(request)
    count = gw.generator.tokenizer.count
    sent = quiet.seen[0].body["messages"]
    assert sent == messages(gw.generator.system_prompt, request)
    attempt = draft.usage.attempts[0]
    assert attempt.input_tokens == sum(count(m["content"]) for m in sent)
    assert attempt.output_tokens == count(draft.text) > 0


def test_a_failed_stream_is_paid_and_summed_with_the_one_that_finished(faults, gateway_of,
                                                                       request_for):
    dying, ok = faults("die_after"), faults("ok")
    gw = gateway_of(entry("a", dying.base_url, model={"id": "m", **PRICES}),
                    entry("b", ok.base_url, model={"id": "m2", **PRICES}))
    usage = usage_of(last(list(stream(gw.generator, request_for()))))
    broken, done = usage.attempts
    assert broken.output_tokens > 0 and broken.cost > 0
    assert usage.input_tokens == broken.input_tokens + done.input_tokens
    assert usage.cost == pytest.approx(broken.cost + done.cost)
    assert (usage.model, usage.provider) == ("m2", "b")


def test_every_attempt_is_a_span_with_gen_ai_attributes(faults, gateway_of, request_for):
    down, ok = faults("fail"), faults("ok")
    gw = gateway_of(entry("a", down.base_url), entry("b", ok.base_url, model={
        "id": "m", **PRICES}))
    trace = Trace("ask")
    with tracing(trace), trace.span("generate"):
        gw.generator.generate(request_for())
    failed, answered = (s for s in trace.spans if s.name == "attempt")
    assert failed.attributes["lore.status"] == "server_error"
    assert failed.attributes["error.type"] == "server_error"
    attrs = answered.attributes
    assert attrs["gen_ai.system"] == "openai" and attrs["gen_ai.request.model"] == "m"
    assert attrs["gen_ai.operation.name"] == "chat" and attrs["lore.provider"] == "b"
    assert attrs["gen_ai.usage.input_tokens"] == 100 and attrs["gen_ai.usage.output_tokens"] > 0
    assert attrs["gen_ai.response.finish_reasons"] == ["stop"] and attrs["lore.cost"] > 0
    assert attrs["server.address"].startswith("127.0.0.1:")
    assert "attempt" in trace.timings_ms()
