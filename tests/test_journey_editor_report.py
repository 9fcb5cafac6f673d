"""Journey 2, in Chromium: an Editor adds an inspection report, imports its nine grades by CSV
(a file with two errors first), links it to a draft story, sees the pre-publish panel flag the
story's contradicting grade count as they work, fixes the text, and publishes without needing
to acknowledge anything; the reader's page shows the grades panel.

The demo site runs under gunicorn with DEBUG off; the Editor signs in through the real forms.
Screenshots of the key screens go to test-artifacts/journeys/editor-report-*.png.
"""

import re

import pytest

from tests.desk_journeys import (
    assert_accessible,
    csp_violations,
    demo_site,
    explained,
    pick,
    shoot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

REPORT = "Journey test: an inspection of the force"
STORY = "Force graded in nine areas"
SLUG = "force-graded-in-nine-areas"
WRONG = "Inspectors gave the force five 'good' grades in their latest look at its work."
RIGHT = "Inspectors gave the force four 'good' grades in their latest look at its work."
# A draft story on the force, bylined, whose right of reply is done (asked, deadline passed).
SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Author, Byline, CommentRequest, Section
from inspections.models import Organisation
story = Article.objects.create(headline={STORY!r}, slug={SLUG!r}, body="<p>{WRONG}</p>",
    section=Section.objects.get(slug="news"))
Byline.objects.create(article=story, author=Author.objects.get(slug="owen-marsh"))
CommentRequest.objects.create(article=story, status="no_reply",
    organisation=Organisation.objects.get(slug="cambridgeshire-constabulary"),
    asked_at=timezone.now() - timedelta(days=2), deadline=timezone.now() - timedelta(hours=1))
"""
AREAS = [
    ("Recording data about crime", "Good"),
    ("Treatment of the public", "Adequate"),
    ("Preventing crime and anti-social behaviour", "Adequate"),
    ("Responding to the public", "Requires improvement"),
    ("Investigating crime", "Requires improvement"),
    ("Protecting vulnerable people", "Good"),
    ("Managing offenders and suspects", "Adequate"),
    ("Developing a positive workplace", "Good"),
    ("Good use of resources", "Good"),
]
GOOD_FILE = "area,grade\n" + "".join(f"{area},{grade}\n" for area, grade in AREAS)
# Two errors: a grade the scale does not have, and a row with no area.
BAD_FILE = GOOD_FILE.replace("Treatment of the public,Adequate", "Treatment of the public,Fair")
BAD_FILE = BAD_FILE.replace("Good use of resources,Good", ",Good")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = demo_site(tmp_path_factory.mktemp("editor-report-journey"), SETUP)
    yield site
    site.stop()


def csv_file(text):
    return {"name": "grades.csv", "mimeType": "text/csv", "buffer": text.encode()}


def panel_text(page):
    return page.inner_text("#prepublish")


def test_an_editor_imports_a_report_links_it_and_publishes_once_the_counts_agree(site, page):
    csp_errors = []
    page.on(
        "console", lambda m: m.type == "error" and csp_errors.append(f"{m.text} ({m.location})")
    )
    with explained(page):
        sign_in(page, site, "/admin/inspections/inspectionreport/add/")
        pick(page, "id_organisation", "Cambridgeshire")
        pick(page, "id_framework", "PEEL 2021/22")
        page.fill("#id_title", REPORT)
        page.fill("#id_slug", "journey-test-inspection")
        page.fill("#id_published_on", "15/01/2024")
        page.click("input[name=_continue]")
        page.wait_for_url("**/change/")

        page.click("text=Import graded areas from CSV")
        page.set_input_files("#id_file", csv_file(BAD_FILE))
        page.click("input[type=submit]")
        errors = page.inner_text(".errornote")
        assert "Nothing was imported" in errors and "these 2 problems" in errors
        assert "“Fair” is not a grade" in errors and "the area is empty" in errors
        shoot(page, "editor-report-1-two-errors")

        page.set_input_files("#id_file", csv_file(GOOD_FILE))
        page.click("input[type=submit]")
        assert "9 added, 0 regraded, 0 removed, 0 unchanged" in page.inner_text("#content-main")
        shoot(page, "editor-report-2-preview")
        assert_accessible(page, "#content-main")
        page.click("input[value='Confirm import']")
        page.wait_for_url("**/change/")
        assert "9 areas added" in page.inner_text(".messagelist")

        page.goto(f"{site.url}/admin/articles/article/?q={SLUG.split('-')[0]}")
        page.click(f"text={STORY}")
        page.wait_for_selector("#prepublish")
        assert "links no inspection report" in panel_text(page)  # drawn before any save
        pick(page, "id_reports", "Journey test")
        flagged = "The story says 5 ‘good’ grades; the report has 4"
        page.locator("#prepublish", has_text=flagged).wait_for(timeout=10_000)
        shoot(page, "editor-report-3-panel-flags-the-count")
        assert_accessible(page, "#prepublish")

        editor = page.locator(".field-body [contenteditable=true]")
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(RIGHT)
        page.locator("#prepublish", has_text="Nothing stops this story going live").wait_for(
            timeout=10_000
        )
        assert page.locator("#id_publish_despite_warnings").count() == 0
        page.select_option("#id_status", "published")
        shoot(page, "editor-report-4-fixed")
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))  # the list
        assert "was changed successfully" in page.inner_text(".messagelist")

        reader = page.context.browser.new_page()  # a reader: no session
        reader.goto(f"{site.url}/news/{SLUG}/")
        panel = reader.locator(".grades-panel")
        assert "How Cambridgeshire Constabulary was graded" in panel.first.inner_text()
        assert RIGHT in reader.inner_text("main")
        shoot(reader, "editor-report-5-reader-page")
        reader.close()
    # django-prose-editor's bundle applies an inline style once the editor is typed in (a
    # known violation of its own, outside this journey's features): every other is a failure.
    assert not csp_violations(csp_errors), csp_errors
