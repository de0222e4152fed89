from __future__ import annotations

import pytest

from core.text import sentences


def texts(source: str) -> list[str]:
    return [s.text for s in sentences(source)]


@pytest.mark.parametrize(("source", "expected"), [
    ("Claim travel, e.g. trains and taxis. Hotels need approval.",
     ["Claim travel, e.g. trains and taxis.", "Hotels need approval."]),
    ("Upgrade to v1.2 first. Then restart.", ["Upgrade to v1.2 first.", "Then restart."]),
    ("The rate is 3.5 percent. It changes yearly.",
     ["The rate is 3.5 percent.", "It changes yearly."]),
    ("See https://docs.example.com/v2/setup.html?x=1. Done.",
     ["See https://docs.example.com/v2/setup.html?x=1.", "Done."]),
    ("Edit app-config.yaml. Commit it.", ["Edit app-config.yaml.", "Commit it."]),
    ("Ask Dr. Lee or J. Smith (i.e. HR). They reply in 2 days.",
     ["Ask Dr. Lee or J. Smith (i.e. HR).", "They reply in 2 days."]),
    ("Is it free? Yes! \"Always.\" Next one.", ["Is it free?", "Yes!", "\"Always.\"", "Next one."]),
    ("Wait... Then go.", ["Wait...", "Then go."]),
    ("Costs rose (see Fig. 3) last year.", ["Costs rose (see Fig. 3) last year."]),
])
def test_inline_boundaries(source: str, expected: list[str]) -> None:
    assert texts(source) == expected


def test_lines_and_list_items_are_their_own_sentences() -> None:
    source = (
        "Remote work\n"
        "You need:\n"
        "- a laptop with encryption\n"
        "* the VPN client. Version 2.4 or later\n"
        "1. Apply in Workday\n"
        "2) Wait for approval\n"
        "(a) Keep receipts\n"
        "## Exceptions\n"
        "| Plan | Days |"
    )
    assert texts(source) == [
        "Remote work", "You need:", "a laptop with encryption", "the VPN client.",
        "Version 2.4 or later", "Apply in Workday", "Wait for approval", "Keep receipts",
        "Exceptions", "| Plan | Days |",
    ]


def test_soft_wrapped_line_is_joined() -> None:
    source = "The policy applies to all\nstaff hired after 2020.\nNew line here."
    assert texts(source) == ["The policy applies to all\nstaff hired after 2020.", "New line here."]


def test_offsets_point_into_the_source() -> None:
    source = "  Intro line.\n\n- First item. Second part!\r\nlast  \n"
    found = sentences(source)
    assert [s.text for s in found] == ["Intro line.", "First item.", "Second part!", "last"]
    for s in found:
        assert source[s.start : s.end] == s.text


def test_empty_and_blank_text() -> None:
    assert sentences("") == ()
    assert sentences(" \n\n\t") == ()
