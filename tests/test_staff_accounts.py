"""Staff accounts stay theirs (issue item 14): two-factor sign-in, Argon2 password hashes, sessions
that end after a working day idle, and drafts and embargoes shown only to those they concern."""

import base64
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Author, Status
from newsroom import settings as project_settings

from .desk_fixtures import login

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"  # make_user's
DESK = "/admin/"
SETUP = "/admin/two-factor/setup/"
CODE = "/admin/two-factor/"


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    """As in production, whatever the developer's .env says."""
    settings.STAFF_2FA_REQUIRED = True


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def password_step(client, user, next_page=DESK):
    response = client.post(
        f"/admin/login/?next={next_page}", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return response


def phone(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


# Two-factor sign-in


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_an_editor_or_administrator_sets_up_an_app_at_first_sign_in(client, make_user, role):
    user = make_user(role)
    password_step(client, user)
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/admin/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    text = page.content.decode()
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", text).group(1).replace(" ", "")
    assert secret == device.config_url.split("secret=")[1].split("&")[0]
    assert 'href="otpauth://totp/' in text
    assert f'<img src="{SETUP}qr.svg"' in text

    wrong = client.post(SETUP, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert client.get(DESK).status_code == 302

    device.throttle_reset()  # the wrong code made the next try wait
    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get(DESK).status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_a_superuser_must_set_up_an_app_too(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    password_step(client, admin_user)
    assert client.get(DESK)["Location"] == f"{SETUP}?next=/admin/"


def test_the_qr_code_is_an_svg_image_with_no_script_or_style(client, make_user):
    password_step(client, make_user("Editor"))
    page = client.get(SETUP)
    qr = client.get(f"{SETUP}qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert "no-cache" in qr["Cache-Control"]
    svg = qr.content.decode()
    assert "<svg" in svg and "<path" in svg
    assert not re.search(r"<script|<style|style=|<foreignObject", svg, re.IGNORECASE)
    # The page itself: the strict policy, and nothing inline for it to block.
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "img-src 'self'" in policy
    document = lxml.html.fromstring(page.content)
    assert not document.xpath("//script[not(@src)] | //style | //*[@style]")


def test_the_setup_page_keeps_one_key_until_it_is_confirmed(client, make_user):
    password_step(client, make_user("Editor"))
    first = re.search(r"<code>(.+?)</code>", client.get(SETUP).content.decode()).group(1)
    again = re.search(r"<code>(.+?)</code>", client.get(SETUP).content.decode()).group(1)
    assert first == again
    assert TOTPDevice.objects.count() == 1


def test_with_an_app_set_up_sign_in_asks_for_its_code_after_the_password(client, make_user):
    user = make_user("Reporter")  # optional for a reporter, but once set up it is asked for
    device = phone(user)
    password_step(client, user, next_page="/admin/articles/article/")
    response = client.get("/admin/articles/article/")
    assert response["Location"] == f"{CODE}?next=/admin/articles/article/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    done = client.post(CODE, {"code": code_for(device), "next": "/admin/articles/article/"})
    assert done["Location"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200


def test_the_code_step_cannot_be_skipped_by_setting_up_another_app(client, make_user):
    user = make_user("Editor")
    phone(user)
    password_step(client, user)
    assert client.get(SETUP)["Location"].startswith(CODE)
    assert client.get(f"{SETUP}qr.svg").status_code == 404
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get(DESK).status_code == 302


def test_wrong_codes_slow_down_the_next_try(client, make_user):
    user = make_user("Editor")
    device = phone(user)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        password_step(client, user)
        wrong = client.post(CODE, {"code": "123456"})
        assert "That code is not right" in wrong.content.decode()
        right_too_soon = client.post(CODE, {"code": code_for(device)})
        assert "Too many wrong codes" in right_too_soon.content.decode()
        assert client.get(DESK).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_until_the_code_is_given_the_desk_is_shut_and_drafts_are_hidden(
    client, make_user, make_article
):
    draft = make_article(status=Status.DRAFT, published_at=None)
    user = make_user("Editor")
    phone(user)
    password_step(client, user)
    for page in (DESK, "/admin/articles/article/", f"/admin/articles/article/{draft.pk}/change/"):
        assert client.get(page)["Location"].startswith(CODE), page
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post("/admin/logout/").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_code_step_sends_no_one_off_site(client, make_user):
    user = make_user("Editor")
    device = phone(user)
    password_step(client, user)
    response = client.post(CODE, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_the_code_forms_need_the_csrf_token(make_user):
    client = Client(enforce_csrf_checks=True)
    user = make_user("Editor")
    device = phone(user)
    token = client.get("/admin/login/").cookies["csrftoken"].value
    client.post(
        "/admin/login/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert "_auth_user_id" in client.session  # past the password, with the token
    assert client.post(CODE, {"code": code_for(device)}).status_code == 403
    assert client.post(SETUP, {"code": code_for(device)}).status_code == 403


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_reporters_and_the_corrections_desk_may_set_up_an_app_but_need_not(client, make_user, role):
    password_step(client, make_user(role))
    page = client.get(DESK)
    assert page.status_code == 200
    assert f'href="{SETUP}"' in page.content.decode()
    offer = client.get(SETUP).content.decode()
    assert "Not now" in offer and "<code>" in offer


def test_with_the_switch_off_editors_sign_in_with_a_password_alone(client, make_user, settings):
    settings.STAFF_2FA_REQUIRED = False
    password_step(client, make_user("Editor"))
    assert client.get(DESK).status_code == 200


def run_settings(**env):
    """STAFF_2FA_REQUIRED as a fresh process with this environment sees it."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.pop("STAFF_2FA_REQUIRED", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)",
        ],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout.split()[-1:]


def test_two_factor_is_required_in_production_and_not_under_make_run():
    assert run_settings(DEBUG="1") == ["False"]  # `make run`: the printed accounts just log in
    assert run_settings(DEBUG="0", SECRET_KEY="k" * 50) == ["True"]


# Passwords


def test_new_passwords_are_hashed_with_argon2(settings, make_user):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("Reporter")
    assert user.password.startswith("argon2$")


def test_an_old_pbkdf2_hash_becomes_argon2_at_the_next_login(client, settings, make_user):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("Reporter")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    password_step(client, user)
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


# Sessions


def test_a_staff_session_ends_after_a_working_day_without_a_request(make_user):
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = login(make_user("Editor"))
        for hours in (9, 9):  # a long day, and a late shift, each within ten hours of the last
            clock.shift(timedelta(hours=hours))
            assert client.get(DESK).status_code == 200
        clock.shift(timedelta(hours=10, minutes=1))
        response = client.get(DESK)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# Previews of drafts and embargoed stories


@pytest.fixture
def bylined_reporter(make_user):
    reporter = make_user("Reporter", username="rita")
    return reporter, Author.objects.create(name="Rita Reporter", slug="rita", user=reporter)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.PUBLISHED, "published_at": datetime(2030, 1, 2, 7, 0, tzinfo=UTC)},
    ],
    ids=["draft", "scheduled"],
)
def test_only_editors_and_the_bylined_see_a_story_before_it_is_public(
    client, make_user, make_article, bylined_reporter, fields
):
    reporter, author = bylined_reporter
    story = make_article(bylines=[author], **fields)
    address = story.get_absolute_url()
    assert client.get(address).status_code == 404
    assert login(reporter).get(address).status_code == 200
    assert login(make_user("Editor")).get(address).status_code == 200
    assert login(make_user("Administrator")).get(address).status_code == 200
    assert login(make_user("Reporter", username="other-reporter")).get(address).status_code == 404
    assert login(make_user("Corrections desk")).get(address).status_code == 404


def test_a_reporter_sees_every_public_story(make_user, make_article):
    story = make_article()
    assert login(make_user("Reporter")).get(story.get_absolute_url()).status_code == 200


# In a browser


@pytest.mark.browser
def test_an_editor_sets_up_an_app_in_a_browser_under_the_strict_csp(
    live_server, page, make_user, settings
):
    """The real forms in Chromium: the QR code shows, nothing breaks the policy, the code works."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the server is HTTP
    user = make_user("Editor")
    errors = []  # a CSP violation is a console error; the admin links no favicon, so not that

    def on_console(message):
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{SETUP}?next=/admin/")
    qr = page.locator("img[src$='qr.svg']")
    assert qr.evaluate("image => image.complete && image.naturalWidth") > 0
    secret = page.locator("code").inner_text().replace(" ", "")
    page.fill("input[name=code]", f"{totp(base64.b32decode(secret)):06d}")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("h1").inner_text() == "The desk"
    assert errors == []


def test_administrators_can_remove_a_staff_members_lost_device(make_user):
    administrator = make_user("Administrator", "admin-lost-phone")
    assert administrator.has_perm("otp_totp.delete_totpdevice")
    assert administrator.has_perm("otp_totp.view_totpdevice")
    assert not make_user("Editor", "editor-lost-phone").has_perm("otp_totp.delete_totpdevice")
