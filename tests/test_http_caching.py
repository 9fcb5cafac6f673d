"""HTTP caching for what sits in front of the site (a proxy or a CDN): anonymous reader pages,
feeds and sitemaps carry an ETag and a Cache-Control header that lets a shared cache keep them
briefly (s-maxage) and revalidate them, and a conditional GET or HEAD that names the current
ETag gets 304. Staff, sessions and previews are never marked public."""

import pytest
from django.db import connection
from django.utils.cache import get_max_age

from articles.models import Status

READER_PAGES = [
    "/",
    "/news/force-told-to-improve/",
    "/section/news/",
    "/corrections/",
    "/feeds/latest.rss",
    "/feeds/corrections.atom",
    "/sitemap.xml",
    "/sitemap-stories.xml",
    "/news-sitemap.xml",
]


@pytest.fixture
def story(make_article):
    return make_article(slug="force-told-to-improve", headline="Force told to improve")


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("path", READER_PAGES)
def test_anonymous_reader_pages_may_be_kept_briefly_by_a_shared_cache(
    client, story, settings, path
):
    settings.PROXY_CACHE_SECONDS, settings.PROXY_STALE_SECONDS = 60, 30
    for attempt in ("miss", "hit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Page-Cache"] == attempt
        assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=30"} <= directives(
            response
        )
        assert get_max_age(response) == 0  # a browser asks again each time (and gets a 304)
        assert response["ETag"].startswith('"')
        assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_conditional_request_with_the_current_etag_gets_304(client, story, path, method):
    first = client.get(path)
    assert first.status_code == 200
    for _ in ("from the cache", "again"):
        response = getattr(client, method)(path, headers={"If-None-Match": first["ETag"]})
        assert response.status_code == 304, path
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert "s-maxage" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)  # the page cache moves on commit, as in production
def test_the_etag_is_the_pages_content_so_a_re_render_keeps_it_and_an_edit_changes_it(
    client, story
):
    first = client.get(story.get_absolute_url())
    with connection.cursor() as cursor:  # retires every page, and changes nothing on this one
        cursor.execute("UPDATE articles_article SET body = body")
    again = client.get(story.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    story.body = "<p>Edited.</p>"
    story.save()
    edited = client.get(story.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert edited.status_code == 200
    assert edited["X-Page-Cache"] == "miss"
    assert edited["ETag"] != first["ETag"]
    unchanged = client.get(story.get_absolute_url(), headers={"If-None-Match": edited["ETag"]})
    assert unchanged.status_code == 304


def test_a_signed_in_readers_pages_are_private_and_never_stored(client, story, role_client):
    role_client("Editor")  # signs `client` in
    for path in ["/", story.get_absolute_url(), "/feeds/latest.rss"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" not in directives(response)
        assert {"private", "no-store"} <= directives(response)
        assert "s-maxage" not in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_a_staff_preview_of_a_draft_is_private(client, make_article, role_client):
    draft = make_article(headline="Draft", status=Status.DRAFT, published_at=None)
    role_client("Editor")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "public" not in directives(response)
    assert {"private", "no-store"} <= directives(response)


def test_with_proxy_caching_off_pages_say_nothing_to_shared_caches(client, story, settings):
    settings.PROXY_CACHE_SECONDS = 0
    response = client.get("/")
    assert response.status_code == 200
    assert "s-maxage" not in response.get("Cache-Control", "")
    assert "public" not in response.get("Cache-Control", "")
