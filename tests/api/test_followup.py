"""A follow-up with history retrieves what the same question asked in full retrieves."""

from __future__ import annotations

FIRST = "How many PTO days do new employees get?"
FOLLOW_UP = "and after five years?"
STANDALONE = "How many PTO days do new employees get after five years?"


def _history(client) -> list[dict[str, str]]:
    first = client.post("/ask", json={"question": FIRST}).json()
    return [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first["answer"]}]


def test_follow_up_search_matches_the_standalone_question(client) -> None:
    history = _history(client)
    follow = client.post("/search", json={"question": FOLLOW_UP, "history": history}).json()
    alone = client.post("/search", json={"question": STANDALONE}).json()
    without = client.post("/search", json={"question": FOLLOW_UP}).json()
    top = [h["chunk_id"] for h in alone["hits"][:3]]
    # Same best hit and same top three; the rewrite is not word for word, so near-ties may swap.
    assert follow["hits"][0]["chunk_id"] == top[0]
    assert {h["chunk_id"] for h in follow["hits"][:3]} == set(top)
    # The history is what makes it work: the bare follow-up ranks something else first.
    assert without["hits"][0]["chunk_id"] != top[0]


def test_follow_up_ask_cites_like_the_standalone_question(client) -> None:
    history = _history(client)
    follow = client.post("/ask", json={"question": FOLLOW_UP, "history": history}).json()
    alone = client.post("/ask", json={"question": STANDALONE}).json()
    assert not follow["abstained"]
    cited = {(c["source"], c["page"], c["chunk_id"]) for c in follow["citations"]}
    assert cited == {(c["source"], c["page"], c["chunk_id"]) for c in alone["citations"]}
    assert ("handbook/employee-handbook.pdf", 2) in {(s, p) for s, p, _ in cited}
    assert "27" in follow["answer"]
    assert follow["rewritten_question"] and "five years" in follow["rewritten_question"]
