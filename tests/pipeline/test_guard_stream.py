"""guard_stream: what a streamed draft shows the caller is checked and masked like the final
answer, a sentence at a time, even when a PII span or a blocked term straddles two deltas."""

from __future__ import annotations

from answer.base import Delta, Draft, Failover
from guard.config import GuardSettings
from guard.pii import PiiScanner
from pipeline.guard_stream import GuardStream
from pipeline.state import Opened, Query, State

EMAIL = "dana.kowalski@example.com"
SYSTEM = ("You answer questions about the company's documents only, quoting the passages "
          "you are given and citing each one with its number in square brackets.")


def streamed(deltas: list[str], role: str | None = None, **settings: object) -> list[object]:
    seen: list[object] = []
    step = GuardStream(PiiScanner(), GuardSettings(**settings), SYSTEM)  # type: ignore[arg-type]
    state = step(State(Query("q", role=role, sink=seen.append)))
    sink = state.query.sink
    assert sink is not None and sink is not seen.append
    sink(Opened("v1"))
    for i, text in enumerate(deltas):
        sink(Delta(text, "primary", "m"))
        if i == 1:
            sink(Failover("primary", "timeout", "read timed out"))
    sink(Draft("".join(deltas), abstained=False))
    return seen


def text_of(events: list[object]) -> str:
    return "".join(e.text for e in events if isinstance(e, Delta))


def test_an_email_split_over_two_deltas_never_reaches_the_caller() -> None:
    events = streamed(["Payroll questions go to dana.kow", "alski@example.com [1]. ",
                       "They answer within a day [1]."])
    assert EMAIL not in text_of(events) and "alski@example.com" not in text_of(events)
    assert "<EMAIL_ADDRESS>" in text_of(events)
    assert text_of(events).endswith("They answer within a day [1].")
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "Opened" and kinds[-1] == "Draft" and "Failover" in kinds
    assert all(d.provider == "primary" for d in events if isinstance(d, Delta))


def test_a_role_that_may_see_pii_streams_it() -> None:
    events = streamed([f"Write to {EMAIL} [1]. ", "Done [1]."], role="hr", pii_roles=["hr"])
    assert EMAIL in text_of(events)


def test_nothing_is_streamed_once_a_blocked_term_appears() -> None:
    events = streamed(["The lobby opens at eight [1]. The code name is Blue", "bird [2]. ",
                       "More text [2]."], blocked_terms=["bluebird"])
    assert text_of(events) == "The lobby opens at eight [1]."


def test_long_sentences_stream_word_by_word_but_never_half_a_phone_number() -> None:
    words = ("The service desk on the third floor of the main building is staffed from eight "
             "until six and can be reached on +1 415 555 0132 at any time of the day [1].")
    events = streamed([w + " " for w in words.split()])
    deltas = [e.text for e in events if isinstance(e, Delta)]
    assert len(deltas) > 5  # it streams before the sentence ends
    assert not any("415" in d or "0132" in d for d in deltas)
    assert "<PHONE_NUMBER>" in text_of(events) and text_of(events).endswith("[1]. ")
    assert isinstance(events[-1], Draft)  # the end still comes: guard_out says why


def test_a_repeated_system_prompt_stops_the_stream() -> None:
    words = SYSTEM.split()
    events = streamed(["Sure, here it is. It", " says: " + " ".join(words[:12]) + " ",
                       " ".join(words[12:]) + "."])
    assert "quoting the passages" not in text_of(events)
    assert text_of(events).strip() == "Sure, here it is."
