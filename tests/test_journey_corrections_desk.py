"""Journey 3, in Chromium: the corrections desk corrects the live seed story from the story's own
desk page; readers see the correction with its date on the story, the corrections page and the
corrections feed list it; and the desk cannot change the story itself, not even by a forged
request.

The demo site runs under gunicorn with DEBUG off (tests/journey_fixtures.py); the desk signs in
through the real login form. Screenshots of the key screens go to
test-artifacts/journeys/corrections-desk-*.png.
"""

import html
import re

import feedparser
import pytest

from .journey_fixtures import add_staff, shoot, telling_where

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

CORRECTION = "We gave the wrong day for the inspectors' visit: it was a Tuesday."
SEED_STORY = "Inspectors tell Cambridgeshire police"


@pytest.fixture(scope="module")
def corrections_desk(demo_site):
    return add_staff(demo_site, "desk-journey", "Corrections desk")


def test_the_desk_corrects_the_live_seed_story_from_its_own_page(
    corrections_desk, open_as, demo_site
):
    page = open_as(corrections_desk, "/admin/articles/article/")
    with telling_where(page):
        page.click(f"text={SEED_STORY}")
        page.wait_for_url("**/change/")
        story_desk_url = page.url
        assert page.locator("input[name=_save]").count() == 0  # the desk reads, not edits
        body = page.inner_text(".field-body_as_read")  # the text as readers read it
        assert "Cambridgeshire" in body and "<p>" not in body
        shoot(page, "corrections-desk-1-story-page")

        # The desk cannot change the story: a forged save of the change form is refused.
        refused = page.evaluate(
            """async (url) => {
                const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
                const form = new FormData();
                form.append("csrfmiddlewaretoken", token);
                form.append("headline", "Forged headline");
                const response = await fetch(url, {method: "POST", body: form});
                return response.status;
            }""",
            story_desk_url,
        )
        assert refused == 403

        page.click("text=Add a correction")
        page.wait_for_url("**/admin/articles/correction/add/?article=*")
        shoot(page, "corrections-desk-2-correction-form")
        page.select_option("#id_kind", "correction")
        page.fill("#id_text", CORRECTION)
        page.fill("#id_internal_note", "Reader's email, checked against the inspection notes.")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/articles/article/*/change/")
        assert "Correction added to" in page.inner_text(".messagelist")
        shoot(page, "corrections-desk-3-back-on-the-story")
        page.click("a.viewsitelink")  # "View on site", as the desk sees it
        page.wait_for_url("**/news/**")
        story_url = page.url

        reader = page.context.browser.new_page()  # a reader: no session, the public site
        reader.goto(story_url)
        assert SEED_STORY in reader.inner_text("h1")  # the story itself is unchanged
        correction = reader.locator(".correction", has_text=CORRECTION)
        assert correction.count() == 1
        label = correction.locator(".correction-label").inner_text()
        assert label.startswith("Correction")
        stamp = correction.locator("time").first.get_attribute("datetime")
        assert re.match(r"\d{4}-\d{2}-\d{2}T", stamp), stamp  # dated, for readers and machines
        assert re.search(r"\d{4}", label), label
        shoot(reader, "corrections-desk-4-reader-story")
        reader.goto(f"{demo_site.url}/corrections/")
        assert reader.locator("main", has_text=CORRECTION).count() == 1
        shoot(reader, "corrections-desk-5-reader-corrections-page")
        reader.close()

        status, _, feed = demo_site.fetch("/feeds/corrections.rss")
        assert status == 200
        entry = feedparser.parse(feed).entries[0]  # the newest first
        assert entry.title.startswith("Correction: ") and SEED_STORY in entry.title
        assert "it was a Tuesday" in html.unescape(entry.summary)
    errors = page.console_errors
    assert not [error for error in errors if "Content Security Policy" in error], errors
