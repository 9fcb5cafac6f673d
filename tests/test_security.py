"""Hostile input from ../shared/corpora: no address a visitor supplies sends anyone off-site."""

from urllib.parse import urljoin, urlsplit

from .corpora import corpus_lines


def open_redirect_payloads():
    return corpus_lines("open-redirect")


def test_the_open_redirect_corpus_is_there():
    assert sum(1 for _ in open_redirect_payloads()) > 300


def test_login_never_redirects_off_site(client, make_user):
    make_user("Editor", username="editor")
    for payload in open_redirect_payloads():
        response = client.post(
            "/admin/login/",
            {"username": "editor", "password": "correct-horse-battery-staple", "next": payload},
        )
        assert response.status_code == 302, payload
        # Where a browser would go: resolved against the login page's own address.
        target = urlsplit(urljoin("http://testserver/admin/login/", response["Location"]))
        assert (target.scheme, target.netloc) == ("http", "testserver"), (payload, target)
        client.logout()


def test_story_addresses_never_redirect_off_site(client, make_article):
    make_article()
    for payload in open_redirect_payloads():
        response = client.get(f"/news/{payload}/")
        if response.status_code in (301, 302):
            target = urlsplit(urljoin("http://testserver/news/", response["Location"]))
            assert (target.scheme, target.netloc) == ("http", "testserver"), (payload, target)
        else:
            assert response.status_code in (200, 400, 404), (payload, response.status_code)
