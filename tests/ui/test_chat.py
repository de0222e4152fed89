"""The chat at /: a streamed, cited answer; its citations; abstentions; follow-ups; feedback
(rating, edit, regenerate, compare) that lands in `lore feedback export`; the key kept in
the tab's session, never in the URL."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.ui.conftest import ADMIN_1, READER, WAIT_MS, ask, shoot, sign_in

PTO = "How many PTO days do new employees get?"


def test_the_key_is_asked_for_once_and_kept_in_the_session(open_page, site):
    page = open_page("/")
    page.fill("#question", "Which holidays does the office observe?")
    page.press("#question", "Enter")
    expect(page.locator("#key-dialog")).to_have_attribute("open", "")  # the server said 401
    page.fill("#key-input", READER)
    page.press("#key-input", "Enter")
    answer = page.locator(".answer").last
    expect(answer).to_have_attribute("data-state", "done", timeout=WAIT_MS)
    assert page.evaluate("sessionStorage.getItem('lore.key')") == READER
    assert READER not in page.url and page.evaluate("localStorage.length") == 0
    ask(page, "When do unused PTO days expire?")  # no second prompt
    expect(page.locator("#key-dialog")).not_to_have_attribute("open", "")


def test_an_answer_streams_in_with_numbered_citations(open_page, site):
    page = open_page("/", READER)
    answer = ask(page, PTO)
    expect(answer).to_have_attribute("data-state", "done")
    # The model's words arrived one event at a time, then the verified answer replaced them.
    assert int(answer.get_attribute("data-deltas") or 0) > 3
    markers = answer.locator(".text button.cite")
    assert markers.count() >= 1
    # Each marker names a listed source (the test model quotes passage [1]; its words are
    # not checked here, only how the page shows them).
    assert answer.locator(".sources li").count() == len(
        {m.get_attribute("aria-label") for m in markers.all()})
    expect(answer.locator(".sources")).to_contain_text("employee-handbook.pdf")
    expect(answer.locator(".version-label")).to_have_text("v1")
    expect(page.locator("#serving")).to_have_text(re.compile(r"Index v\d"))
    answer.locator("summary", has_text="Details").click()
    details = answer.locator(".details-list")
    expect(details).to_contain_text("fault-model (primary)")
    assert re.search(r"Tokens\s*100 in, \d+ out", details.inner_text())
    assert re.search(r"Cost\s*0\.0000\d\d", details.inner_text())
    shoot(page, "chat")


def test_a_citation_opens_its_passage_with_source_page_and_section(open_page, site):
    page = open_page("/", READER)
    answer = ask(page, "How many days of PTO carry over to the next year?")
    marker = answer.locator("button.cite").first
    marker.focus()
    page.keyboard.press("Enter")  # keyboard only
    dialog = page.locator("#passage-dialog")
    expect(dialog).to_have_attribute("open", "")
    expect(dialog).to_contain_text("handbook/employee-handbook.pdf")
    expect(dialog.locator("dt:text-is('Page') + dd")).to_have_text(re.compile(r"^\d+$"))
    # The section comes from the index (GET /chunks/{id}): the handbook's heading path.
    expect(dialog.locator("dt:text-is('Section') + dd")).to_contain_text("Employee Handbook")
    assert dialog.locator("#passage-quote").inner_text().strip()
    shoot(page, "citation")
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.classList.contains('cite')")


def test_an_abstention_says_why_and_points_to_sources(open_page, site):
    page = open_page("/", READER)
    answer = ask(page, "How do I connect to the VPN from a hotel?")
    expect(answer).to_have_class(re.compile("abstained"))
    expect(answer.locator(".state")).to_have_text("no answer found")
    expect(answer.locator(".reason")).to_contain_text("VPN")
    assert answer.locator(".see-also li").count() >= 1
    assert answer.locator("button.cite").count() == 0


def test_a_follow_up_carries_the_conversation(open_page, site):
    page = open_page("/", READER)
    ask(page, "How many PTO days does a new hire get per year?")
    answer = ask(page, "And after five years?")
    answer.locator("summary", has_text="Details").click()
    expect(answer.locator(".details-list")).to_contain_text("Rewritten question")
    request_id = answer.get_attribute("data-request-id")
    trace = site.admin("GET", f"/traces/{request_id}").json()
    assert trace["attributes"]["replay"]["history_turns"] == 2


def test_thumbs_down_with_an_edit_lands_in_the_feedback_export(open_page, site, tmp_path):
    page = open_page("/", READER)
    answer = ask(page, "How many PTO days do employees get after five years of service?")
    answer.get_by_role("button", name="Not helpful").click()
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed",
                                                                              "true")
    edited = "After five years of service employees get 27 PTO days a year."
    answer.get_by_label("Why? (optional)").fill("It should lead with the five-year figure")
    answer.get_by_label("Corrected answer (optional)").fill(edited)
    answer.get_by_role("button", name="Send feedback").click()
    expect(answer.locator(".sent")).to_have_text("Thanks: your feedback is saved.")
    out = tmp_path / "cases.jsonl"
    site.cli("feedback", "export", "--out", str(out))
    cases = [json.loads(line) for line in out.read_text().splitlines()]
    mine = [c for c in cases if c.get("reference_answer") == edited]
    assert len(mine) == 1
    assert mine[0]["question"].startswith("How many PTO days do employees get after five")
    assert mine[0]["expected_sources"] == ["handbook/employee-handbook.pdf"]


def test_regenerate_and_compare_two_answers(open_page, site):
    page = open_page("/", READER)
    first = ask(page, "When must unused PTO days be taken?")
    first.get_by_role("button", name="Regenerate").click()
    turn = page.locator(".turn").last
    second = turn.locator(".answer").nth(1)
    expect(second).to_have_attribute("data-state", "done", timeout=WAIT_MS)
    expect(second.locator("h3")).to_contain_text("Answer 2")
    turn.locator(".compare").get_by_role("button", name="Answer 2").click()
    expect(turn.locator(".compare [role=status]")).to_contain_text("answer 2 is marked better")
    ids = [a.get_attribute("data-request-id") for a in (first, second)]
    rows = site.admin("GET", "/feedback").json()
    assert {"request_id": ids[1], "better_than": ids[0]} in [
        {k: r[k] for k in ("request_id", "better_than")} for r in rows]


def test_the_chat_fits_a_phone(open_page, site):
    page = open_page("/", READER, width=390, height=844)
    answer = ask(page, "How many PTO days carry over?")
    answer.locator("button.cite").first.click()
    expect(page.locator("#passage-dialog")).to_have_attribute("open", "")
    shoot(page, "chat-phone-citation")
    page.keyboard.press("Escape")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "chat-phone")


def test_an_admin_key_works_in_the_chat_too(open_page, site):
    page = open_page("/")
    sign_in(page, ADMIN_1)
    expect(ask(page, "Which office holidays are there in 2024?")).to_have_attribute(
        "data-state", "done")
