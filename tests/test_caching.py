from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.utils import timezone

from articles.models import Status
from newsroom.caching import AnonymousPageCacheMiddleware


def test_anonymous_reader_pages_are_served_from_the_cache(
    client, make_article, django_assert_num_queries
):
    make_article(headline="Cached story")
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


@pytest.mark.django_db(transaction=True)  # the page cache moves on commit, as in production
def test_an_edit_shows_at_once(client, make_article):
    article = make_article(headline="Before the edit")
    assert b"Before the edit" in client.get(article.get_absolute_url()).content
    article.headline = "After the edit"
    article.save()
    assert b"After the edit" in client.get(article.get_absolute_url()).content


def test_a_scheduled_story_goes_live_at_its_time_without_a_write(client, make_article):
    make_article(headline="Already live")
    publish_at = timezone.now() + timedelta(hours=2)
    make_article(headline="Embargoed until later", published_at=publish_at)
    client.get("/")
    cached = client.get("/")
    assert cached["X-Page-Cache"] == "hit"
    assert b"Already live" in cached.content
    assert b"Embargoed until later" not in cached.content
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        live = client.get("/")
    assert live["X-Page-Cache"] == "miss"
    assert b"Embargoed until later" in live.content


def test_staff_previews_are_never_cached(client, make_article, role_client):
    article = make_article(headline="Draft in progress", status=Status.DRAFT, published_at=None)
    role_client("Editor")  # signs `client` in
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_admin_pages_are_never_cached(rf, db):
    """Nothing under /admin/ is stored, even a response the cache would otherwise keep. The
    admin's own pages set a cookie or no-cache headers, which would hide a missing rule; a
    reader page with the same response is the control."""
    rendered = []

    def view(request):
        rendered.append(request.path)
        return HttpResponse("<p>A page anyone may see.</p>")

    middleware = AnonymousPageCacheMiddleware(view)
    admin = [middleware(rf.get("/admin/articles/article/")) for _ in range(2)]
    reader = [middleware(rf.get("/news/a-story/")) for _ in range(2)]
    assert [response.status_code for response in admin + reader] == [200] * 4
    assert [response.get("X-Page-Cache") for response in reader] == ["miss", "hit"]
    assert [response.get("X-Page-Cache") for response in admin] == [None, None]
    assert rendered == ["/admin/articles/article/"] * 2 + ["/news/a-story/"]
