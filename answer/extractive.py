"""The offline answerer: quote the context sentences that best answer the question, cited."""

from __future__ import annotations

from answer.base import Draft, GenerationInput
from answer.compose import Pick, compose
from answer.expect import Expect, expectation, satisfies
from answer.grounding import MARKER, NOT_FOUND
from answer.prompt import SYSTEM_PROMPT
from answer.relevance import Embed, Relevance, relevance
from core.models import Context
from core.text import sentences, signature, squash, word_count
from core.tokenizer import Tokenizer, reader_tokenizer

# Swept in docs/tuning.md: against 0.35, 0.30 refuses fewer answerable questions (rhdh dev 48% ->
# 39%, sample set 19% -> 12%) and still abstains on 5 of the 6 unanswerable sample questions;
# 0.25 answers a second one.
DEFAULT_THRESHOLD = 0.3
# Sentences chosen for their relevance; each brings the sentence after it in its passage (the
# condition, command or step that finishes it) while the answer stays within MAX_WORDS. The
# rhdh dev answers are long (79 words on average): against 3 sentences / 80 words / no
# follower (F1 0.365, 38 words), this reaches 0.390, and the sample set's short answers keep
# their F1 (0.589 -> 0.595); looser support (0.4 / 0.15) gains rhdh 0.006 more but costs the
# sample set 0.08 (docs/tuning.md, fourth round).
MAX_SENTENCES = 6  # in all, followers included
MAX_CHOSEN = 3
MAX_WORDS = 150
# Headings and fragments ("Annual leave") match questions well but answer nothing.
MIN_WORDS = 4
# Ranking nudges (multiplicative, so they reorder comparable sentences but never lift an
# irrelevant one): the retriever's opinion of the passage, and holding what the question asks.
RETRIEVAL_BONUS = 0.1
TYPE_BONUS = 0.25
# A supporting sentence is either nearly as relevant as the lead (SUPPORT_RATIO of it) or
# answers a part of the question the others left open (MIN_GAIN of its weight: a real part of a
# two-part question, more than one stray common word of a short question).
SUPPORT_RATIO = 0.6
MIN_GAIN = 0.25
# Above this term overlap a second sentence repeats the first (chunk overlap, boilerplate).
DUPLICATE_JACCARD = 0.7


class ExtractiveAnswerer:
    """Generator without an LLM: it cannot read the history, so it matches sentences to the
    standalone question retrieval searched with.

    `embed` (texts → L2-normalised rows, e.g. SentenceTransformerEmbedder.embed) blends the
    model's cosine into relevance; without it scoring is lexical only.
    """

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, max_sentences: int = MAX_SENTENCES,
        max_words: int = MAX_WORDS, embed: Embed | None = None,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.embed = embed
        # Counted against the budget even offline, so the context size does not change when
        # a model takes over.
        self.system_prompt = SYSTEM_PROMPT
        # Nothing reads the prompt here; the budget is counted in an LLM's BPE, so it holds the
        # same text once a model takes over (core/tokenizer.py READER_ENCODING).
        self.tokenizer: Tokenizer = tokenizer or reader_tokenizer()

    def generate(self, request: GenerationInput) -> Draft:
        question, context = request.standalone, request.context
        cands = candidates(context)
        if not cands:
            return abstain(0.0)
        texts = [squash(c.sentence.text) for c in cands]
        rel = relevance(question, texts, [topic(context, c) for c in cands], self.embed)
        chosen = self.select(rank(question, context, cands, rel), cands, rel)
        evidence = rel.score(chosen)
        if evidence < self.threshold:
            return abstain(evidence)
        sources = [context.passages[c.passage].source for c in cands]
        quoted = self.followed(_quoted(chosen, sources, rel), cands)
        return compose([cands[i] for i in _signed(quoted, cands, context)], evidence)

    def followed(self, quoted: list[int], cands: list[Pick]) -> list[int]:
        """The quoted sentences, each with the candidate after it in its passage if it fits."""
        out = list(quoted)
        words = sum(word_count(cands[i].sentence.text) for i in out)
        for i in quoted:
            j = i + 1
            if len(out) >= self.max_sentences:
                break
            if j < len(cands) and cands[j].passage == cands[i].passage and j not in out:
                size = word_count(cands[j].sentence.text)
                if words + size <= self.max_words:
                    out.append(j)
                    words += size
        return out

    def select(self, ranked: list[int], cands: list[Pick], rel: Relevance) -> list[int]:
        """The leading sentence, then supporting, non-repeating ones within the length bound."""
        lead = ranked[0]
        chosen = [lead]
        budget = self.max_words - word_count(cands[lead].sentence.text)
        strong = SUPPORT_RATIO * rel.score([lead])
        for i in ranked[1:]:
            if len(chosen) >= min(MAX_CHOSEN, self.max_sentences):
                break
            gain = rel.covered([*chosen, i]) - rel.covered(chosen)
            useful = rel.score([i]) >= strong or gain >= MIN_GAIN
            size = word_count(cands[i].sentence.text)
            if useful and size <= budget and not _repeats(i, chosen, rel):
                chosen.append(i)
                budget -= size
        return chosen


