"""Per-key limits in one SQLite file: a token bucket per minute, tokens and cost per day."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import TooManyRequests
from lore.limits import ANONYMOUS, SqliteLimiter, principal_of
from pipeline.config import KeyLimits, LimitSettings

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_733_000_000.0  # a fixed instant; the clock below moves only when a test says so


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


def limiter(tmp_path: Path, clock: Clock, **settings) -> SqliteLimiter:
    return SqliteLimiter(tmp_path / "limits.sqlite", LimitSettings(**settings), clock)


def test_the_bucket_allows_a_minutes_burst_then_refills(tmp_path: Path) -> None:
    clock = Clock()
    lim = limiter(tmp_path, clock, rate_limit_per_minute=3)
    for _ in range(3):
        lim.admit("key:a")
    with pytest.raises(TooManyRequests) as refused:
        lim.admit("key:a")
    assert refused.value.limit == "rate_limit_per_minute"
    assert refused.value.retry_after == 20  # one request per 60/3 s
    lim.admit("key:b")  # another key has its own bucket
    clock.t += 20
    lim.admit("key:a")
    with pytest.raises(TooManyRequests):
        lim.admit("key:a")


def test_daily_tokens_and_cost_are_checked_before_and_charged_after(tmp_path: Path) -> None:
    clock = Clock()
    lim = limiter(tmp_path, clock, tokens_per_day=1000, cost_per_day=0.5)
    lim.admit("key:a")
    lim.charge("key:a", 1200, 0.01)  # the request that crosses the limit completes
    with pytest.raises(TooManyRequests) as refused:
        lim.admit("key:a")
    assert refused.value.limit == "tokens_per_day" and refused.value.retry_after > 0
    assert lim.spent("key:a") == (1200, 0.01)
    lim.charge("key:b", 10, 0.6)
    with pytest.raises(TooManyRequests, match="cost_per_day"):
        lim.admit("key:b")
    clock.t += 86_400  # a new UTC day
    lim.admit("key:a")


def test_a_key_of_its_own_overrides_the_defaults(tmp_path: Path) -> None:
    settings = {"rate_limit_per_minute": 100, "key_limits": {"vip": KeyLimits(per_minute=1)}}
    lim = limiter(tmp_path, Clock(), **settings)
    vip = principal_of("vip")
    assert vip != "vip" and "vip" not in vip  # only a hash is ever stored
    lim.admit(vip)
    with pytest.raises(TooManyRequests):
        lim.admit(vip)
    for _ in range(50):
        lim.admit(principal_of("other"))
    assert principal_of(None) == ANONYMOUS


def test_no_limit_configured_admits_everything_without_writing(tmp_path: Path) -> None:
    lim = limiter(tmp_path, Clock())
    for _ in range(1000):
        lim.admit("key:a")
    assert lim.spent("key:a") == (0, 0.0)


CHILD = """
import sys
from pathlib import Path
from core.errors import TooManyRequests
from lore.limits import SqliteLimiter
from pipeline.config import LimitSettings
lim = SqliteLimiter(Path(sys.argv[1]), LimitSettings(rate_limit_per_minute=10))
ok = 0
for _ in range(10):
    try:
        lim.admit("key:shared")
        ok += 1
    except TooManyRequests:
        pass
print(ok)
"""


def test_processes_share_one_allowance(tmp_path: Path) -> None:
    """Two API processes on one LORE_HOME: 10 per minute between them, not 10 each."""
    path = tmp_path / "limits.sqlite"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True,
                                 env={"PYTHONPATH": str(ROOT)}) for _ in range(2)]
    admitted = [int(c.communicate(timeout=120)[0]) for c in children]
    assert sum(admitted) == 10, admitted
