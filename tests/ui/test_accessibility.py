"""axe-core's checks (labels, names, contrast, landmarks, ARIA) on the chat and every console
section, as a keyboard and screen-reader user meets them."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.ui.conftest import ADMIN_1, READER, ask

SECTIONS = ("versions", "approvals", "prompts", "runs", "traces", "feedback", "evals",
            "providers")


def violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_the_chat_passes_axe(open_page, site):
    page = open_page("/", READER)
    answer = ask(page, "How many PTO days do new employees get?")
    answer.locator("summary", has_text="Details").click()
    answer.get_by_role("button", name="Not helpful").click()
    assert violations(page) == []
    answer.locator("button.cite").first.click()
    expect(page.locator("#passage-dialog")).to_have_attribute("open", "")
    assert violations(page) == []


@pytest.mark.parametrize("name", SECTIONS)
def test_each_console_section_passes_axe(open_page, site, name):
    page = open_page(f"/admin#{name}", ADMIN_1)
    expect(page.locator(f"#{name} .body")).to_have_attribute("aria-busy", "false")
    assert violations(page) == []
