"""The operator console at /admin: versions with their gate verdicts, promote, canary and
rollback seen from the chat; deletion through a second admin; ingest runs, traces, feedback,
evaluations and providers."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.ui.conftest import ADMIN_1, ADMIN_2, READER, ask, shoot

VISITORS = "Where are visitor badges printed?"


def section(page, name: str):
    page.click(f'.sections a[href="#{name}"]')
    body = page.locator(f"#{name} .body")
    expect(body).to_have_attribute("aria-busy", "false")
    return body


def row(page, version: str):
    return page.locator(f"#versions tbody tr[data-key='{version}']")


def test_promote_canary_and_rollback_show_in_the_chat(open_page, site):
    site.activate("v1")
    chat = open_page("/", READER)
    expect(ask(chat, VISITORS).locator(".version-label")).to_have_text("v1")
    console = open_page("/admin", ADMIN_1)
    expect(row(console, "v1")).to_contain_text("serving")

    v2 = row(console, "v2")
    v2.get_by_label("Canary share for v2, percent").fill("30")
    v2.get_by_role("button", name="Canary v2").click()
    expect(console.locator("#status")).to_contain_text("Canary v2 at 30%: done")
    expect(row(console, "v2")).to_contain_text("canary 30%")

    row(console, "v2").get_by_role("button", name="Promote v2 fully").click()
    expect(console.locator("#status")).to_contain_text("v2 is active")
    v2 = row(console, "v2")
    expect(v2).to_contain_text("serving")
    expect(v2).to_contain_text("pass vs v1")  # the gate ran on the eval set, against v1
    expect(v2.locator(".deltas li").first).to_have_text(re.compile(r"^[\w@]+ [+-]\d\.\d{3}$"))
    shoot(console, "console-versions")

    answer = ask(chat, VISITORS + " And by when must they be returned?")
    expect(answer.locator(".version-label")).to_have_text("v2")
    expect(chat.locator("#serving")).to_have_text("Index v2")

    console.get_by_role("button", name="Roll back", exact=True).click()
    expect(console.locator("#status")).to_contain_text("Rollback: done, v1 is active")
    answer = ask(chat, "Where are the visitor badges printed?")
    expect(answer.locator(".version-label")).to_have_text("v1")
    expect(chat.locator("#serving")).to_have_text("Index v1")
    shoot(chat, "chat-after-rollback")


def test_a_delete_waits_for_a_second_admin(open_page, site):
    first = open_page("/admin", ADMIN_1)
    v3 = row(first, "v3")
    v3.get_by_role("button", name="Delete v3").click()
    v3.get_by_role("button", name="Confirm: delete v3").click()
    expect(first.locator("#status")).to_contain_text("filed for a second admin")
    expect(first.locator("#approvals-count")).to_have_text(" (1 waiting)")
    body = section(first, "approvals")
    card = body.locator(".card", has_text="delete version")
    card.get_by_role("button", name=re.compile("^Approve")).click()
    expect(first.locator("#error")).to_contain_text("second admin")  # not one's own request
    shoot(first, "console-approvals")

    second = open_page("/admin#approvals", ADMIN_2)
    card = second.locator("#approvals .card", has_text="delete version")
    card.get_by_role("button", name=re.compile("^Approve")).click()
    expect(second.locator("#status")).to_contain_text("approved: delete_version: v3")
    expect(second.locator("#approvals .body")).to_contain_text("Nothing waits")
    section(second, "versions")
    expect(row(second, "v2")).to_be_visible()
    expect(row(second, "v3")).to_have_count(0)


def test_a_request_shows_as_a_timeline(open_page, site):
    chat = open_page("/", READER)
    request_id = ask(chat, "How many PTO days carry over, and until when?").get_attribute(
        "data-request-id")
    console = open_page("/admin#traces", ADMIN_1)
    console.get_by_role("button", name=f"Timeline of request {request_id}").click()
    panel = console.locator("#traces .trace")
    expect(panel.locator("h3")).to_contain_text(request_id)
    expect(panel.locator("h3")).to_be_focused()
    for step in ("retrieve", "generate", "verify", "guard_in", "cache_read"):
        expect(panel.locator(f".span[data-span={step}]")).to_have_count(1)
    attempts = panel.get_by_role("region", name="Model attempts table")
    expect(attempts).to_contain_text("primary")
    expect(attempts).to_contain_text("ok")
    expect(panel).to_contain_text("cache_hit=false")  # whether the cache answered
    expect(panel).to_contain_text("injection=false")  # the input guard's verdict
    shoot(console, "console-trace", full_page=True)


def test_runs_evals_providers_and_feedback(open_page, site, tmp_path):
    console = open_page("/admin#runs", ADMIN_1)
    runs = console.locator("#runs .body")
    built = runs.locator("tr", has_text="corpus-v2")
    built.locator("summary", has_text="1 skipped").click()
    expect(built).to_contain_text("notes/floor-plan.vsdx: unsupported file type")

    evals = section(console, "evals")
    evals.locator("tbody button").first.click()
    chart = evals.locator("img.chart")
    expect(chart).to_have_attribute("alt", re.compile("v2 against v1"))
    console.wait_for_function("document.querySelector('img.chart').naturalWidth > 100")
    expect(evals.get_by_role("region", name="Overall metrics table")).to_contain_text("hit@5")
    shoot(console, "console-evals", full_page=True)

    providers = section(console, "providers")
    breaker = providers.locator("tr", has_text="primary")
    expect(breaker).to_contain_text("closed")
    expect(breaker).to_contain_text("fault-model")

    prompts = section(console, "prompts")
    expect(prompts.locator("table, .hint").first).to_be_visible()  # routes or a note

    chat = open_page("/", READER)
    answer = ask(chat, "How many PTO days do new hires get?")
    answer.get_by_role("button", name="Not helpful").click()
    answer.get_by_label("Why? (optional)").fill("Too short")
    answer.get_by_role("button", name="Send feedback").click()
    expect(answer.locator(".sent")).to_contain_text("saved")
    queue = section(console, "feedback")
    queue.get_by_label("Show").select_option("down")
    expect(queue.locator("tbody tr", has_text="Too short")).to_have_count(1)
    with console.expect_download() as download:
        queue.get_by_role("button", name="Export as eval cases (JSONL)").click()
    saved = tmp_path / "export.jsonl"
    download.value.save_as(saved)
    cases = [json.loads(line) for line in saved.read_text().splitlines()]
    assert any(c["question"] == "How many PTO days do new hires get?" for c in cases)


def test_the_console_fits_a_phone(open_page, site):
    page = open_page("/admin", ADMIN_1, width=390, height=844)
    expect(row(page, "v1")).to_be_visible()
    # Wide tables scroll inside their own region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "console-phone")
