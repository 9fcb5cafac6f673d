"""The site's django.contrib.sites row, named from the settings (as django.contrib.sites'
own management module makes its example.com row)."""

from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, router


def site_from_settings(apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """Give the Site row SITE_ID the domain of SITE_URL and the name PUBLISHER_NAME, creating
    it if missing. Run by a migration, after every migrate (post_migrate) and by load_demo, so
    the admin's "View on site" and anything else built on the Site follow the settings."""
    try:
        site_model = apps.get_model("sites", "Site")
    except LookupError:  # a migrate that has not reached django.contrib.sites yet
        return
    if not router.allow_migrate_model(using, site_model):
        return
    fields = {"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.PUBLISHER_NAME}
    _, created = site_model.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults=fields
    )
    if created:
        # An explicit id leaves the sequence behind it (django.contrib.sites does the same).
        with connections[using].cursor() as cursor:
            for sql in connections[using].ops.sequence_reset_sql(no_style(), [site_model]):
                cursor.execute(sql)
