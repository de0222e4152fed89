"""The happy path end to end: /ask over the sample index answered by the real local model,
streamed and not. The model is too weak to cite, so the answer is verified or refused."""

from __future__ import annotations

from answer.grounding import NOT_FOUND
from tests.gateway.conftest import ASKED, events
from tests.gateway.test_local_model import MAX_TOKENS

# A small budget: a shared 2-core host reads ~100 prompt tokens a second.
BUDGET = 512


def check(usage: dict, answer: str, abstained: bool, citations: list) -> None:
    assert (usage["provider"], usage["model"]) == ("local", "smollm2-135m")
    assert usage["input_tokens"] > 100 and 0 < usage["output_tokens"] <= MAX_TOKENS
    assert [(a["provider"], a["status"]) for a in usage["attempts"]] == [("local", "ok")]
    if abstained:
        assert answer == NOT_FOUND and citations == []
    else:  # whatever survived verification is cited, every citation used
        assert citations and all(f"[{c['n']}]" in answer for c in citations)


def test_ask_answers_through_the_local_model(local_llm, client_of):
    c = client_of(local_llm.entry("local", max_tokens=MAX_TOKENS))
    body = c.post("/ask", json={"question": ASKED, "budget_tokens": BUDGET}).json()
    check(body["usage"], body["answer"], body["abstained"], body["citations"])


def test_ask_streams_from_the_local_model(local_llm, client_of):
    c = client_of(local_llm.entry("local", max_tokens=MAX_TOKENS))
    got = events(c.post("/ask", json={"question": ASKED, "budget_tokens": BUDGET,
                                      "stream": True}))
    names = [name for name, _ in got]
    assert names[0] == "meta" and names[-3:] == ["citations", "usage", "done"]
    deltas = names[1:-3]
    assert deltas and set(deltas) == {"delta"}
    assert got[0][1]["provider"] == "local"
    cited, usage, done = (data for _, data in got[-3:])
    check(usage, cited["answer"], cited["abstained"], cited["citations"])
    assert len(deltas) <= usage["output_tokens"] + 1
    assert done["finish_reason"] in {"stop", "length"}
