"""Per-key request and spending limits, shared by every API process through one SQLite file.

Why SQLite under LORE_HOME: the replicas of one deployment already share that folder (the
registry file, serving statistics), a limit check is one short IMMEDIATE transaction (well
under a millisecond), and WAL lets readers go on while one process writes. A deployment whose
replicas share no folder would need a shared store (the registry's Qdrant, Redis); none is
needed for the documented compose setup, whose API replicas mount one volume.

Requests per minute are a token bucket: a key may burst a minute's allowance, then gets one
request per 60/N seconds. Tokens and cost are summed per UTC day, checked before a request
and charged after its answer, so the request that crosses a limit completes and the next one
is refused.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from core.errors import TooManyRequests
from lore.sqlite_db import open_db
from pipeline.config import KeyLimits, LimitSettings

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS buckets (principal TEXT PRIMARY KEY, tokens REAL, at REAL)",
    "CREATE TABLE IF NOT EXISTS days (principal TEXT, day TEXT, tokens INTEGER, cost REAL, "
    "PRIMARY KEY (principal, day))",
)
ANONYMOUS = "anonymous"  # every caller of a deployment without keys


def principal_of(key: str | None) -> str:
    """What limits and statistics name a caller by: never the key itself."""
    if not key:
        return ANONYMOUS
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]


class SqliteLimiter:
    def __init__(self, path: Path, settings: LimitSettings, clock=time.time) -> None:
        self._db = open_db(path, isolation_level=None)
        self._lock = threading.Lock()
        self._clock = clock
        self._limits = {principal_of(k): settings.for_key(k) for k in settings.key_limits}
        self._default = settings.for_key(None)
        with self._lock:
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                self._db.execute(statement)

    def limits(self, principal: str | None) -> KeyLimits:
        return self._limits.get(principal or ANONYMOUS, self._default)

    def admit(self, principal: str | None) -> None:
        who = principal or ANONYMOUS
        limits = self.limits(who)
        if limits.tokens_per_day is None and limits.cost_per_day is None \
                and limits.per_minute is None:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._check_day(who, limits)
                if limits.per_minute is not None:
                    self._take(who, limits.per_minute)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def charge(self, principal: str | None, tokens: int, cost: float) -> None:
        who = principal or ANONYMOUS
        with self._lock:
            self._db.execute(
                "INSERT INTO days VALUES (?, ?, ?, ?) ON CONFLICT (principal, day) DO UPDATE "
                "SET tokens = tokens + excluded.tokens, cost = cost + excluded.cost",
                (who, self._day(), tokens, cost))

    def spent(self, principal: str | None) -> tuple[int, float]:
        """Tokens and cost of the key's current UTC day."""
        row = self._db.execute("SELECT tokens, cost FROM days WHERE principal=? AND day=?",
                               (principal or ANONYMOUS, self._day())).fetchone()
        return (row[0], row[1]) if row else (0, 0.0)

    def close(self) -> None:
        self._db.close()

    def _day(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).strftime("%Y-%m-%d")

    def _check_day(self, who: str, limits: KeyLimits) -> None:
        tokens, cost = self.spent(who)
        now = self._clock()
        until_midnight = 86_400 - now % 86_400
        if limits.tokens_per_day is not None and tokens >= limits.tokens_per_day:
            raise TooManyRequests("tokens_per_day", f"{tokens} of {limits.tokens_per_day} "
                                  "model tokens used today (UTC)", until_midnight)
        if limits.cost_per_day is not None and cost >= limits.cost_per_day:
            raise TooManyRequests("cost_per_day", f"{cost:.4f} of {limits.cost_per_day} "
                                  "spent today (UTC)", until_midnight)

    def _take(self, who: str, per_minute: float) -> None:
        now, rate = self._clock(), per_minute / 60.0
        row = self._db.execute("SELECT tokens, at FROM buckets WHERE principal=?",
                               (who,)).fetchone()
        tokens = per_minute if row is None else min(per_minute, row[0] + (now - row[1]) * rate)
        if tokens < 1:
            wait = math.ceil((1 - tokens) / rate) if rate > 0 else 60
            raise TooManyRequests("rate_limit_per_minute", f"{per_minute:g} requests per "
                                  "minute", wait)
        self._db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)",
                         (who, tokens - 1, now))
