"""Journey, in Chromium: two editors edit the live seed story at once. The second is told,
before saving, that the first has it open and then that they saved it; the second's save is
merged with the first's, and the reader's page has both people's changes.

The demo site runs under gunicorn with DEBUG off; each editor signs in through the real forms,
password then a code from their authenticator app. Screenshots go to test-artifacts/journeys/.
"""

import pytest
from django_otp.oath import totp

from tests import browser_fixtures as bf
from tests import journey_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

PASSWORD = "a-long-journey-pass-phrase-4"
KEY = "3132333435363738393031323334353637383930"  # the authenticator apps' shared secret (hex)
EDITORS = {"ana-editor": "Ana", "ben-editor": "Ben"}
STORY = "Inspectors tell Cambridgeshire police"
ANAS_STANDFIRST = "Updated by Ana: the force has six months to act."
BENS_PARAGRAPH = "Ben adds: the force said it accepted every recommendation."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bf.require("chromium")
    site = bf.DemoSite(tmp_path_factory.mktemp("two-editors"))
    try:
        site.build()
        site.manage("shell", "-c", make_editors_script())
        site.start()
        yield site
    finally:
        site.stop()


def make_editors_script():
    lines = [
        "from django.contrib.auth.models import Group, User",
        "from django_otp.plugins.otp_totp.models import TOTPDevice",
    ]
    for username, first_name in EDITORS.items():
        lines += [
            f"u = User.objects.create_user({username!r}, password={PASSWORD!r}, "
            f"first_name={first_name!r}, is_staff=True)",
            "u.groups.add(Group.objects.get(name='Editor'))",
            f"TOTPDevice.objects.create(user=u, name='Phone', key={KEY!r}, confirmed=True)",
        ]
    return "\n".join(lines)


def shoot(page, name):
    journey_fixtures.shoot(page, f"two-editors-{name}")


def sign_in(page, site, username):
    page.goto(f"{site.url}/admin/login/?next=/admin/articles/article/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("input[name=code]")
    # One code per time step and device; each editor has their own device.
    page.fill("input[name=code]", f"{totp(bytes.fromhex(KEY)):06d}")
    page.press("input[name=code]", "Enter")
    page.wait_for_url("**/admin/articles/article/")


def poll_now(page):
    """What the page does every 12 seconds and on focus, now."""
    page.evaluate("window.dispatchEvent(new Event('focus'))")


def visible_messages(page):
    return " | ".join(page.locator(".messagelist li, .errornote, .errorlist li").all_inner_texts())


def test_two_editors_edit_at_once_and_both_changes_reach_readers(site, browser):
    ana_context, ben_context = browser.new_context(), browser.new_context()
    ana, ben = ana_context.new_page(), ben_context.new_page()
    csp_errors = []
    for page in (ana, ben):
        page.on(
            "console", lambda m: m.type == "error" and csp_errors.append(f"{m.text} {m.location}")
        )
    current = ben
    try:
        sign_in(ana, site, "ana-editor")
        sign_in(ben, site, "ben-editor")
        ana.click(f"text={STORY}")
        ana.wait_for_selector("#desk-merge", state="attached")
        story_url = ana.url
        reader_url = ana.get_attribute("a.viewsitelink", "href")
        ben.goto(story_url)
        ben.wait_for_selector("#desk-merge", state="attached")

        # Ben is told Ana has the story open.
        poll_now(ben)
        ben.locator("#desk-presence", has_text="Ana also has this story open").wait_for()
        shoot(ben, "1-ben-sees-ana-has-it-open")

        # Ana changes the standfirst and saves.
        current = ana
        ana.fill("#id_standfirst", ANAS_STANDFIRST)
        ana.check("#id_minor_edit")
        ana.click("input[name=_save]")
        ana.wait_for_url("**/admin/articles/article/")
        assert "changed successfully" in visible_messages(ana)

        # Ben, still editing, is told before saving.
        current = ben
        poll_now(ben)
        ben.locator("#desk-presence", has_text="Ana saved this story at").wait_for()
        assert ben.locator("#desk-presence a", has_text="see what changed").count() == 1
        shoot(ben, "2-ben-told-ana-saved")

        # Ben adds a paragraph to the body and saves: his form gets Ana's change merged in.
        editor = ben.locator(".field-body .ProseMirror[contenteditable=true]")
        editor.click()
        ben.keyboard.press("Control+End")
        ben.keyboard.press("Enter")
        ben.keyboard.type(BENS_PARAGRAPH)
        ben.check("#id_minor_edit")
        ben.click("input[name=_save]")
        ben.wait_for_selector(".errornote")
        assert "saved this story while you were editing it" in visible_messages(ben)
        assert ben.input_value("#id_standfirst") == ANAS_STANDFIRST
        assert BENS_PARAGRAPH in ben.input_value("#id_body")
        shoot(ben, "3-ben-merged-form")
        ben.click("input[name=_save]")
        ben.wait_for_url("**/admin/articles/article/")
        assert "changed successfully" in visible_messages(ben)

        # A reader sees both.
        ben.goto(site.url + reader_url if reader_url.startswith("/") else reader_url)
        ben.wait_for_url("**/news/**")
        reader = browser.new_page()  # no session: the public, cached page
        current = reader
        reader.goto(ben.url)
        text = reader.inner_text("main")
        assert ANAS_STANDFIRST in text
        assert BENS_PARAGRAPH in text
        shoot(reader, "4-reader-sees-both")
        reader.close()
    except Exception:
        print("Journey failed at", current.url, "showing:", visible_messages(current))
        print(current.inner_text("body")[:1500])
        raise
    finally:
        ana_context.close()
        ben_context.close()
    # django-prose-editor's own bundle sets one inline style as the editor starts (seen on
    # main too); anything else breaking the policy fails the journey.
    assert not [
        error
        for error in csp_errors
        if "Content Security Policy" in error and "django_prose_editor/" not in error
    ]
