"""A 5-field cron expression (minute hour day-of-month month day-of-week) as pure functions.

Fields take `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and comma lists. Day of week
is 0-7 with 0 and 7 both Sunday. As in Vixie cron, when both day fields are restricted (do not
start with '*') a day matches if either does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import BadInput

# (name, lowest, highest) of each field, in order.
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
          ("day of week", 0, 7))
# Feb 29 can be 8 years away (2096 -> 2104); a schedule that matches nothing within this many
# days never fires.
HORIZON_DAYS = 366 * 9


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool  # day of month starts with '*'
    any_weekday: bool  # day of week starts with '*'

    def day_matches(self, t: datetime) -> bool:
        by_day = t.day in self.days
        by_weekday = (t.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return by_day and by_weekday
        return by_day or by_weekday

    def matches(self, t: datetime) -> bool:
        return (t.minute in self.minutes and t.hour in self.hours and t.month in self.months
                and self.day_matches(t))


def _part(part: str, low: int, high: int) -> range:
    base, _, step = part.partition("/")
    if base == "*":
        start, end = low, high
    elif "-" in base:
        a, b = base.split("-", 1)
        start, end = int(a), int(b)
    else:
        start = end = int(base)
        end = high if step else end  # "5/15": from 5 to the top, every 15
    if not low <= start <= end <= high:
        raise ValueError(f"{part!r} is outside {low}-{high}")
    n = int(step) if step else 1
    if n < 1:
        raise ValueError(f"step {n} must be at least 1")
    return range(start, end + 1, n)


def _field(text: str, name: str, low: int, high: int) -> frozenset[int]:
    try:
        return frozenset(v for part in text.split(",") for v in _part(part, low, high))
    except ValueError as exc:
        raise BadInput(f"cron {name} field {text!r}: {exc}") from None


def parse_cron(expr: str) -> Cron:
    texts = expr.split()
    if len(texts) != len(FIELDS):
        raise BadInput(f"cron expression {expr!r} needs 5 fields: minute hour day-of-month "
                       "month day-of-week, e.g. '0 2 * * *' for 02:00 every day")
    m, h, d, mo, w = (_field(t, *spec) for t, spec in zip(texts, FIELDS, strict=True))
    weekdays = frozenset(x % 7 for x in w)
    cron = Cron(m, h, d, mo, weekdays, texts[2].startswith("*"), texts[4].startswith("*"))
    next_fire(cron, datetime(2000, 1, 1))  # refuse '0 0 31 2 *' now, not at run time
    return cron


def next_fire(cron: Cron, after: datetime) -> datetime:
    """The first whole minute strictly after `after` that the schedule matches."""
    t = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    limit = t + timedelta(days=HORIZON_DAYS)
    while t < limit:
        if t.month not in cron.months or not cron.day_matches(t):
            t = t.replace(hour=0, minute=0) + timedelta(days=1)
        elif t.hour not in cron.hours:
            t = t.replace(minute=0) + timedelta(hours=1)
        elif t.minute not in cron.minutes:
            t += timedelta(minutes=1)
        else:
            return t
    raise BadInput("the cron expression matches no date (e.g. February 30); check its days")
