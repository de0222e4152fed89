"""Text analysis shared by every stage: named analyzers, normalisation, shingles, sentences.

One rule per notion, so the index, the packer, the answerer and the verifier agree on what a
term and a sentence are. Evaluation keeps its own tokens (evaluation/text.py): a metric must
not move when these are tuned.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import snowballstemmer


class Analyzer(StrEnum):
    PLAIN = "plain"  # lowercase words only
    STOPWORDS = "stopwords"  # ... minus English stop words
    STEM = "stem"  # ... and Porter2-stemmed, so "configuring" finds "configuration" (BM25)
    CONTENT = "content"  # figures kept whole, question words dropped, light stem (evidence)


# Lucene's EnglishAnalyzer set: short, so words like "how"/"why" stay and IDF weighs them down.
# fmt: off
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
        "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
        "these", "they", "this", "to", "was", "will", "with",
    }
)
# fmt: on

# Function words plus question words (they say how to ask, not what about), and the letters
# that apostrophes split off ("it's" -> it, s): what a sentence must share with a question.
CONTENT_STOP_WORDS = frozenset("""
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves how many much
    get gets got tell please also may might must shall us within without per via upon among far
    long often soon s t d ll re ve m
""".split())  # noqa: SIM905

# Runs of Unicode letters and digits: "k8s", "utf8", "2024" stay whole; "_", "-", "." split.
_WORD = re.compile(r"[^\W_]+")
# Numbers keep their decimal part ("3.5", "1,000") so a figure matches only itself.
_CONTENT_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
# snowballstemmer's pure-Python stemmers keep per-call state on the instance: one per thread.
_local = threading.local()


def _porter2(words: list[str]) -> list[str]:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return list(stemmer.stemWords(words))


# Suffixes stripped in order, with the shortest stem each may leave (shorter stems collide).
_SUFFIXES = (
    ("ies", "y", 3), ("ied", "y", 3), ("sses", "ss", 3), ("ing", "", 3), ("ed", "", 3),
    ("s", "", 3),
)
# Endings where a final "s" is part of the word, not a plural.
_KEEP_S = ("ss", "us", "is")
# Doubled before -ing/-ed ("submitted", "planned"); l, s, z double in the base word too.
_UNDOUBLE = re.compile(r"([b-df-hj-km-rtv-y])\1$")


def light_stem(word: str) -> str:
    """Light suffix stripping: policies->policy, submitted->submit, requires/required->requir."""
    if word[0].isdigit():
        return word
    for suffix, repl, min_stem in _SUFFIXES:
        if suffix == "s" and word.endswith(_KEEP_S):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            word = word[: len(word) - len(suffix)] + repl
            if suffix in ("ing", "ed"):
                word = _UNDOUBLE.sub(r"\1", word)
            break
    # "require"/"requir(ed)" must meet; a trailing e is the usual difference.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def tokenize(text: str, analyzer: Analyzer = Analyzer.STEM) -> list[str]:
    """Deterministic terms of `text` in order, repeats kept."""
    if analyzer is Analyzer.CONTENT:
        found = _CONTENT_TOKEN.findall(text.lower())
        return [light_stem(w) for w in found if w not in CONTENT_STOP_WORDS]
    words: list[str] = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if analyzer is Analyzer.PLAIN:
        return words
    words = [w for w in words if w not in STOP_WORDS]
    return words if analyzer is Analyzer.STOPWORDS else _porter2(words)


# Words as a reader names things: "C++", "node.js" and "v1.2" stay whole, trailing
# punctuation does not.
_SURFACE = re.compile(r"\w(?:[\w.+#/-]*[\w+#])?")


def surface_words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of each word as written."""
    return [(m.group(), m.start(), m.end()) for m in _SURFACE.finditer(text)]


# Control characters and the invisible format characters (zero-width spaces and joiners,
# bidi marks, word joiners, the BOM): text made only of these is blank to a reader. Written
# as regex escapes so Python, the Rust regex of pydantic and JSON Schema read it alike.
INVISIBLE = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# A character a reader sees: the schema pattern of a question that is not blank.
VISIBLE = rf"[^\s{INVISIBLE}]"


def visible(text: str) -> str:
    """The text without control and invisible characters (line breaks become spaces)."""
    return _INVISIBLE.sub(lambda m: " " if m.group() in "\n\r\t" else "", text)


# Words that state a quantity, a frequency or a date: a claim's figures, as much as its digits.
NUMBER_WORDS = frozenset("""
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred thousand million half once twice daily weekly monthly quarterly annually yearly
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
""".split())  # noqa: SIM905
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
# Words that turn a statement round; "un-" words long enough not to be "under" or "until".
NEGATIONS = frozenset({"not", "no", "never", "cannot", "without", "nor", "neither", "none",
                       "nothing", "nobody"})
MIN_UN_WORD = 8
# A capitalised word that does not open the sentence: a name, product or team.
_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][\w-]*")


def figures(text: str) -> frozenset[str]:
    """The numbers of a text as written ("1,000", "3.5") and its number words."""
    words = set(_WORD.findall(text.casefold()))
    return frozenset(_FIGURE.findall(text)) | (words & NUMBER_WORDS)


