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
