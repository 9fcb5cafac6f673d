"""Shared fixtures. The suite runs with DEBUG off, as production does; no settings file.

The fixture modules are plugins, so every test sees their fixtures without importing them;
test modules import only the plain helpers they call (``from .desk_fixtures import login``).
``browser_fixtures`` is not one: gunicorn imports it, and it holds no fixtures.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

# Playwright's sync API leaves an asyncio loop in the test thread; Django's async guard would
# otherwise refuse ORM calls from live_server tests (see ../shared/TOOLING.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from articles import images
from articles.models import Article, Author, Byline, Section, Status
from tests import browser_fixtures as bf

pytest_plugins = [
    "tests.desk_fixtures",
    "tests.inspections_fixtures",
    "tests.journey_fixtures",
    "tests.site_fixtures",
    "tests.cache_fixtures",
]

# Screenshots and other things a person looks at after a run; git-ignored.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_configure(config):
    # pytest-playwright's --screenshot/--video/--tracing output, unless --output says otherwise.
    if getattr(config.option, "output", None) == "test-results":
        config.option.output = str(ARTIFACTS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live_server, transactional_db, django_db(transaction=True)) start
    with the migrations' data (roles, grade scales, the Site): each one's flush empties every
    table, so without serialized_rollback the next would find no "Editor" group.

    They also run after every other database test. pytest-django sorts them so, but pytest's
    own grouping by session-scoped parameters (Playwright's browser name) runs later and can
    pull a live-server browser test in among the others; so the order is made again, last."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = set(getattr(item, "fixturenames", ()))
        if kwargs.get("transaction") or fixtures & {"live_server", "transactional_db"}:
            kwargs |= {"transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    items.sort(key=_database_order)


_SERIALIZED = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the migrations' data as serialized at set-up. Django keeps it on the connection
    object, but once Playwright's sync API runs an event loop in the main thread, Django's
    connection handler (an asgiref Local) hands out another connection object without it, and
    serialized_rollback silently restores nothing."""
    _SERIALIZED["default"] = getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migration_data_for_transactional_tests(request):
    """A transactional test starts with the migrations' data (roles, grade scales, the Site),
    whatever ran before it: see django_db_setup above."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    for fixture in ("transactional_db", "live_server"):
        if fixture in request.fixturenames:  # set up first: each may empty the database
            request.getfixturevalue(fixture)
    serialized = _SERIALIZED.get("default")
    if serialized and not Group.objects.exists():
        # What the previous flush's post_migrate made again (content types, permissions) goes,
        # then everything comes back as it was after migrating.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connections["default"].creation.deserialize_db_from_string(serialized)


def _database_order(item):
    """As pytest-django orders tests: plain database tests, then transactional ones, then the
    rest."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return 1
    return 0 if marker or "db" in getattr(item, "fixturenames", ()) else 2


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Every browser test drives Debian's Chromium, never a downloaded browser (see
    ../shared/TOOLING.md); without it they skip, or fail under CI=true."""
    bf.require("chromium")
    return {**browser_type_launch_args, "executable_path": bf.CHROMIUM, "args": bf.CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def delete_output_dir():
    """Replaces pytest-playwright's, which empties the whole output folder as a run starts and
    so would delete the screenshots of a run going on beside this one; `artifacts_dir` empties
    only its own test's folder."""


@pytest.fixture
def artifacts_dir(request):
    """An empty folder for this test's screenshots: test-artifacts/<module>/<test name>/."""
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in request.node.name)
    folder = ARTIFACTS / request.path.stem / name[:120]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not shared memory: a live server's threads then
    each open their own connection, and two saves at once meet SQLite's real locking (WAL,
    BEGIN IMMEDIATE) as in production. In memory, Django hands every server thread the one
    test connection, so concurrent requests would share a transaction."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _remove_the_runs_cache_dir():
    """Settings give each test process a cache directory of its own; remove it afterwards."""
    yield
    cache_dir = Path(django_settings.CACHE_DIR)
    if cache_dir.name.startswith("newsroom-test-cache-"):  # made by settings, not CACHE_DIR
        shutil.rmtree(cache_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing a password the production way takes a large fraction of a second; the suite makes
    # hundreds of accounts. What is tested is who may log in, not the hash's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the page cache's generation lives in the cache, not in the rolled-back DB
    yield
    # Renditions are made on a background thread after commit: let a test's jobs finish in
    # its own MEDIA_ROOT, not the next test's.
    images.wait_for_renditions()


@pytest.fixture
def no_page_cache(settings):
    """Every page rendered, as staff, the first reader after a write and the archive's long
    tail get it: what the views do and cost, not the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


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
