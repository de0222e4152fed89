"""guard_stream: a streamed draft reaches the caller checked and masked as guard_out checks
the whole answer, so the raw model text never leaves the server.

The stream is the unverified draft (the verified, guarded answer replaces it in the last
event); what it may not do is show what guard_out would withhold or mask. Words go out as
soon as they are whole, except from a word with a digit or an '@' among the newest TAIL
characters on (where a PII span may still be growing), and a cut never falls inside a span
found in the held text; once the text so far would be withheld nothing more is streamed, and
the final event says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from answer.base import Delta, Draft, Failover
from core.text import sentence_ends
from guard.config import GuardSettings
from guard.output import masked_types, withheld_because
from guard.pii import PiiScanner
from pipeline.state import Opened, Sink, State

# Longer than any PII a recogniser finds written with spaces (an IBAN in groups of four is 42
# characters, a phone number or a card number less), so none is streamed before it is whole.
TAIL = 64
# A word that may begin or continue such a span: every recognised type holds a digit or an @
# (guard/pii.py), but names, which only the spaCy engine finds, and it sees them whole.
RISKY = re.compile(r"\S*[0-9@]\S*")


@dataclass(frozen=True)
class GuardStream:
    pii: PiiScanner
    settings: GuardSettings
    system_prompt: str
    name = "guard_stream"
    always = False

    def __call__(self, state: State) -> State:
        sink = state.query.sink
        if sink is None:
            return state
        gate = StreamGate(sink, self, masked_types(self.settings, state.query.role))
        return replace(state, query=replace(state.query, sink=gate))


@dataclass
class StreamGate:
    """The sink between the generator and the caller's stream."""

    out: Sink
    guard: GuardStream
    types: list[str]
    held: str = ""  # not streamed yet
    sent: str = ""  # what the caller has seen, unmasked (a leak may span sentences)
    stopped: bool = False
    source: Delta = field(default_factory=lambda: Delta(""))

    def __call__(self, event: Opened | Delta | Failover | Draft) -> None:
        if isinstance(event, Delta):
            self.source, self.held = event, self.held + event.text
            self._release(self._cut())
            return
        if isinstance(event, Draft):
            self._release(len(self.held))
        self.out(event)

    def _cut(self) -> int:
        """Where the held text may be cut: the last sentence end, or the last whole word
        before a risky one in the tail, moved back to the start of a PII span it would fall
        inside."""
        held, ends = self.held, sentence_ends(self.held)
        risky = RISKY.search(held, max(0, len(held) - TAIL))
        word = held.rfind(" ", 0, risky.start() if risky else len(held)) + 1
        cut = max(ends[-1] if ends else 0, word)
        if cut and self.guard.settings.pii_mask_answers:
            for span in self.guard.pii.find(held, self.types):
                if span.start < cut < span.end:
                    cut = span.start
        return cut

    def _release(self, cut: int) -> None:
        g = self.guard
        if not self.stopped and withheld_because(self.sent + self.held, g.system_prompt,
                                                 g.settings):
            self.stopped = True  # guard_out withholds the answer and says why
        text, self.held = self.held[:cut], self.held[cut:]
        if self.stopped or not text:
            return
        self.sent += text
        if g.settings.pii_mask_answers:
            text = g.pii.mask_many([text], self.types)[0][0]
        self.out(replace(self.source, text=text))
