"""Journey, in Chromium: the corrections desk corrects the live seed story from the story's own
desk page, and readers see the correction with its date on the story and the corrections page.

The demo site runs under gunicorn with DEBUG off; the desk signs in through the real login form.
Screenshots of the key screens go to test-artifacts/journeys/.
"""

import os
from pathlib import Path

import pytest

from tests import browser_fixtures as bf

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "desk-journey", "a-long-journey-pass-phrase-7"
CORRECTION = "We gave the wrong day for the inspectors' visit: it was a Tuesday."
SCREENS = Path(bf.ROOT) / "test-artifacts" / "journeys"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if reasons := bf.missing_tools("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("; ".join(reasons))
        pytest.skip("; ".join(reasons))
    site = bf.DemoSite(tmp_path_factory.mktemp("desk-journey"))
    try:
        site.build()
        site.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User; "
            f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, is_staff=True); "
            "u.groups.add(Group.objects.get(name='Corrections desk'))",
        )
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": bf.CHROMIUM, "args": bf.CHROMIUM_ARGS}


def shoot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"corrections-desk-{name}.png", full_page=True)


def test_the_desk_corrects_the_live_seed_story_from_its_own_page(site, page):
    csp_errors = []
    page.on("console", lambda m: m.type == "error" and csp_errors.append(m.text))
    try:
        page.goto(f"{site.url}/admin/login/?next=/admin/articles/article/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/articles/article/")
        page.click("text=Inspectors tell Cambridgeshire police")
        assert page.locator("input[name=_save]").count() == 0  # the desk reads, not edits
        body = page.inner_text(".field-body_as_read")  # the text as readers read it
        assert "Cambridgeshire" in body and "<p>" not in body
        shoot(page, "1-story-page")
        page.click("text=Add a correction")
        page.wait_for_url("**/admin/articles/correction/add/?article=*")
        shoot(page, "2-correction-form")
        page.select_option("#id_kind", "correction")
        page.fill("#id_text", CORRECTION)
        page.fill("#id_internal_note", "Reader's email, checked against the inspection notes.")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/articles/article/*/change/")
        assert "Correction added to" in page.inner_text(".messagelist")
        shoot(page, "3-back-on-the-story")
        page.click("a.viewsitelink")  # "View on site", as the desk sees it
        page.wait_for_url("**/news/**")
        story_url = page.url

        reader = page.context.browser.new_page()  # a reader: no session, the public site
        reader.goto(story_url)
        correction = reader.locator(".correction", has_text=CORRECTION)
        assert correction.count() == 1
        assert "Correction" in correction.inner_text()
        shoot(reader, "4-reader-story")
        reader.goto(f"{site.url}/corrections/")
        assert reader.locator("main", has_text=CORRECTION).count() == 1
        shoot(reader, "5-reader-corrections-page")
        reader.close()
    except Exception:
        print("Journey failed at", page.url, "showing:", page.inner_text("body")[:1500])
        raise
    assert not [error for error in csp_errors if "Content Security Policy" in error]
