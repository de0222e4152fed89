from __future__ import annotations

import pytest

from core.models import Turn
from retrieval.rewrite import is_elliptical, standalone_query


def user(text: str) -> Turn:
    return Turn("user", text)


def bot(text: str) -> Turn:
    return Turn("assistant", text)


@pytest.mark.parametrize(
    ("history", "follow_up", "expected"),
    [
        # a. same preposition: the slot's phrase is replaced, the rest kept
        (["How do I deploy lore on GKE with Helm?"], "and on EKS?",
         "How do I deploy lore on EKS with Helm?"),
        (["What is the default chunk size for Word documents?"], "and for PDF files?",
         "What is the default chunk size for PDF files?"),
        # b. a new preposition is appended
        (["How do I deploy lore on GKE?"], "what about with Terraform?",
         "How do I deploy lore on GKE with Terraform?"),
        # c. shared head word
        (["How do I rotate API keys?"], "what about admin keys?", "How do I rotate admin keys?"),
        # d. names replace the anchor's last names
        (["How do I install lore on Ubuntu?"], "what about macOS?",
         "How do I install lore on macOS?"),
        (["What is the default chunk size for PDFs?"], "And DOCX?",
         "What is the default chunk size for DOCX?"),
        # e. a pronoun takes the anchor's content words
        (["Where are the API keys configured?"], "how often should I rotate them?",
         "how often should I rotate API keys configured"),
        # f. nothing detectable: content words merged
        (["Where are the API keys configured?"], "why?", "API keys configured"),
    ],
)
def test_follow_ups(history: list[str], follow_up: str, expected: str) -> None:
    turns = tuple(t for q in history for t in (user(q), bot("An answer about Helm and GKE.")))
    assert standalone_query(follow_up, turns) == expected


def test_chain_of_follow_ups_accumulates() -> None:
    turns = (user("How do I deploy lore on GKE?"), user("what about with Helm?"))
    assert standalone_query("and on EKS?", turns) == "How do I deploy lore on EKS with Helm?"


def test_standalone_questions_are_kept() -> None:
    turns = (user("How do I deploy lore on GKE?"),)
    q = "What are the settings that control chunking of PDF files?"
    assert standalone_query(q, turns) == q
    assert not is_elliptical(q)


def test_no_history_no_change() -> None:
    assert standalone_query("  and on EKS? ", ()) == "and on EKS?"
    assert standalone_query("and on EKS?", (bot("Hello"),)) == "and on EKS?"


@pytest.mark.parametrize(
    ("text", "elliptical"),
    [
        ("and on EKS?", True),
        ("What about pricing?", True),
        ("How do I configure it?", True),
        ("more detail?", True),
        ("How do I rotate the production API keys safely?", False),
    ],
)
def test_is_elliptical(text: str, elliptical: bool) -> None:
    assert is_elliptical(text) is elliptical
