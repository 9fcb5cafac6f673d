"""Stories needing attention: a live story the desk should check again (its report's grades
changed by an import), listed on the desk's front page until an editor saves the story or marks
it done. Editors and Administrators mark them done; the other roles see them.

(A publication despite warnings is recorded in the story's revision comment: no table.)
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLES = {
    "Reporter": ["view"],
    "Editor": ["change", "view"],
    "Corrections desk": ["view"],
    "Administrator": ["change", "delete", "view"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        codenames = [f"{action}_storyattention" for action in ROLES[group.name]]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_merge_trust_features"),
        ("inspections", "0008_merge_trust_features"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StoryAttention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        help_text="What changed, and what in the story it contradicts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="flagged"),
                ),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="done")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attention_items",
                        to="articles.article",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        blank=True,
                        help_text="The report whose change needs the story checked, if one did.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="story_attention_items",
                        to="inspections.inspectionreport",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="story_attention_resolved",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "story needing attention",
                "verbose_name_plural": "stories needing attention",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("resolved_at__isnull", True)),
                        fields=["-created_at"],
                        name="story_attention_open_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
