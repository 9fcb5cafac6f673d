"""Journey, in Chromium: an editor types into a story, is warned on clicking away, closes the
tab without saving, reopens the story and restores the text that was autosaved.

The demo site runs under gunicorn with DEBUG off; the editor signs in through the real forms,
password then a code from an authenticator app. Screenshots go to test-artifacts/journeys/.
"""

import re

import pytest
from django_otp.oath import totp

from tests import browser_fixtures as bf
from tests import journey_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

USERNAME, PASSWORD = "autosave-editor", "a-long-journey-pass-phrase-5"
KEY = "3132333435363738393031323334353637383930"  # the authenticator app's secret (hex)
STORY = "Inspectors tell Cambridgeshire police"
STANDFIRST = "Typed and never saved: the force has six months to act."
PARAGRAPH = "A paragraph typed into the body, then the tab was closed."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bf.require("chromium")
    site = bf.DemoSite(tmp_path_factory.mktemp("autosave"))
    try:
        site.build()
        site.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User\n"
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, is_staff=True)\n"
            "u.groups.add(Group.objects.get(name='Editor'))\n"
            f"TOTPDevice.objects.create(user=u, name='Phone', key={KEY!r}, confirmed=True)",
        )
        site.start()
        yield site
    finally:
        site.stop()


def shoot(page, name):
    journey_fixtures.shoot(page, f"autosave-{name}")


def visible_messages(page):
    return " | ".join(page.locator(".messagelist li, .errornote, .errorlist li").all_inner_texts())


def test_typed_text_survives_closing_the_tab_and_is_restored(site, browser):
    context = browser.new_context()
    page = context.new_page()
    csp_errors = []
    context.on(
        "console", lambda m: m.type == "error" and csp_errors.append(f"{m.text} {m.location}")
    )
    try:
        page.goto(f"{site.url}/admin/login/?next=/admin/articles/article/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.fill("input[name=code]", f"{totp(bytes.fromhex(KEY)):06d}")
        page.press("input[name=code]", "Enter")
        page.wait_for_url("**/admin/articles/article/")
        page.click(f"text={STORY}")
        page.wait_for_selector(".field-body .ProseMirror[contenteditable=true]")
        story_url = page.url

        page.fill("#id_standfirst", STANDFIRST)
        page.locator(".field-body .ProseMirror[contenteditable=true]").click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type(PARAGRAPH)
        page.locator("#desk-autosave-status", has_text="Your unsaved text was kept at").wait_for()
        shoot(page, "1-typed-and-autosaved")

        # Clicking away asks first; staying keeps the page and its text.
        warnings = []
        page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.dismiss()))
        away = page.locator("#nav-sidebar a").first
        if not away.is_visible():
            away = page.locator(".breadcrumbs a").first
        away.click()
        assert warnings and "not saved" in warnings[0]
        assert page.url == story_url
        assert page.input_value("#id_standfirst") == STANDFIRST

        page.close()  # the tab is closed without saving

        page = context.new_page()
        page.goto(story_url)
        offer = page.locator(".desk-autosave-offer")
        assert re.search(r"Restore your unsaved text from \d\d:\d\d", offer.inner_text())
        shoot(page, "2-reopened-offers-restore")
        page.click("text=Restore your unsaved text")
        page.wait_for_url("**?restore=1")
        assert page.input_value("#id_standfirst") == STANDFIRST
        assert PARAGRAPH in page.inner_text(".field-body .ProseMirror[contenteditable=true]")
        shoot(page, "3-restored")

        page.check("#id_minor_edit")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/articles/article/")
        assert "changed successfully" in visible_messages(page)
        # (Saving clears the autosave: tests/test_desk_autosave.py checks the offer is gone.)
    except Exception:
        print("Journey failed at", page.url, "showing:", visible_messages(page))
        print(page.inner_text("body")[:1500])
        raise
    finally:
        context.close()
    # django-prose-editor's own bundle sets one inline style as the editor starts (seen on
    # main too); anything else breaking the policy fails the journey.
    assert not [
        error
        for error in csp_errors
        if "Content Security Policy" in error and "django_prose_editor/" not in error
    ]
