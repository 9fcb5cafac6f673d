"""Fixtures and helpers for the editorial desk's admin tests.

A plugin of tests/conftest.py: the fixtures need no import; test modules import the helpers.
"""

import io
import urllib.error
import urllib.request
from collections import defaultdict
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import urlencode

import lxml.html
import pytest
import reversion
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from articles.models import Article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(response, form_id="article_form"):
    """What a browser would submit from the page's form: enabled fields, checked boxes."""
    assert response.status_code == 200, response.status_code
    form = lxml.html.fromstring(response.content).get_element_by_id(form_id)
    textareas = {element.name for element in form.inputs if element.tag == "textarea"}
    values = defaultdict(list)
    for name, value in form.form_values():
        # A browser drops the one newline Django writes after <textarea>.
        values[name].append(value.removeprefix("\n") if name in textareas else value)
    return {name: found if len(found) > 1 else found[0] for name, found in values.items()}


def post_form(client, url, form_id="article_form", **changes):
    """Open the form at url, change some fields as a person would, and save it."""
    data = form_data(client.get(url), form_id) | changes
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(url, data)


def login(user, client=None):
    """A client signed in as `user` as after the whole sign-in: password, then the code from a
    confirmed authenticator app (django-otp's session mark), so no role is held at that step."""
    client = client or Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test phone", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer to look at, as the test client gives it


class LiveClient:
    """A person at the desk over real HTTP (for a live server): logged in as `user`, keeping the
    cookies the site sets. get() and post() answer like the test client: status_code, content.
    Cookies are sent by hand: the site marks them Secure, and the live server speaks HTTP."""

    def __init__(self, base_url, user):
        self.base_url = base_url
        self.cookies = {name: morsel.value for name, morsel in login(user).cookies.items()}
        self.opener = urllib.request.build_opener(_KeepRedirects)

    def get(self, path):
        return self._request(path)

    def post(self, path, data):
        return self._request(path, urlencode(data, doseq=True).encode())

    def _request(self, path, body=None):
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 (http)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies |= {name: m.value for name, m in SimpleCookie(header).items()}
            return SimpleNamespace(
                status_code=response.getcode(), content=response.read(), headers=response.headers
            )


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#3a6").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def role_client(client, make_user):
    """A test client signed in as a role, code and all (force_login: django-axes needs a request
    for login(); tests/test_staff_accounts.py goes through the real forms)."""

    def sign_in(role):
        return login(make_user(role), client)

    return sign_in


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's, signed in with the code too, as a superuser must be."""
    return login(admin_user, client)


@pytest.fixture
def staff(make_user):
    """One user per role, made on demand: staff("Editor"), staff("Editor", "ed2")."""
    made = {}

    def get(role, username=None):
        key = username or role.lower().replace(" ", "-")
        if key not in made:
            made[key] = make_user(role, username=key)
        return made[key]

    return get


@pytest.fixture
def story(make_article):
    """A live story with a first revision, as the desk would have saved it."""

    def make(**overrides):
        with reversion.create_revision():
            article = make_article(**overrides)
            reversion.add_to_revision(article)
            reversion.set_comment("Initial version.")
        if article.is_published():
            Article.objects.filter(pk=article.pk).update(first_published_at=article.published_at)
            article.refresh_from_db()
        return article

    return make
