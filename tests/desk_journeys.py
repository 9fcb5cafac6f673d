"""Helpers for the desk's browser journeys (tests/test_journey_*.py): the demo site with an
Editor who signs in through the real forms (password, then the authenticator app's code), the
admin's autocomplete boxes, screenshots to test-artifacts/journeys/, and what a failed step
shows. Plain helpers: the journeys import them."""

import contextlib
from pathlib import Path

from tests import browser_fixtures as bf

SCREENS = Path(bf.ROOT) / "test-artifacts" / "journeys"
EDITOR, PASSWORD = "editor-journey", "a-long-journey-pass-phrase-9"
# The Editor's authenticator app, as a test knows it (a TOTP key, hex).
TOTP_KEY = "3132333435363738393031323334353637383930"


def demo_site(workdir, setup=""):
    """The demo site, built, with the journey's Editor (and `setup`, Python run in the shell),
    started. Skips (fails under CI=true) when Chromium is missing."""
    bf.require("chromium")
    site = bf.DemoSite(workdir)
    site.build()
    site.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"u = User.objects.create_user({EDITOR!r}, password={PASSWORD!r}, is_staff=True)\n"
        "u.groups.add(Group.objects.get(name='Editor'))\n"
        f"TOTPDevice.objects.create(user=u, name='Phone', confirmed=True, key={TOTP_KEY!r})\n"
        + setup,
    )
    site.start()
    return site


def sign_in(page, site, next_path="/admin/"):
    """The Editor signs in: password, then the code their app shows now."""
    from django_otp.oath import TOTP

    page.goto(f"{site.url}/admin/login/?next={next_path}")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#id_code")
    page.fill("#id_code", f"{TOTP(bytes.fromhex(TOTP_KEY)).token():06d}")
    page.press("#id_code", "Enter")
    page.wait_for_url(f"**{next_path}")


def pick(page, select_id, text):
    """Choose `text` in one of the admin's autocomplete boxes (select2), as a person does."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def shoot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=True)


@contextlib.contextmanager
def explained(page):
    """On failure, print where the page was and what it said."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            shown = page.locator(".messagelist, .errornote, .errorlist, #prepublish")
            messages = " | ".join(shown.all_inner_texts())
            print("Journey failed at", page.url)
            print("Messages:", messages or "(none)")
            print("Page:", page.inner_text("body")[:1500])
        raise


def csp_violations(errors):
    """The Content Security Policy violations among console errors ("text (location)").

    Those with no address are axe-core's own: it is run through page.evaluate (outside the
    page's CSP) and sets styles while it measures colour contrast; the page did not do them."""
    return [
        error for error in errors if "Content Security Policy" in error and "'url': ''" not in error
    ]


def assert_accessible(page, selector):
    """No serious or critical axe-core violation within `selector` (the part of the page this
    work added; the rest of the admin is Django's own). Skipped without axe-core."""
    if bf.missing_tools("axe"):
        return
    page.evaluate(bf.AXE_JS.read_text())
    result = page.evaluate(
        "async ([selector, tags]) => await axe.run({include: [[selector]]},"
        " {runOnly: {type: 'tag', values: tags}})",
        [selector, bf.AXE_TAGS],
    )
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, bf.describe_axe(serious)