def names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence (Okta, Munich, Concur)."""
    return _NAME.findall(text)


def negated(text: str) -> bool:
    """Whether the text says "not" in some form ("isn't", "without", "unsupported")."""
    words = re.findall(r"[\w']+", text.casefold())
    return any(w in NEGATIONS or w.endswith("n't") or (w.startswith("un") and len(w) >= MIN_UN_WORD)
               for w in words)


def clauses(text: str) -> list[str]:
    """The sentences of a text, further cut at semicolons: the grain a negation holds for."""
    return [c for s in sentences(text) for c in re.split(r";\s+", s.text) if c.strip()]


# A call "copytree(src, dst)", a dotted name "os.path.join", a flag "--force".
_CODE_LIKE = re.compile(r"\w\(|\b\w+\.\w+|(?<!\w)--?\w")


def signature(line: str, breadcrumbs: tuple[str, ...]) -> bool:
    """Whether `line` is the signature of the definition its section is named by ("shutil.
    copytree(src, dst, ...)" under "... > shutil.copytree", ingestion/html_parser.py)."""
    name = breadcrumbs[-1].rsplit(".", 1)[-1] if breadcrumbs else ""
    return bool(name) and name in line and bool(_CODE_LIKE.search(line))


def word_count(text: str) -> int:
    """How many words a reader sees."""
    return len(text.split())


def squash(text: str) -> str:
    """Whitespace-insensitive form: quoting may rejoin lines that the source wrapped."""
    return " ".join(text.split())


_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Case, punctuation and spacing ignored: the form two copies of a text share."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


SHINGLE = 3  # words per shingle: long enough that shared stock phrases don't match


def shingles(normalised: str) -> frozenset[int]:
    """Hashes of the word 3-shingles: a tuple re-hashes its words on every set operation, an
    int does not (jaccard 3x faster; ~80 chunks are compared a query on a corpus of copies)."""
    words = normalised.split()
    if len(words) <= SHINGLE:
        return frozenset([hash(tuple(words))])
    return frozenset(map(hash, zip(*(words[i:] for i in range(SHINGLE)), strict=False)))


def jaccard(a: frozenset, b: frozenset) -> float:
    shared = len(a & b)
    union = len(a) + len(b) - shared  # without building the union set
    return shared / union if union else 1.0


# --- sentences ---------------------------------------------------------------------------
# A sentence ends at . ! or ? followed by whitespace and a capital, digit, quote or bracket, so
# "v1.2", "3.5", URLs and file names such as "app-config.yaml" never split (no whitespace after
# their dots), and neither do abbreviations such as "e.g." (lowercase follows, or listed below).
# Lines are units of their own: list items, table rows and headings end at the line break. A
# line that stops mid-sentence and continues in lowercase is a soft wrap and is joined.


@dataclass(frozen=True)
class Sentence:
    text: str  # source[start:end]: the words, without a leading list marker
    start: int
    end: int
    lead: int  # where the sentence's line starts, list marker included (== start without one)


_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[A-Z0-9])")
# Abbreviations that are followed by capitals or digits mid-sentence ("Dr. Lee", "No. 4").
_ABBREVIATIONS = frozenset(
    """
    e.g i.e cf vs approx dr mr mrs ms prof inc ltd co corp no nos fig figs sec vol ch art p pp
    st jr sr dept est mt ft jan feb mar apr jun jul aug sep sept oct nov dec
""".split()  # noqa: SIM905
)
# "- ", "* ", "• ", "1. ", "2) ", "(a) ", "# " at the start of a line: layout, not content.
_MARKER = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|\(?[a-z]\)|#{1,6})[ \t]+")
_LIST_START = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|\(?[a-z]\))[ \t]+")
# A line ending in these has finished its sentence (or introduces a list).
_LINE_END = (".", "!", "?", ":", ";")


def sentences(text: str, join_wrapped: bool = True) -> tuple[Sentence, ...]:
    """Sentences of `text` in order, with offsets into it. `join_wrapped=False` keeps every
    physical line apart (a line is never part of two sentences either way)."""
    out: list[Sentence] = []
    for start, end in _lines(text, join_wrapped):
        out.extend(_split_line(text, start, end))
    return tuple(out)


def _lines(text: str, join_wrapped: bool) -> list[tuple[int, int]]:
    """Spans of logical lines: physical lines, with soft-wrapped continuations joined."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        span = (pos, pos + len(line.rstrip("\r\n")))
        pos += len(line)
        if (join_wrapped and spans
                and _continues(text[spans[-1][0] : spans[-1][1]], text[span[0] : span[1]])):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    return spans


def _continues(previous: str, line: str) -> bool:
    prev, cur = previous.rstrip(), line.strip()
    if not prev or not cur or prev.endswith(_LINE_END) or _LIST_START.match(line):
        return False
    return cur[0].islower()


def _split_line(text: str, start: int, end: int) -> list[Sentence]:
    lead = start + len(text[start:end]) - len(text[start:end].lstrip())
    marker = _MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    cuts = [m.end() for m in _BOUNDARY.finditer(text, start, end) if _is_end(text, start, m)]
    out: list[Sentence] = []
    for a, b in zip([start, *cuts], [*cuts, end], strict=True):
        sentence = _trimmed(text, a, b, lead if not out else None)
        if sentence:
            out.append(sentence)
    return out


def _is_end(text: str, start: int, match: re.Match[str]) -> bool:
    """False when the dot belongs to an abbreviation or an initial ("J. Smith")."""
    if not text.startswith(".", match.start()) or match.end() - match.start() > 1:
        return True
    word = text[start : match.start()].split()[-1:] or [""]
    token = word[0].lstrip("(\"'").lower()
    return token not in _ABBREVIATIONS and not (len(token) == 1 and token.isalpha())


def _trimmed(text: str, a: int, b: int, lead: int | None) -> Sentence | None:
    part = text[a:b]
    left = len(part) - len(part.lstrip())
    right = len(part.rstrip())
    if right <= left:
        return None
    start = a + left
    return Sentence(text[start : a + right], start, a + right, start if lead is None else lead)


def sentence_ends(text: str) -> list[int]:
    """Lengths of the proper prefixes of `text` that end a sentence (where a cut may fall)."""
    stop = len(text.rstrip())
    return [s.end for s in sentences(text) if s.end < stop]
