"""The django.contrib.sites row names the public site, so the admin's "View on site" goes to
SITE_URL and not to example.com, on any install, demo or not."""

from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

SITE_MIGRATION = ("articles", "0008_site_from_settings")


def site_url_domain():
    return urlsplit(django_settings.SITE_URL).netloc


def test_a_migrated_database_names_the_site_from_the_settings(db):
    site = Site.objects.get_current()
    assert (site.domain, site.name) == (site_url_domain(), django_settings.PUBLISHER_NAME)


def test_view_on_site_in_the_admin_goes_to_the_story_on_the_public_site(admin_client, make_article):
    story = make_article(slug="force-told-to-improve")
    view_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(story).pk, story.pk]
    )
    assert view_on_site in admin_client.get(f"/admin/articles/article/{story.pk}/change/").text
    https = django_settings.SITE_URL.startswith("https:")  # the redirect keeps the scheme
    response = admin_client.get(view_on_site, secure=https)
    assert response.status_code == 302
    assert response["Location"] == f"{django_settings.SITE_URL}/news/force-told-to-improve/"


def test_a_changed_site_url_reaches_the_site_at_the_next_migrate(db, settings):
    settings.SITE_URL = "https://news.example.org"
    settings.PUBLISHER_NAME = "The Example Gazette"
    call_command("migrate", verbosity=0)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("news.example.org", "The Example Gazette")


def test_the_data_migration_names_the_site_from_the_settings(db):
    """The migration on its own, with the models as they were at that migration, on a row
    still saying example.com as django.contrib.sites makes it."""
    Site.objects.update(domain="example.com", name="example.com")
    module = import_module(f"{SITE_MIGRATION[0]}.migrations.{SITE_MIGRATION[1]}")
    state = MigrationLoader(connection).project_state(SITE_MIGRATION)
    module.Migration.operations[0].code(state.apps, SimpleNamespace(connection=connection))
    site = Site.objects.get(pk=django_settings.SITE_ID)
    assert (site.domain, site.name) == (site_url_domain(), django_settings.PUBLISHER_NAME)


def test_another_site_can_still_be_added_after_the_first_was_made_with_its_id(db):
    """The row was made with an explicit id; PostgreSQL's sequence must have moved past it."""
    assert (
        Site.objects.create(domain="elsewhere.example.org", name="Elsewhere").pk
        != django_settings.SITE_ID
    )
