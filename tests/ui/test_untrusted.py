"""Documents are untrusted input: a passage holding `<script>` and an `<img onerror>` shows as
those characters wherever the UI puts it (answer, citation, trace, feedback queue), and runs
nothing. The pages are served with a strict CSP (no inline script or style, Trusted Types)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.conftest import ADMIN_1, IMAGE_PAYLOAD, PAYLOAD, READER, VISITORS, ask, shoot

INJECTED = "document.querySelectorAll('main script, main img, dialog script, dialog img').length"


def test_a_script_payload_in_a_document_renders_inert(open_page, site):
    site.activate("v2")
    try:
        chat = open_page("/", READER)
        answer = ask(chat, "Where are visitor badges printed and returned?")
        expect(answer.locator(".version-label")).to_have_text("v2")
        expect(answer.locator(".text")).to_contain_text(PAYLOAD)  # as characters
        answer.locator("button.cite").first.click()
        dialog = chat.locator("#passage-dialog")
        expect(dialog.locator("#passage-quote")).to_contain_text(PAYLOAD)
        expect(dialog).to_contain_text(IMAGE_PAYLOAD)  # in the quote or the whole passage
        expect(dialog).to_contain_text("<b>not bold</b>")
        assert chat.evaluate(INJECTED) == 0
        assert chat.evaluate("window.__pwned") is None
        shoot(chat, "untrusted-citation")
        with chat.expect_download() as download:  # the original, as a file, never a page
            dialog.get_by_role("button", name="Download the original (visitors.txt)").click()
        assert download.value.suggested_filename == "visitors.txt"
        assert download.value.path().read_text(encoding="utf-8") == VISITORS
        chat.keyboard.press("Escape")
        request_id = answer.get_attribute("data-request-id")
        answer.get_by_role("button", name="Not helpful").click()
        answer.get_by_label("Corrected answer (optional)").fill(f"Use {IMAGE_PAYLOAD} here")
        answer.get_by_role("button", name="Send feedback").click()
        expect(answer.locator(".sent")).to_contain_text("saved")

        console = open_page("/admin#traces", ADMIN_1)
        console.get_by_role("button", name=f"Timeline of request {request_id}").click()
        expect(console.locator("#traces .trace")).to_contain_text(PAYLOAD)
        console.click('.sections a[href="#feedback"]')
        expect(console.locator("#feedback tbody")).to_contain_text(f"Use {IMAGE_PAYLOAD} here")
        assert console.evaluate(INJECTED) == 0
        assert console.evaluate("window.__pwned") is None
    finally:
        site.activate("v1")


def test_the_pages_are_served_with_a_strict_policy(site):
    import httpx

    for path in ("/", "/admin"):
        page = httpx.get(site.base + path)
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "require-trusted-types-for 'script'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in page.text and " style=" not in page.text  # nothing inline
    assert httpx.get(site.base + "/ui/..%2Fapi%2Fapp.py").status_code == 404
    assert httpx.get(site.base + "/ui/nothing.js").json()["error"] == "NotFound"


def test_an_html_sink_is_refused_by_the_page(browser, site):
    """Should code ever assign markup, Trusted Types stop it: the policy is enforced, not just
    declared (a page of its own: the refusal is logged as an error, which is the point)."""
    page = browser.new_page()
    page.goto(site.base + "/")
    refused = page.evaluate("""() => {
        try { document.body.insertAdjacentHTML('beforeend', '<b>x</b>'); return false; }
        catch (error) { return error instanceof TypeError; }
    }""")
    page.close()
    assert refused
