from __future__ import annotations

import pytest

from context.novelty import line_keys, novel_share


def test_line_keys_ignore_case_punctuation_and_blank_lines() -> None:
    assert line_keys("* Click **Save**.\n\n  click save  ") == ["click save", "click save"]


def test_novel_share_weighs_lines_by_length() -> None:
    seen = set(line_keys("Click Save."))
    assert novel_share("click save\nThen restart the pod", seen) == pytest.approx(20 / 30)
    assert novel_share("Click save!", seen) == 0.0
    assert novel_share("Restart the pod.", seen) == 1.0
    assert novel_share("...", seen) == 1.0
