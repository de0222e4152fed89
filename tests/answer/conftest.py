"""A hand-built context: policies of a fictional company, placed as the assembler would."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from answer.base import GenerationInput, Generator
from answer.grounding import ground
from core.models import Answer, Budget, Context, Passage

LEAVE_CHUNKS = (
    "Northwind Forge grants every full-time employee 28 days of paid annual leave per calendar "
    "year, including the eight public holidays. Part-time staff receive leave pro rata to their "
    "contracted hours. Leave requests must be submitted in Workday at least ten working days in "
    "advance.",
    "Up to five unused days may be carried over into the next year; carried-over days expire on "
    "31 March. Sick leave does not count against annual leave, e.g. a doctor's note covers "
    "absences longer than three days.",
)

EXPENSES = (
    "Employees travelling for work may claim reasonable expenses through the Expensify app. "
    "Hotel stays are reimbursed up to EUR 180 per night in Europe and USD 250 per night in North "
    "America. Receipts must be uploaded within 30 days of the expense, or the claim is rejected. "
    "Economy class is required for flights shorter than six hours."
)

# Lines of its own inside one chunk: only chunk_starts tells where its two chunks meet.
SECURITY = (
    "Remote work\n"
    "Staff may work remotely up to three days per week with their manager's approval.\n"
    "Laptops must use full-disk encryption and the VPN client v2.4 or later.\n"
    "- Configuration lives in vpn-config.yaml, e.g. the gateway address.\n"
    "- Lost devices must be reported to security@northwind.example within 24 hours.\n"
    "The security team reviews access rights every\n"
    "quarter and removes accounts of people who left."
)


def passage(source: str, title: str, ids: tuple[str, ...], text: str, score: float,
            page: int | None = None, starts: tuple[int, ...] | None = None) -> Passage:
    if starts is None:  # chunks joined by "\n" as context/passages.py joins them, a line each
        offsets = [0]
        for line in text.split("\n")[: len(ids) - 1]:
            offsets.append(offsets[-1] + len(line) + 1)
        starts = tuple(offsets)
    return Passage(source=source, title=title, breadcrumbs=(title,), page=page, chunk_ids=ids,
                   text=text, score=score, tokens=len(text.split()), position=0,
                   chunk_starts=starts)


BUDGET = Budget(total=1024, system=60, history=0, question=30, reserve=200)
MakeContext = Callable[..., Context]


def context_of(*passages: Passage) -> Context:
    return Context(passages=passages, tokens=sum(p.tokens for p in passages), budget=BUDGET)


@pytest.fixture
def make_context() -> MakeContext:
    """Context of one-chunk passages given as (source, text) pairs, best score first."""

    def make(*docs: tuple[str, str]) -> Context:
        return context_of(*(passage(src, src, (f"{src}#0",), text, 1.0 / (i + 1))
                            for i, (src, text) in enumerate(docs)))

    return make


@pytest.fixture
def context() -> Context:
    passages = (
        passage("handbook/leave.md", "Leave policy", ("leave-0", "leave-1"),
                "\n".join(LEAVE_CHUNKS), 0.031),
        passage("finance/expenses.pdf", "Travel and expenses", ("exp-2",), EXPENSES, 0.027, page=4),
        passage("it/security.md", "Remote work and security", ("sec-0", "sec-1"), SECURITY, 0.022,
                starts=(0, SECURITY.index("The security team"))),
    )
    return context_of(*passages)


def answer_of(generator: Generator, question: str, context: Context) -> Answer:
    """The generator's draft through the verify step, as the pipeline runs them."""
    draft = generator.generate(GenerationInput(question, (), context, standalone=question))
    return ground(draft, context)
