"""BM25 terms come from Snowball's C stemmer (PyStemmer, which snowballstemmer uses when it is
installed) and must equal the pure-Python Snowball stems: a different stem would change every
sparse vector, and the index fingerprint would have to change with it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer

from core.text import Analyzer, tokenize

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[^\W_]+")  # core/text.py's words


def vocabulary() -> list[str]:
    texts = [p.read_text(errors="ignore") for p in sorted((ROOT / "data").rglob("*"))
             if p.is_file() and p.suffix in (".md", ".txt", ".html", ".jsonl", ".csv", ".eml")]
    texts.append((Path(__file__).parent / "corpus.txt").read_text())
    words = {w for t in texts for w in WORD.findall(unicodedata.normalize("NFKC", t).casefold())}
    return sorted(words)


def test_the_c_stemmer_is_in_use() -> None:
    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"


def test_c_stems_equal_the_pure_python_stems() -> None:
    words = vocabulary()
    assert len(words) > 500  # the sample corpus and the index tests' text
    reference = EnglishStemmer()
    assert tokenize(" ".join(words), Analyzer.STEM) == [
        reference.stemWord(w) for w in words if tokenize(w, Analyzer.STOPWORDS)]
