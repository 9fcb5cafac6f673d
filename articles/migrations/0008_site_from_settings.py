from django.db import migrations

from newsroom.management import site_from_settings


def name_the_site(apps, schema_editor):
    site_from_settings(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """The Site row names the public site (SITE_URL, PUBLISHER_NAME), not example.com."""

    dependencies = [
        ("articles", "0007_correction_guard_reader_columns"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
