"""The 5-field cron matcher behind `lore ingest --schedule`."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.errors import BadInput
from ingestion.cron import next_fire, parse_cron

T0 = datetime(2025, 3, 14, 13, 37, 20)  # a Friday


@pytest.mark.parametrize(("expr", "after", "expected"), [
    ("0 2 * * *", T0, datetime(2025, 3, 15, 2, 0)),
    ("* * * * *", T0, datetime(2025, 3, 14, 13, 38)),
    ("*/15 * * * *", T0, datetime(2025, 3, 14, 13, 45)),
    ("5/20 9-17 * * *", T0, datetime(2025, 3, 14, 13, 45)),
    ("30 1,13 * * *", T0, datetime(2025, 3, 15, 1, 30)),
    ("0 0 1 * *", T0, datetime(2025, 4, 1, 0, 0)),
    ("0 3 * * 1-5", T0, datetime(2025, 3, 17, 3, 0)),  # Friday afternoon -> Monday
    ("0 3 * * 0", T0, datetime(2025, 3, 16, 3, 0)),
    ("0 3 * * 7", T0, datetime(2025, 3, 16, 3, 0)),  # 7 is Sunday too
    ("0 0 29 2 *", T0, datetime(2028, 2, 29, 0, 0)),  # the next leap day
    ("0 12 15 * 5", T0, datetime(2025, 3, 15, 12, 0)),  # day 15 OR a Friday: Saturday 15th
    ("0 12 20 * 5", T0, datetime(2025, 3, 20, 12, 0)),  # ... Thursday 20th before Friday 21st
    ("0 12 */2 * 1", T0, datetime(2025, 3, 17, 12, 0)),  # '*'-led day: AND (Mon 17 is odd)
    ("37 13 * * *", datetime(2025, 3, 14, 13, 37), datetime(2025, 3, 15, 13, 37)),  # after
    ("0 0 1 1 *", datetime(2025, 12, 31, 23, 59), datetime(2026, 1, 1, 0, 0)),
])
def test_next_fire(expr: str, after: datetime, expected: datetime):
    cron = parse_cron(expr)
    assert next_fire(cron, after) == expected
    assert cron.matches(expected)


def test_matches_only_what_the_fields_allow():
    cron = parse_cron("0 2 * * 1-5")
    assert cron.matches(datetime(2025, 3, 14, 2, 0))
    assert not cron.matches(datetime(2025, 3, 15, 2, 0))  # Saturday
    assert not cron.matches(datetime(2025, 3, 14, 2, 1))


@pytest.mark.parametrize(("expr", "message"), [
    ("0 2 * *", "needs 5 fields"),
    ("60 * * * *", "minute field '60'"),
    ("* 24 * * *", "hour field"),
    ("* * 0 * *", "day of month field"),
    ("* * * 13 *", "month field"),
    ("* * * * 8", "day of week field"),
    ("*/0 * * * *", "step 0"),
    ("5-1 * * * *", "outside"),
    ("x * * * *", "minute field 'x'"),
    ("0 0 30 2 *", "matches no date"),
])
def test_bad_expressions_say_what_is_wrong(expr: str, message: str):
    with pytest.raises(BadInput, match=message):
        parse_cron(expr)
