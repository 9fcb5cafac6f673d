"""Administrators manage staff's two-factor devices (a lost phone): the Administrator group was
given every permission by 0003, before django-otp's models existed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("otp_totp")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    devices = Permission.objects.filter(content_type__app_label="otp_totp")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.add(*devices)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_correction_unlock_token"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
