from __future__ import annotations

from context.budget import HISTORY_SHARE, RESERVE_SHARE, plan_budget, trim_history
from context.render import render_turn
from core.models import DropReason, Turn
from core.tokenizer import Tokenizer

SYSTEM = "Answer only from the passages below and cite them as [n]."
QUESTION = "How often are production API keys rotated?"
HISTORY = (
    Turn("user", "Who issues API keys?"),
    Turn("assistant", "API keys are issued per team by the platform team [1]."),
    Turn("user", "Can reader keys ingest documents?"),
    Turn("assistant", "No. Reader keys can only query; admin keys can also ingest [1]."),
)


def test_split_uses_exact_counts(tokenizer: Tokenizer) -> None:
    plan = plan_budget(1024, SYSTEM, QUESTION, HISTORY, tokenizer.count)
    b = plan.budget
    assert b.system == tokenizer.count(SYSTEM)
    assert b.question == tokenizer.count(QUESTION)
    assert b.history == sum(tokenizer.count(render_turn(t)) for t in HISTORY)
    assert b.reserve == int(1024 * RESERVE_SHARE)
    assert b.context == 1024 - b.system - b.question - b.history - b.reserve
    assert plan.history == HISTORY and plan.dropped == ()


def test_history_trimmed_oldest_first(tokenizer: Tokenizer) -> None:
    sizes = [tokenizer.count(render_turn(t)) for t in HISTORY]
    total = int((sizes[-1] + sizes[-2]) / HISTORY_SHARE) + 1  # room for the last two turns only
    plan = plan_budget(total, SYSTEM, QUESTION, HISTORY, tokenizer.count)
    assert plan.history == HISTORY[2:]
    assert plan.budget.history == sizes[2] + sizes[3] <= total * HISTORY_SHARE
    assert [(d.chunk_id, d.source, d.reason, d.tokens) for d in plan.dropped] == [
        ("turn-0", "user", DropReason.HISTORY, sizes[0]),
        ("turn-1", "assistant", DropReason.HISTORY, sizes[1]),
    ]


def test_a_long_turn_drops_everything_older(tokenizer: Tokenizer) -> None:
    history = (Turn("user", "short"), Turn("assistant", "long " * 200), Turn("user", "short"))
    kept, dropped = trim_history(history, 50, tokenizer.count)
    assert kept == history[2:]
    assert [d.chunk_id for d in dropped] == ["turn-0", "turn-1"]


def test_context_is_never_negative(tokenizer: Tokenizer) -> None:
    plan = plan_budget(20, SYSTEM, QUESTION * 5, (), tokenizer.count)
    assert plan.budget.context == 0