def coverage(question: str, context: Context) -> tuple[float, list[str], list[str]]:
    """The lexical evidence of the sentences an answer would lead with (the relevance the
    threshold of this answerer sees), the quotable sentences it chose among, and the name of
    the section each stands in."""
    cands = candidates(context)
    if not cands:
        return 0.0, [], []
    texts = [squash(c.sentence.text) for c in cands]
    rel = relevance(question, texts, [topic(context, c) for c in cands])
    chosen = ExtractiveAnswerer(threshold=0.0).select(rank(question, context, cands, rel), cands,
                                                      rel)
    return rel.score(chosen), texts, [context.passages[c.passage].section for c in cands]


def candidates(context: Context) -> list[Pick]:
    """Quotable sentences, each once: long enough to say something (or a definition's own
    signature line) and free of [n] look-alikes."""
    seen: set[str] = set()
    out: list[Pick] = []
    for i, passage in enumerate(context.passages):
        for s in sentences(passage.text):
            key = squash(s.text)
            quotable = word_count(key) >= MIN_WORDS or signature(key, passage.breadcrumbs)
            if quotable and not MARKER.search(key) and key not in seen:
                seen.add(key)
                out.append(Pick(i, s))
    return out


def _signed(quoted: list[int], cands: list[Pick], context: Context) -> list[int]:
    """A quote from a definition names what it defines: its passage's signature line first."""
    out = list(quoted)
    for i in quoted:
        passage = context.passages[cands[i].passage]
        sign = next((j for j, c in enumerate(cands) if c.passage == cands[i].passage
                     and signature(squash(c.sentence.text), passage.breadcrumbs)), None)
        if sign is not None and sign not in out:
            out.append(sign)
    return out


def topic(context: Context, pick: Pick) -> str:
    passage = context.passages[pick.passage]
    return " ".join([passage.title, *passage.breadcrumbs])


def rank(question: str, context: Context, cands: list[Pick], rel: Relevance) -> list[int]:
    """Candidate indices, best first; ties go to the earlier passage and sentence."""
    expect = expectation(question)
    top = max(p.score for p in context.passages)

    def key(i: int) -> tuple[float, int, int]:
        c = cands[i]
        retrieval = context.passages[c.passage].score / top if top > 0 else 0.0
        typed = expect is not Expect.ANY and satisfies(expect, c.sentence.text)
        boost = 1 + RETRIEVAL_BONUS * retrieval + TYPE_BONUS * typed
        return (-rel.score([i]) * boost, c.passage, c.sentence.start)

    return sorted(range(len(cands)), key=key)


def _quoted(chosen: list[int], sources: list[str], rel: Relevance) -> list[int]:
    """The chosen sentences less those of another document than the lead's that hold no
    question term the ones before them lack: they match the lead's terms elsewhere, so quoting
    them cites a second document for nothing new. Applied after selection, so the evidence and
    the other choices stay as they were."""
    out = chosen[:1]
    for i in chosen[1:]:
        if sources[i] == sources[chosen[0]] or rel.covered([*out, i]) > rel.covered(out):
            out.append(i)
    return out


def _repeats(i: int, chosen: list[int], rel: Relevance) -> bool:
    def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
        return len(a & b) / len(a | b) if a | b else 1.0

    return any(jaccard(rel.terms[i], rel.terms[j]) >= DUPLICATE_JACCARD for j in chosen)


def abstain(evidence: float) -> Draft:
    return Draft(text=NOT_FOUND, abstained=True, evidence=evidence)
