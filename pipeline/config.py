"""What a request may ask for (LORE_*)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from pipeline.cache_match import MatchRule


class RequestSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Long enough for a real question with pasted context; a guard against abuse.
    max_question_chars: int = 2000


class CacheSettings(BaseModel):
    """Answers kept for repeated questions (pipeline/cache.py), in each process's memory."""

    model_config = ConfigDict(frozen=True)

    cache_exact: bool = True
    cache_semantic: bool = True
    # How a semantic hit is decided (pipeline/cache_match.py). At <= 1% false hits on the
    # tuning half of benchmarks/cache-pairs.jsonl the cosine alone hits 20% of paraphrases,
    # the terms rule 43%, the answer rule 50-60% (benchmarks/cache.py; docs/benchmarks.md).
    cache_rule: MatchRule = MatchRule.ANSWER
    # The answer rule's lowest score that hits: the highest that still meets the target on the
    # tuning half (50.0% of paraphrases, 0 of 309 near misses); on the held-out half 52.0% and
    # 0.8% (0.74 hit 57.9% there but 1.4% false: the safe side won).
    cache_threshold: float = 0.78
    cache_ttl_seconds: float = 3600.0  # an hour: answers age with the documents' edits
    # Each entry: the answer with its retrieval and prompt, two 1.5 KB vectors (question and
    # answer) and ~9 KB of terms for the rule (measured on 50 rhdh questions and answers).
    cache_max_entries: int = 10_000


class KeyLimits(BaseModel):
    """Limits of one API key; unset fields take the deployment's defaults."""

    model_config = ConfigDict(frozen=True)

    per_minute: float | None = None
    tokens_per_day: int | None = None
    cost_per_day: float | None = None


class LimitSettings(BaseModel):
    """Requests per minute (a token bucket) and model tokens and cost per day, per API key;
    each off while unset (LORE_RATE_LIMIT_PER_MINUTE, LORE_TOKENS_PER_DAY, LORE_COST_PER_DAY)."""

    model_config = ConfigDict(frozen=True)

    rate_limit_per_minute: float | None = None
    tokens_per_day: int | None = None
    cost_per_day: float | None = None
    # Overrides by API key (the key as configured; only its hash is ever stored).
    key_limits: dict[str, KeyLimits] = {}

    def for_key(self, key: str | None) -> KeyLimits:
        own = self.key_limits.get(key or "", KeyLimits())
        return KeyLimits(
            per_minute=own.per_minute if own.per_minute is not None
            else self.rate_limit_per_minute,
            tokens_per_day=own.tokens_per_day if own.tokens_per_day is not None
            else self.tokens_per_day,
            cost_per_day=own.cost_per_day if own.cost_per_day is not None else self.cost_per_day,
        )


class RouteMode(StrEnum):
    AUTO = "auto"  # on when the providers file names its cheap and strong chains (`routes:`)
    ON = "on"
    OFF = "off"  # one chain answers every question, and there are no fixed replies


class RouteSettings(BaseModel):
    """The router's rules (pipeline/route.py): a fixed reply, no model, a cheap or a strong
    one. Rules are matched on the question, lowercased; the shares they give on the rhdh dev
    set are in docs/routing.md."""

    model_config = ConfigDict(frozen=True)

    routing: RouteMode = RouteMode.AUTO
    # Fixed replies: a message of at most `route_reply_words` words made of one of these
    # phrases and filler only ("hi there!", "thanks a lot"); thanks win over a greeting.
    route_greetings: list[str] = ["hi", "hello", "hey", "hiya", "howdy", "greetings", "yo",
                                  "good morning", "good afternoon", "good evening",
                                  "how are you"]
    route_thanks: list[str] = ["thanks", "thank you", "thx", "ty", "cheers", "much appreciated",
                               "appreciate it", "that helps", "that helped"]
    route_filler: list[str] = ["there", "all", "everyone", "team", "lore", "again", "so",
                               "very", "much", "a", "lot", "ok", "okay", "great", "cool",
                               "nice", "perfect", "awesome", "for", "the", "help", "answer",
                               "today", "doing", "and", "you", "oh", "many"]
    route_reply_words: int = 8  # a longer message is a question, whatever its opening
    # Requests no document answers; regular expressions (re.search).
    route_out_of_scope: list[str] = [
        r"\b(tell|write|compose|sing|give) (me |us )?(a |an |some )?(joke|poem|song|story|"
        r"limerick|haiku|riddle)s?\b",
        r"\bwhat('s| is) the weather\b", r"\bweather (forecast|today|tomorrow)\b",
        r"\b(who|what) are you\b", r"\bare you (a |an )?(human|robot|bot|person|ai)\b",
    ]
    # A strong model: multi-part questions, why/how/compare questions, long histories and
    # weak evidence. Regular expressions.
    route_multipart: list[str] = [
        r"\?.*\w.*\?",  # two questions in one message
        r"\b(and|also|then|plus|as well as)\s+(what|how|why|which|where|when|who|whether)\b",
    ]
    route_reasoning: list[str] = [
        r"^\W*why\b", r"\bwhy (do|does|did|is|are|was|were|would|should|must|can|cannot|"
        r"can't|doesn't|don't|isn't|aren't|am|we|i)\b",
        r"\bhow (do|does|did|can|could|should|would|to|is|are|come)\b",
        r"\bcompar(e|es|ed|ing|ison)\b", r"\bdifferen(ce|ces|t from)\b", r"\b(versus|vs)\b",
        r"\bpros and cons\b", r"\btrade-?offs?\b", r"\bexplain\b", r"\bstep[- ]by[- ]step\b",
    ]
    route_history_turns: int = 6  # turns before the question: three exchanges and more
    route_weak_evidence: float = 0.62  # evidence below this goes to the strong model
    # No model: a lookup (a figure, a name, a default, a command) whose evidence is at least
    # `route_strong_evidence`. Lookups are what answer/expect.py calls a number, entity or code
    # question, and these.
    route_lookup: list[str] = [
        r"\b(what|which)('s| is| are)? (the )?(exact |specific |default )?(command|comand|flag|"
        r"option|setting|parameter|field|annotation|variable|value|port|path|url|file|key|name|"
        r"version|role|image|namespace|endpoint|limit|maximum|minimum)s?\b",
        r"\b(what|which)('s| is| are)? the defaults?\b",
        r"\bdefault (value|port|path|setting|role|namespace|version|limit|timeout)s?\b",
        r"\b(command|comand)s? (to|for|that)\b",
    ]
    route_strong_evidence: float = 0.75
