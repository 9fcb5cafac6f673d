"""A desk that is pleasant for a long story (issue 10), in Chromium: what only a browser shows.

The server-side half of each item is in tests/test_desk_polish.py. The demo site runs under
gunicorn with DEBUG off and the strict CSP (tests/journey_fixtures.py).
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests import browser_fixtures as bf

from .journey_fixtures import add_staff, shoot, telling_where

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

LONG_HEADLINE = (
    "Cambridgeshire Constabulary told by inspectors to improve how it answers emergency "
    "calls, records crimes, supervises investigations and protects vulnerable people across "
    "the whole county"
)
BODY = ".field-body .ProseMirror[contenteditable=true]"


@pytest.fixture(scope="module")
def desk(demo_site):
    """The site, with a reporter who has an author page, an editor, and a story whose
    headline is as long as the desk allows."""
    add_staff(demo_site, "polish-reporter", "Reporter", author="Polly Reporter")
    add_staff(demo_site, "polish-editor", "Editor")
    story_id = demo_site.manage(
        "shell",
        "-c",
        "from articles.models import Article, Section; "
        f"a = Article.objects.create(headline={LONG_HEADLINE!r}, slug='long-headline-story', "
        "section=Section.objects.first(), body='<p>Text.</p>'); print(a.pk)",
    )
    demo_site.story_id = story_id.strip().splitlines()[-1]  # after the shell's own notes
    return demo_site


def csp_refusals(errors):
    """CSP refusals, apart from the one tiptap's injected <style> always draws: the editor's
    stylesheet (editor.css) already holds those rules, so nothing is lost."""
    return [
        error
        for error in errors
        if "Content Security Policy" in error and "Applying inline style" not in error
    ]


def paste_html(page, html):
    page.evaluate(
        """([selector, html]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "");
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }""",
        [BODY, html],
    )


def test_the_editor_keeps_spell_check_has_heading_buttons_ends_links_and_counts_words(
    desk, open_as
):
    page = open_as("polish-editor", "/admin/articles/article/add/")
    errors = page.console_errors
    with telling_where(page):
        editor = page.locator(BODY)
        editor.wait_for()
        assert editor.get_attribute("spellcheck") == "true"
        for name in ("heading2", "heading3"):
            assert page.locator(f".prose-menubar__button[data-name={name}]").is_visible()
        editor.click()
        page.click(".prose-menubar__button[data-name=heading3]")
        page.keyboard.type("What the inspectors found")
        page.keyboard.press("Enter")
        page.keyboard.type("Read the report")
        for _ in "the report":
            page.keyboard.press("Shift+ArrowLeft")
        page.click(".prose-menubar__button[data-name=link]")
        page.fill("dialog[open] input[name=href]", "https://example.org/peel")
        page.click("dialog[open] button[type=submit]")
        page.keyboard.press("End")
        page.keyboard.type(" online")
        body = page.input_value("#id_body")
        assert "<h3>What the inspectors found</h3>" in body
        assert '<a href="https://example.org/peel"' in body
        assert "the report</a>" in body and "online</a>" not in body
        assert page.inner_text(".desk-word-count") == "8 words"
        shoot(page, "desk-polish-editor")
    assert not csp_refusals(errors), errors


def test_pasted_headings_become_h2_and_h3_and_table_cells_stay_apart(desk, open_as):
    page = open_as("polish-editor", "/admin/articles/article/add/")
    with telling_where(page):
        page.locator(BODY).click()
        paste_html(
            page,
            "<h1>Top heading</h1><p>Text.</p><h5>Small heading</h5>"
            "<table><tr><th>Area</th><th>Grade</th></tr>"
            "<tr><td>Investigating crime</td><td>Good</td></tr></table>",
        )
        # expect() polls from Python: a string predicate would be eval'd in the page, which
        # the desk's CSP refuses once the first check is false.
        expect(page.locator("#id_body")).to_have_value(re.compile("Good"))
        body = page.input_value("#id_body")
        assert "<h2>Top heading</h2>" in body
        assert "<h3>Small heading</h3>" in body
        assert "<p>Area | Grade</p>" in body
        assert "<p>Investigating crime | Good</p>" in body


def test_counts_preview_and_slug_follow_the_typing(desk, open_as):
    page = open_as("polish-editor", "/admin/articles/article/add/")
    errors = page.console_errors
    with telling_where(page):
        page.locator("#id_headline").press_sequentially("PEEL 2021/22: force told to improve")
        page.locator("#id_standfirst").fill("S" * 170)
        assert page.input_value("#id_slug") == "peel-2021-22-force-told-to-improve"
        headline_count = page.inner_text("#id_headline_count")
        assert headline_count.startswith("35 characters: search shows up to 70")
        standfirst_count = page.locator("#id_standfirst_count")
        assert standfirst_count.inner_text().startswith("170 characters: search shows up to 160")
        assert "desk-count-over" in standfirst_count.get_attribute("class")
        page.locator("#id_seo_title").fill("Force told to improve")
        assert page.inner_text("#desk-preview-title") == "Force told to improve"
        assert page.inner_text("#desk-preview-card-title") == "PEEL 2021/22: force told to improve"
        assert page.inner_text("#desk-preview-description") == "S" * 159 + "…"
        assert page.inner_text("#desk-preview-url").endswith(
            "/news/peel-2021-22-force-told-to-improve/"
        )
        shoot(page, "desk-polish-counts-and-preview")
    assert not csp_refusals(errors), errors


def test_bylines_move_up_and_down_and_new_rows_take_the_next_position(desk, open_as):
    page = open_as("polish-reporter", "/admin/articles/article/add/")
    with telling_where(page):
        rows = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
        assert rows.count() == 1  # the reporter's own byline, offered
        assert "Polly Reporter" in rows.nth(0).inner_text()
        page.click("#bylines-group .add-row a")
        assert rows.count() == 2
        assert page.input_value("#id_bylines-1-position") == "2"
        rows.nth(1).locator(".desk-move-up").click()
        assert page.input_value("#id_bylines-1-position") == "1"
        assert page.input_value("#id_bylines-0-position") == "2"
        assert "Polly Reporter" in rows.nth(1).inner_text()


def test_a_long_headline_does_not_run_under_the_page_buttons(desk, open_as):
    page = open_as("polish-editor", f"/admin/articles/article/{desk.story_id}/change/")
    with telling_where(page):
        heading = page.locator("#content > h2").bounding_box()
        for tool in page.locator(".object-tools a").all():
            box = tool.bounding_box()
            apart = (
                box["y"] >= heading["y"] + heading["height"]
                or box["y"] + box["height"] <= heading["y"]
                or box["x"] >= heading["x"] + heading["width"]
                or box["x"] + box["width"] <= heading["x"]
            )
            assert apart, (heading, box, tool.inner_text())
        shoot(page, "desk-polish-long-headline")


def focused_id(page, wanted, seconds=15):
    """The id of the page's focused element, once it is `wanted` or the time is up. Read from
    Python: a string predicate (wait_for_function) is eval'd in the page, which the desk's CSP
    refuses, and expect().to_be_focused() also asks that the page itself has the focus."""
    deadline = time.monotonic() + seconds
    while (found := page.evaluate("() => document.activeElement?.id || ''")) != wanted:
        if time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    return found


def test_the_desk_pages_have_no_serious_or_critical_axe_violations(desk, open_as):
    page = open_as("polish-editor")
    errors = page.console_errors
    pages = {
        "index": "/admin/",
        "stories": "/admin/articles/article/",
        "add": "/admin/articles/article/add/",
        "change": f"/admin/articles/article/{desk.story_id}/change/",
        "history": f"/admin/articles/article/{desk.story_id}/history/",
        "compare": f"/admin/articles/article/{desk.story_id}/compare/",
    }
    found = {}
    with telling_where(page):
        for name, path in pages.items():
            page.goto(desk.url + path)
            page.wait_for_load_state("load")
            if name in {"add", "change"}:
                page.locator(BODY).wait_for()
            found[name] = run_serious_axe(page)
        # The form with errors: the summary at the top, each field marked.
        page.goto(desk.url + pages["add"])
        page.locator(BODY).wait_for()
        page.click("input[name=_save] >> nth=0")
        page.locator("#desk-error-summary").wait_for()
        shoot(page, "desk-polish-error-summary")
        # desk-polish.js moves the focus once the page's scripts have run (DOMContentLoaded
        # waits for the editor's modules, late on a busy machine): wait for it, or fail.
        assert focused_id(page, "desk-error-summary") == "desk-error-summary"
        found["errors"] = run_serious_axe(page)
        page.click("#desk-error-summary a[href='#id_headline']")
        assert page.evaluate("location.hash") == "#id_headline"
    problems = {name: bf.describe_axe(v) for name, v in found.items() if v}
    assert not problems, "\n".join(f"{name}:\n{text}" for name, text in problems.items())
    assert not csp_refusals(errors), errors


def test_a_forbidden_desk_page_says_why_and_links_back_in_the_browser(desk, open_as):
    add_staff(desk, "polish-desk", "Corrections desk")
    page = open_as("polish-desk")
    with telling_where(page):
        response = page.goto(f"{desk.url}/admin/articles/article/add/")
        assert response.status == 403
        assert "your role on the desk does not include this" in page.inner_text("main")
        shoot(page, "desk-polish-forbidden")
        assert not run_serious_axe(page)
        page.click("text=Back to the desk")
        page.wait_for_url("**/admin/")


def run_serious_axe(page):
    return [v for v in bf.run_axe(page) if v["impact"] in {"serious", "critical"}]
