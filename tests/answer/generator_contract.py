"""The Generator contract: what every generator's answer satisfies once the verify step has
checked it (answer/grounding.py), as the pipeline runs them.

Mixed into one test class per generator, each providing the `generator` fixture; the context
is the hand-built one of tests/answer/conftest.py.
"""

from __future__ import annotations

from answer.base import Generator
from answer.grounding import MARKER, supported
from core.models import Budget, Context
from tests.answer.conftest import answer_of

QUESTIONS = (
    "How many days of paid annual leave do full-time employees get?",
    "What is the hotel limit per night in Europe?",
    "Within how many hours must lost devices be reported?",
    "How many unused leave days can be carried over, and when do they expire?",
)
OFF_TOPIC = ("What is the capital of Australia?", "Who won the 1998 football world cup?")


class GeneratorContract:
    def test_declares_its_system_prompt(self, generator: Generator) -> None:
        assert isinstance(generator.system_prompt, str) and generator.system_prompt.strip()

    def test_answers_only_from_the_cited_passages(self, generator: Generator,
                                                  context: Context) -> None:
        by_source = {p.source: p for p in context.passages}
        for question in (*QUESTIONS, *OFF_TOPIC):
            answer = answer_of(generator, question, context)
            for citation in answer.citations:
                passage = by_source[citation.source]
                assert citation.text in passage.text
                assert citation.chunk_id in passage.chunk_ids
            for claim, n in _claims(answer.text):
                cited = next(c for c in answer.citations if c.n == n)
                assert supported(claim, by_source[cited.source]), (question, claim)

    def test_every_marker_resolves_and_citations_are_numbered_in_order(
        self, generator: Generator, context: Context
    ) -> None:
        for question in QUESTIONS:
            answer = answer_of(generator, question, context)
            numbers = [c.n for c in answer.citations]
            assert numbers == list(range(1, len(numbers) + 1))
            used = [int(n) for n in MARKER.findall(answer.text)]
            assert set(used) == set(numbers)
            assert list(dict.fromkeys(used)) == numbers  # first use gives the number

    def test_abstains_on_an_empty_context(self, generator: Generator) -> None:
        empty = Context(passages=(), tokens=0, budget=Budget(1024, 60, 0, 30, 150))
        answer = answer_of(generator, QUESTIONS[0], empty)
        assert answer.abstained and answer.citations == ()


def _claims(text: str) -> list[tuple[str, int]]:
    """(claim, first cited number) of each marker run of a verified answer."""
    parts = MARKER.split(text)
    out, claim = [], ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            claim = part.strip() or claim
        else:
            out.append((" ".join(claim.split()), int(part)))
    return out
