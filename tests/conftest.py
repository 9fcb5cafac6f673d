"""Shared fixtures. The suite runs with DEBUG off, as production does; no settings file."""

import os
from datetime import timedelta

import pytest

# Playwright's sync API leaves an asyncio loop in the test thread; Django's async guard would
# otherwise refuse ORM calls from live_server tests (see ../shared/TOOLING.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Author, Byline, Section, Status


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing a password the production way takes a large fraction of a second; the suite makes
    # hundreds of accounts. What is tested is who may log in, not the hash's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the page cache's generation lives in the cache, not in the rolled-back DB


@pytest.fixture
def section(db):
    return Section.objects.get_or_create(slug="news", defaults={"name": "News"})[0]


@pytest.fixture
def author(db):
    return Author.objects.get_or_create(
        slug="stephen-briggs", defaults={"name": "Stephen Briggs", "job_title": "Reporter"}
    )[0]


@pytest.fixture
def make_article(db, section, author):
    """Make a story; published an hour ago with one byline unless told otherwise."""

    def make(*, bylines=None, **overrides):
        fields = {
            "headline": "Force told to improve",
            "slug": f"story-{Article.objects.count() + 1}",
            "standfirst": "Inspectors found gaps in how crime is investigated.",
            "body": "<p>Text.</p>",
            "section": section,
            "status": Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=1),
        }
        article = Article.objects.create(**fields | overrides)
        for position, person in enumerate(bylines or [author]):
            Byline.objects.create(article=article, author=person, position=position)
        return article

    return make


@pytest.fixture
def make_user(db):
    """Make a staff user in one of the newsroom's roles (a Group made by migration)."""

    def make(role, username=None):
        user = User.objects.create_user(
            username=username or role.lower().replace(" ", "-"),
            password="correct-horse-battery-staple",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def role_client(client, make_user):
    """A test client logged in (force_login: django-axes needs a request for login()) as a role."""

    def login(role):
        client.force_login(make_user(role))
        return client

    return login
