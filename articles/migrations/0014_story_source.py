"""Story sources, and the roles' permissions on them and on reports' sources (the groups are
defined here in articles, so both grants live here)."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDIT_SOURCES = ["add", "change", "delete", "view"]
ROLES = {
    "Reporter": {"storysource": EDIT_SOURCES, "reportsource": ["view"]},
    "Editor": {"storysource": EDIT_SOURCES, "reportsource": EDIT_SOURCES},
    "Corrections desk": {"storysource": ["view"], "reportsource": ["view"]},
    "Administrator": {"storysource": EDIT_SOURCES, "reportsource": EDIT_SOURCES},
}


def grant(apps, schema_editor):
    for label in ("articles", "inspections"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        codenames = [
            f"{action}_{model}"
            for model, actions in ROLES[group.name].items()
            for action in actions
        ]
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_administrators_manage_sign_in_devices"),
        ("inspections", "0007_report_source"),
    ]

    operations = [
        migrations.CreateModel(
            name="StorySource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=250)),
                ("url", models.URLField(max_length=500, verbose_name="address")),
                (
                    "publisher",
                    models.CharField(
                        blank=True,
                        help_text="Who published it, e.g. Office for National Statistics.",
                        max_length=200,
                    ),
                ),
                (
                    "published_on",
                    models.DateField(
                        blank=True,
                        help_text="When the source was published, if it says.",
                        null=True,
                    ),
                ),
                (
                    "accessed_on",
                    models.DateField(
                        blank=True, help_text="When you read it, for pages that change.", null=True
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        help_text=(
                            "The source's number. To cite it, select the words or figure in the "
                            "text and link them to #source-N, with this number as N."
                        )
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "position"), name="one_source_per_number_per_story"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("position__gte", 1)), name="source_number_from_one"
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
