"""One demo site for the desk's browser checks and journeys, built once per test run.

Building it (migrations, the demo newsroom, collectstatic) takes most of a minute on this
machine; each journey then runs in seconds. Accounts are made per test with `add_staff`, so
journeys do not depend on one another's users.

A plugin of tests/conftest.py: the fixtures need no import; test modules import the helpers.
"""

import base64
import contextlib
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests import browser_fixtures as bf

SCREENS = Path(bf.ROOT) / "test-artifacts" / "journeys"
PASSWORD = "a-long-journey-pass-phrase-7"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo newsroom under gunicorn with DEBUG off, as in production."""
    bf.require("chromium")
    site = bf.DemoSite(tmp_path_factory.mktemp("demo-site"))
    try:
        site.build()
        site.start()
        yield site
    finally:
        site.stop()


def add_staff(site, username, role, author=None):
    """A staff account in a role; `author` is the name of an Author row made for it (a
    journalist whose stories carry their byline)."""
    code = (
        "from django.contrib.auth.models import Group, User; "
        "from articles.models import Author; "
        f"u = User.objects.create_user({username!r}, password={PASSWORD!r}, is_staff=True); "
        f"u.groups.add(Group.objects.get(name={role!r}))"
    )
    if author:
        slug = author.lower().replace(" ", "-")
        code += f"; Author.objects.create(name={author!r}, slug={slug!r}, user=u)"
    site.manage("shell", "-c", code)
    return username


_SECRETS = {}  # username -> the authenticator key set up at their first sign-in


def sign_in(page, site, username, next_path="/admin/"):
    """Sign in through the real forms; Editors and Administrators also set up, or use, an
    authenticator app (newsroom/staff_auth.py), whose codes are worked out here."""
    page.goto(f"{site.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    if "/admin/two-factor/setup/" in page.url:
        _SECRETS[username] = page.locator("code").inner_text().replace(" ", "")
    if "/admin/two-factor/" in page.url:
        page.fill("input[name=code]", f"{totp(base64.b32decode(_SECRETS[username])):06d}")
        page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


_STATES = {}  # username -> the signed-in browser state (cookies): one sign-in per account


@pytest.fixture
def open_as(browser, demo_site):
    """open_as(username, path): a fresh browser tab signed in as that account, at path. Each
    account signs in through the real forms once per run (a TOTP code is good only once)."""
    contexts = []

    def open_page(username, path="/admin/"):
        if username not in _STATES:
            context = browser.new_context()
            sign_in(context.new_page(), demo_site, username)
            _STATES[username] = context.storage_state()
            context.close()
        context = browser.new_context(storage_state=_STATES[username])
        contexts.append(context)
        page = context.new_page()
        page.console_errors = console_errors(page)
        page.goto(demo_site.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=True)


def console_errors(page):
    """Collects the page's console errors (CSP refusals show there) into a list."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


@contextlib.contextmanager
def telling_where(page):
    """On failure, print where the browser was and what the page said."""
    try:
        yield
    except Exception:
        with contextlib.suppress(Exception):
            messages = page.locator(".messagelist, .errornote, .errorlist, .desk-error-summary")
            said = " | ".join(messages.all_inner_texts())
            print(f"Journey failed at {page.url}\nMessages: {said or '(none)'}")
            print("Page text:", page.inner_text("body")[:1500])
        raise
