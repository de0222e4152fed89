from __future__ import annotations

from core.models import Element, ElementKind, ParsedDocument
from ingestion.chunker import chunk_document

LIMIT = 120


def doc(elements: list[Element], source: str = "a/b.md") -> ParsedDocument:
    return ParsedDocument(source, "B", tuple(elements), "h" * 64, 0.0)


def long_section(tokenizer, n: int = 40) -> list[Element]:
    sentences = [f"Rule {i} says the north gate opens at {i} o'clock for staff." for i in range(n)]
    return [Element(" ".join(sentences), ElementKind.TEXT, ("Handbook", "Gates"), 3)]


def test_every_chunk_fits_the_model_including_heading(tokenizer):
    chunks = chunk_document(doc(long_section(tokenizer)), tokenizer.count, LIMIT, 16)
    assert len(chunks) > 3
    for c in chunks:
        assert tokenizer.count(c.embed_text) <= LIMIT
        assert c.tokens == tokenizer.count(c.embed_text)
        assert c.breadcrumbs == ("Handbook", "Gates") and c.page == 3


def test_run_on_text_without_sentences_is_cut_between_words(tokenizer):
    words = " ".join(f"token{i}" for i in range(600))
    chunks = chunk_document(doc([Element(words, ElementKind.TEXT)]), tokenizer.count, LIMIT, 0)
    assert all(tokenizer.count(c.embed_text) <= LIMIT for c in chunks)
    assert " ".join(c.text for c in chunks).split() == words.split()  # nothing lost


def test_overlap_repeats_the_tail_and_is_recorded(tokenizer):
    chunks = chunk_document(doc(long_section(tokenizer)), tokenizer.count, LIMIT, 24)
    second = chunks[1]
    assert second.overlap > 0
    repeated = second.text[: second.overlap].strip()
    assert chunks[0].text.endswith(repeated)
    # Without the repeated prefix, consecutive chunks read as the original text.
    stitched = chunks[0].text + "\n" + "".join(c.text[c.overlap :] for c in chunks[1:])
    assert "Rule 39" in stitched and stitched.count("Rule 5 says") == 1


def test_tables_stay_whole_when_they_fit_and_split_by_rows_otherwise(tokenizer):
    small = Element("Plan | Price\nBasic | 10\nPro | 20", ElementKind.TABLE, ("Prices",))
    rows = "\n".join(f"Item {i} | {i * 3} EUR | in stock" for i in range(80))
    big = Element(rows, ElementKind.TABLE, ("Stock",))
    chunks = chunk_document(doc([small, big]), tokenizer.count, LIMIT, 0)
    assert chunks[0].text == small.text
    assert all(line.startswith("Item ") for c in chunks[1:] for line in c.text.splitlines())


def test_chunks_do_not_cross_pages_or_sections(tokenizer):
    els = [
        Element("Leave is 25 days.", ElementKind.TEXT, ("HR",), 1),
        Element("Parental leave is 16 weeks.", ElementKind.TEXT, ("HR",), 2),
        Element("Badges are blue.", ElementKind.TEXT, ("Security",), 2),
    ]
    chunks = chunk_document(doc(els), tokenizer.count, LIMIT, 0)
    expected = [(1, ("HR",)), (2, ("HR",)), (2, ("Security",))]
    assert [(c.page, c.breadcrumbs) for c in chunks] == expected


def test_ids_are_stable_and_change_with_content(tokenizer):
    a = chunk_document(doc(long_section(tokenizer)), tokenizer.count, LIMIT, 16)
    b = chunk_document(doc(long_section(tokenizer)), tokenizer.count, LIMIT, 16)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    other = chunk_document(doc(long_section(tokenizer), "a/c.md"), tokenizer.count, LIMIT, 16)
    assert not {c.id for c in a} & {c.id for c in other}
    edited = long_section(tokenizer)
    edited[0] = Element(edited[0].text.replace("Rule 0 ", "Rule zero "), ElementKind.TEXT,
                        edited[0].breadcrumbs, 3)
    changed = chunk_document(doc(edited), tokenizer.count, LIMIT, 16)
    assert changed[0].id != a[0].id and changed[-1].id == a[-1].id


def test_titles_become_breadcrumbs_not_text(tokenizer):
    els = [Element("Handbook", ElementKind.TITLE, ()),
           Element("Welcome aboard.", ElementKind.TEXT, ("Handbook",))]
    [chunk] = chunk_document(doc(els), tokenizer.count, LIMIT, 0)
    assert chunk.text == "Welcome aboard." and chunk.embed_text == "Handbook\nWelcome aboard."
