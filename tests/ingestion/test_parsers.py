"""Real parsers on the sample corpus in data/, on bad inputs made in tmp_path, and offline."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from core.errors import ParseError
from core.models import Element, ElementKind, ParsedDocument
from ingestion.parsers import SUPPORTED, parse_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "corpus"
RHDH = ROOT.parent / "shared" / "datasets" / "rhdh" / "docs"
MAX = 10 * 1024 * 1024


def parse(rel: str) -> ParsedDocument:
    return parse_file(DATA / rel, rel, MAX)


def holding(doc: ParsedDocument, fact: str) -> Element:
    """The one body element that contains `fact`."""
    found = [e for e in doc.elements if fact in e.text and e.kind is not ElementKind.TITLE]
    assert len(found) == 1, f"{fact!r} in {len(found)} elements of {doc.source}"
    return found[0]


# (file, title, fact, kind of the element holding it, its breadcrumbs, its page)
CASES = [
    ("handbook/employee-handbook.pdf", "Northwind Robotics Employee Handbook",
     "New employees receive 22 paid time off (PTO) days", ElementKind.TEXT,
     ("Northwind Robotics Employee Handbook", "3 Time off", "3.1 Paid time off"), 2),
    ("handbook/employee-handbook.pdf", "Northwind Robotics Employee Handbook",
     "20 weeks of fully paid parental leave", ElementKind.TEXT,
     ("Northwind Robotics Employee Handbook", "4 Parental leave"), 3),
    ("handbook/employee-handbook.pdf", "Northwind Robotics Employee Handbook",
     "250 euros per night in London", ElementKind.TEXT,
     ("Northwind Robotics Employee Handbook", "5 Travel and expenses"), 4),
    ("handbook/employee-handbook.pdf", "Northwind Robotics Employee Handbook",
     "split into at most 3 blocks", ElementKind.LIST,
     ("Northwind Robotics Employee Handbook", "4 Parental leave"), 3),
    ("handbook/holidays-2024.xlsx", "Holidays 2024",
     "2024-06-14 | Northwind Day (company anniversary) | All", ElementKind.TABLE,
     ("Holidays 2024",), None),
    ("policies/security-policy.docx", "Information Security Policy",
     "at least 14 characters long", ElementKind.TEXT,
     ("1. Passwords and authentication",), None),
    ("policies/security-policy.docx", "Information Security Policy",
     "FIDO2 hardware key", ElementKind.TEXT,
     ("1. Passwords and authentication", "1.1 Multi-factor authentication"), None),
    ("policies/security-policy.docx", "Information Security Policy",
     "SEV1 | Customer robots stopped at a site | 15 minutes | Every 30 minutes",
     ElementKind.TABLE, ("3. Incident response",), None),
    ("policies/security-policy.docx", "Information Security Policy",
     "Screens lock automatically after 5 minutes", ElementKind.LIST, ("2. Devices",), None),
    ("product/faq.html", "Northwind Atlas AMR FAQ", "from 20% to 80% in 45 minutes",
     ElementKind.TEXT, ("Northwind Atlas AMR FAQ", "Battery and charging"), None),
    ("product/faq.html", "Northwind Atlas AMR FAQ", "Ingress protection: IP54",
     ElementKind.LIST, ("Northwind Atlas AMR FAQ", "Specifications"), None),
    ("product/release-notes.md", "Atlas Fleet Manager Release Notes",
     "Elevator integration", ElementKind.LIST,
     ("Atlas Fleet Manager Release Notes", "Version 4.2.0 (2024-03-12)", "New features"), None),
    ("product/release-notes.md", "Atlas Fleet Manager Release Notes",
     "default_role: viewer", ElementKind.CODE,
     ("Atlas Fleet Manager Release Notes", "Version 4.1.0 (2024-01-09)", "Configuration"), None),
    ("product/release-notes.md", "Atlas Fleet Manager Release Notes",
     "Atlas 300 | 8.1.0 | Required for elevator integration", ElementKind.TABLE,
     ("Atlas Fleet Manager Release Notes", "Version 4.1.0 (2024-01-09)",
      "Supported robot firmware"), None),
    ("product/price-list.csv", "price-list",
     "DCK-01 | Atlas Dock charging station | 4200", ElementKind.TABLE, (), None),
    ("product/roadmap-2025.pptx", "Atlas Product Roadmap 2025",
     "Planned release date: 15 September 2025", ElementKind.TEXT,
     ("Q3 2025: Fleet Manager 5.0",), 3),
    ("notes/oncall-runbook.txt", "Fleet Manager On-Call Runbook",
     "escalates it to the secondary on-call engineer", ElementKind.TEXT,
     ("Fleet Manager On-Call Runbook", "Paging and escalation"), None),
    ("notes/oncall-runbook.txt", "Fleet Manager On-Call Runbook",
     "sudo systemctl restart atlas-fleetd", ElementKind.CODE,
     ("Fleet Manager On-Call Runbook", "Restarting the fleet service"), None),
    ("notes/office-move.eml", "Eindhoven office moves to Strijp-S on 2 September 2024",
     "40 parking spaces", ElementKind.TEXT,
     ("Eindhoven office moves to Strijp-S on 2 September 2024",), None),
    ("notes/office-move.eml", "Eindhoven office moves to Strijp-S on 2 September 2024",
     "From: Marta Jansen", ElementKind.TEXT,
     ("Eindhoven office moves to Strijp-S on 2 September 2024",), None),
]


@pytest.mark.parametrize(("rel", "title", "fact", "kind", "crumbs", "page"), CASES,
                         ids=[f"{c[0]}:{c[2][:24]}" for c in CASES])
def test_sample_corpus_facts_keep_structure(rel, title, fact, kind, crumbs, page):
    doc = parse(rel)
    assert doc.title == title
    el = holding(doc, fact)
    assert (el.kind, el.breadcrumbs, el.page) == (kind, crumbs, page)


def test_every_pdf_element_has_its_page():
    doc = parse("handbook/employee-handbook.pdf")
    assert {e.page for e in doc.elements} == {1, 2, 3, 4}
    assert holding(doc, "Core hours are 10:00 to 15:00").page == 1


def test_hash_and_mtime_come_from_the_file():
    path = DATA / "product" / "release-notes.md"
    doc = parse("product/release-notes.md")
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.mtime == path.stat().st_mtime
    assert doc.source == "product/release-notes.md" and doc.warnings == ()


def test_every_corpus_file_has_a_parser():
    corpus = [p for p in DATA.rglob("*") if p.is_file() and p.suffix not in {".py", ".yaml"}]
    assert len(corpus) >= 8
    assert all(p.suffix in SUPPORTED for p in corpus)


def test_markdown_structure_from_plain_text_export(tmp_path):
    text = (
        "# Install\n\nIntro line.\n\n[NOTE]\n----\nBack up first.\n----\n\n"
        "## Steps\n\n1. Run the script:\n\n```bash\n# not a heading\n./install.sh\n```\n\n"
        "| Key | Value |\n| --- | --- |\n| port | 7007 |\n\n# Upgrade\n\nSee notes.\n"
    )
    path = tmp_path / "guide.txt"
    path.write_text(text)
    els = parse_file(path, "guide.txt", MAX).elements
    got = [(e.kind, e.breadcrumbs, e.text) for e in els if e.kind is not ElementKind.TITLE]
    assert got == [
        (ElementKind.TEXT, ("Install",), "Intro line."),
        (ElementKind.TEXT, ("Install",), "Note: Back up first."),
        (ElementKind.LIST, ("Install", "Steps"), "1. Run the script:"),
        (ElementKind.CODE, ("Install", "Steps"), "# not a heading\n./install.sh"),
        (ElementKind.TABLE, ("Install", "Steps"), "Key | Value\nport | 7007"),
        (ElementKind.TEXT, ("Upgrade",), "See notes."),
    ]


@pytest.mark.skipif(not RHDH.is_dir(), reason="shared rhdh corpus not beside the repo")
def test_rhdh_corpus_parses_with_breadcrumbs():
    docs = [parse_file(p, p.name, MAX) for p in sorted(RHDH.glob("*.txt"))]
    body = [e for d in docs for e in d.elements if e.kind is not ElementKind.TITLE]
    assert len(docs) == 28 and len(body) > 4000
    assert all(e.breadcrumbs for e in body)
    # '#' comment lines inside code fences never become headings.
    titles = {e.text for d in docs for e in d.elements if e.kind is ElementKind.TITLE}
    assert not any(t.startswith(("...", "!/")) for t in titles)
    assert sum(e.kind is ElementKind.CODE for e in body) > 500


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def blank_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


BAD = [
    ("notes.xyz", b"hello", "unsupported file type '.xyz'"),
    ("empty.md", b"", "empty file"),
    ("junk.txt", random.Random(7).randbytes(4096), "binary content in a text file"),
    ("junk.md", bytes(range(1, 32)) * 64, "binary content in a text file (control"),
    ("fake.pdf", b"just some text, not a PDF at all", "not a valid PDF file"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage", "corrupt PDF"),
    ("scan.pdf", blank_pdf(), "no text found (a scanned PDF needs OCR"),
    ("fake.docx", b"PK\x03\x04 this zip is cut short", "DOCX parser failed"),
    ("headings.md", b"# Only\n\n## Headings\n", "no text found"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_parse_error_with_a_reason(tmp_path, name, data, reason):
    with pytest.raises(ParseError) as err:
        parse_file(write(tmp_path, name, data), name, MAX)
    assert str(err.value).startswith(reason)


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = write(tmp_path, "big.md", b"# Big\n\n" + b"word " * 400)
    with pytest.raises(ParseError, match="over the 1000 bytes limit"):
        parse_file(path, "big.md", 1000)


def test_cp1252_text_is_read_with_a_warning(tmp_path):
    path = write(tmp_path, "cafe.txt", "Café menu: crème brûlée costs 7 €.".encode("cp1252"))
    doc = parse_file(path, "cafe.txt", MAX)
    assert doc.elements[0].text == "Café menu: crème brûlée costs 7 €."
    assert doc.warnings == ("not valid UTF-8; read as cp1252, check accented characters",)


# Runs in a fresh interpreter so the spaCy model is loaded for the first time behind the guard.
OFFLINE_SCRIPT = """
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("network disabled by test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from pathlib import Path
from ingestion.parsers import parse_file
from unstructured.nlp import tokenize

titles = [parse_file(Path(p), p, 10**7).title for p in sys.argv[1:]]
print(json.dumps({"titles": titles, "spacy_loaded": tokenize._get_nlp.cache_info().currsize}))
"""


def test_parsing_works_with_network_disabled():
    files = [str(DATA / f) for f in ("product/faq.html", "notes/office-move.eml",
                                     "policies/security-policy.docx", "notes/oncall-runbook.txt")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT, *files], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["titles"] == ["Northwind Atlas AMR FAQ",
                             "Eindhoven office moves to Strijp-S on 2 September 2024",
                             "Information Security Policy", "Fleet Manager On-Call Runbook"]
    assert out["spacy_loaded"] == 1  # unstructured's NLP heuristics really ran


SPHINX_PAGE = """<!DOCTYPE html><html><head><title>shutil</title></head><body>
<div class="related" role="navigation"><h3>Navigation</h3><ul><li>index</li></ul></div>
<div class="body" role="main"><section>
<h1>shutil — High-level file operations<a class="headerlink" href="#x">¶</a></h1>
<p>The <code>shutil</code> module offers high-level operations on files.</p>
<section><h2>Directory and files operations<a class="headerlink">¶</a></h2>
<dl class="py function"><dt class="sig sig-object py" id="shutil.copytree">
<span class="sig-prename">shutil.</span><span class="sig-name">copytree</span>(<em>src</em>,
<em>dst</em>)<a class="headerlink">¶</a></dt>
<dd><p>Recursively copy an entire directory tree rooted at <em>src</em>.</p>
<div class="admonition note"><p class="admonition-title">Note</p>
<p>Symlinks are copied as links.</p></div>
<div class="highlight"><pre>copytree(src, dst)
</pre></div></dd></dl>
<p>Text after the definitions belongs to the section again.</p>
</section></section></div></body></html>"""


def test_html_definitions_are_sections_named_by_their_term(tmp_path: Path) -> None:
    """An API reference page: the signature line leads its own section, navigation and
    permalink marks are left out, text after the definition list returns to its section."""
    page = tmp_path / "shutil.html"
    page.write_text(SPHINX_PAGE, encoding="utf-8")
    doc = parse_file(page, "shutil.html", MAX)
    assert doc.title == "shutil — High-level file operations"
    assert not any("Navigation" in e.text or "¶" in e.text for e in doc.elements)
    section = ("shutil — High-level file operations", "Directory and files operations")
    sign = holding(doc, "shutil.copytree(src, dst)")
    assert (sign.kind, sign.breadcrumbs) == (ElementKind.CODE, (*section, "shutil.copytree"))
    assert holding(doc, "Recursively copy").breadcrumbs == (*section, "shutil.copytree")
    assert holding(doc, "Symlinks are copied").text == "Note: Symlinks are copied as links."
    code = [e for e in doc.elements if e.text == "copytree(src, dst)"]
    assert [e.kind for e in code] == [ElementKind.CODE]
    assert holding(doc, "Text after the definitions").breadcrumbs == section


METHOD_PAGE = """<!DOCTYPE html><html><head><title>asyncio</title></head><body>
<div class="body" role="main"><section><h1>Runners</h1>
<dl class="py class"><dt class="sig sig-object py" id="asyncio.Runner">
<em class="property">class </em><span class="sig-prename">asyncio.</span><span \
class="sig-name">Runner</span>(<em>debug=None</em>)</dt>
<dd><p>A context manager that runs coroutines in one event loop.</p>
<dl class="py method"><dt class="sig sig-object py" id="asyncio.Runner.run">
<span class="sig-name">run</span>(<em>coro</em>)</dt>
<dd><p>Run a coroutine in the embedded loop.</p></dd></dl></dd></dl>
</section></div></body></html>"""


def test_a_method_signature_is_read_under_its_full_name(tmp_path: Path) -> None:
    """Sphinx shows a method as "run(coro)" inside its class: quoted alone, the line would not
    say whose method it is, so it is read as the anchor names it."""
    page = tmp_path / "asyncio-runner.html"
    page.write_text(METHOD_PAGE, encoding="utf-8")
    doc = parse_file(page, "asyncio-runner.html", MAX)
    method = holding(doc, "asyncio.Runner.run(coro)")
    assert method.kind is ElementKind.CODE
    assert method.breadcrumbs == ("Runners", "asyncio.Runner", "asyncio.Runner.run")
    assert holding(doc, "class asyncio.Runner(debug=None)").breadcrumbs == ("Runners",
                                                                            "asyncio.Runner")
