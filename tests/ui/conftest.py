"""The web UI in a real browser: Debian's Chromium driven by Playwright, against the app served
by uvicorn on loopback (as `lore serve` runs it) over a private home with three versions.

v1 is the sample corpus (promoted); v2 adds a visitors note whose text carries an HTML/script
payload, and a file lore cannot parse (skipped); v3 is a one-file corpus, there to be deleted.
Answers stream from an OpenAI-compatible provider on loopback that writes a cited answer word by
word (tests/gateway/faults.py: the real local model is too weak to cite), with prices, so
tokens and cost are real figures. Screenshots go to LORE_UI_ARTIFACTS (build/ui-artifacts/).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Locator, Page, expect, sync_playwright
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app as cli
from lore.settings import Settings
from tests.api.conftest import build, serving
from tests.conftest import copy_home
from tests.gateway.faults import fault_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LORE_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that phones home: each blocked network call would slow every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("LORE_UI_ARTIFACTS", ROOT / "build" / "ui-artifacts"))
READER, ADMIN_1, ADMIN_2 = "ui-reader-key", "ui-admin-key-1", "ui-admin-key-2"
PAYLOAD = "<script>window.__pwned = 1</script>"
IMAGE_PAYLOAD = '<img src=x onerror="window.__pwned = 2">'
VISITORS = (
    f"# Visitor badges\n\nVisitor badges are printed at the reception desk on floor 1 {PAYLOAD} "
    "and must be returned there by 18:00.\n\n"
    f"The badge printer is a Zebra ZC300 {IMAGE_PAYLOAD} & <b>not bold</b>.\n"
)
# Per million tokens: the answers cost something, so the UI has a cost to show.
PRICES = {"price_input": 0.15, "price_output": 0.6}
# Long enough for a loaded 2-core host (a promote runs the eval gate); each wait ends as soon
# as the page is there.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


@dataclass(frozen=True)
class Site:
    base: str
    settings: Settings

    def admin(self, method: str, path: str, key: str = ADMIN_1) -> httpx.Response:
        return httpx.request(method, self.base + path, headers={"X-API-Key": key}, timeout=120)

    def activate(self, version: str) -> None:
        """Make `version` the active one through the API (a test's starting point)."""
        if self.admin("GET", "/readyz").json().get("version") != version:
            done = self.admin("POST", f"/versions/{version}/promote")
            assert done.status_code == 200, done.text

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "--home", str(self.settings.home)])
        assert result.exit_code == 0, result.output
        return result.output


@pytest.fixture(scope="session")
def ui_home(sample_index, embedder, tmp_path_factory) -> Settings:
    sample, _ = sample_index
    base = tmp_path_factory.mktemp("ui")
    home = base / "home"
    copy_home(sample.home, home)  # v1, the sample corpus, active
    second = base / "corpus-v2"
    shutil.copytree(ROOT / "data" / "corpus", second)
    (second / "notes" / "visitors.txt").write_text(VISITORS, encoding="utf-8")
    (second / "notes" / "floor-plan.vsdx").write_bytes(b"not parsed by lore")
    third = base / "corpus-v3"
    third.mkdir()
    (third / "lunch.txt").write_text("Lunch is served in the canteen between 12:00 and 13:30.\n")
    eval_set = base / "eval.jsonl"
    lines = (ROOT / "data" / "eval.jsonl").read_text().splitlines()[:3]
    eval_set.write_text("\n".join(lines) + "\n")
    settings = Settings.of(home=home, trust_file=sample.ingest.trust_file)
    assert [build(settings, second, embedder), build(settings, third, embedder)] == ["v2", "v3"]
    # An eval report with its chart for the console, as `lore eval` writes it.
    evaluated = CliRunner().invoke(cli, ["eval", "--set", str(eval_set), "--version", "v2",
                                         "--baseline", "v1", "--home", str(home)])
    assert evaluated.exit_code == 0, evaluated.output
    return settings.changed(eval_set=eval_set)


@pytest.fixture(scope="session")
def site(ui_home: Settings, lore_for, tmp_path_factory) -> Iterator[Site]:
    with fault_server("ok") as model:
        providers = tmp_path_factory.mktemp("providers") / "providers.yaml"
        providers.write_text(yaml.safe_dump({"providers": [
            {"name": "primary", "base_url": model.base_url,
             "model": {"id": "fault-model", **PRICES}}]}))
        settings = ui_home.changed(
            providers=providers, reader_keys=[READER], admin_keys=[ADMIN_1, ADMIN_2],
            reload_seconds=0.0, retries=0, breaker_failures=100, deadline_seconds=30.0)
        with serving(create_app(settings, lore_for(settings))) as base:
            yield Site(base, settings)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What went wrong in a page: script errors, CSP or Trusted Types violations (Chromium
    logs them as console errors), and failed loads of the UI's own files."""

    problems: list[str] = field(default_factory=list)

    def console(self, message) -> None:
        # A refused API call (401, 409...) is logged as a failed load: the tests assert on
        # what the page shows for it instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def response(self, response) -> None:
        if "/ui/" in response.url and response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")


@pytest.fixture
def open_page(browser, site: Site) -> Iterator[Callable[..., Page]]:
    """open_page(path, key=None, width=1280, height=900): a page in a fresh browser context
    (its own sessionStorage), signed in with `key` through the page's own key dialog."""
    contexts, watches = [], []

    def make(path: str, key: str | None = None, width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        watch = Watch()
        watches.append(watch)
        page.on("console", watch.console)
        page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
        page.on("response", watch.response)
        page.goto(site.base + path)
        if key is not None:
            sign_in(page, key)
        return page

    yield make
    for context in contexts:
        context.close()
    assert [p for w in watches for p in w.problems] == []


def sign_in(page: Page, key: str) -> None:
    """The console asks for a key as soon as it loads (its first call is refused); the chat
    when asked to, or at its first question."""
    if "/admin" not in page.url:
        page.click("#change-key")
    page.locator("#key-dialog[open]").wait_for()
    page.fill("#key-input", key)
    page.keyboard.press("Enter")
    page.wait_for_selector("#key-dialog:not([open])", state="attached")


def shoot(page: Page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def ask(page: Page, question: str) -> Locator:
    """Types `question`, sends it with Enter, waits for its answer to settle; the answer."""
    before = page.locator(".turn").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator(".turn").nth(before).locator(".answer").first
    expect(answer).not_to_have_attribute("data-state", "streaming", timeout=WAIT_MS)
    return answer
