from datetime import timedelta

import time_machine
from django.utils import timezone

from articles.models import Status


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


def test_an_edit_shows_at_once(client, make_article):
    article = make_article(headline="Before the edit")
    assert b"Before the edit" in client.get(article.get_absolute_url()).content
    article.headline = "After the edit"
    article.save()
    assert b"After the edit" in client.get(article.get_absolute_url()).content


def test_a_scheduled_story_goes_live_at_its_time_without_a_write(client, make_article):
    publish_at = timezone.now() + timedelta(hours=2)
    url = make_article(headline="Embargoed", published_at=publish_at).get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404  # the 404 is not what the cache keeps
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Embargoed" in response.content


def test_staff_previews_are_never_cached(client, make_article, make_user):
    article = make_article(headline="Draft in progress", status=Status.DRAFT, published_at=None)
    client.force_login(make_user("Editor"))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_admin_pages_are_never_cached(client, db):
    response = client.get("/admin/login/")
    assert "X-Page-Cache" not in response
