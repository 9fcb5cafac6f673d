import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import newsroom.text


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_administrators_manage_sign_in_devices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "recipient",
                    newsroom.text.CleanCharField(
                        help_text="Who the link is for, as the page should greet them: “Jane Smith (legal)”. Shown on the copy and in the story’s record.",
                        max_length=200,
                    ),
                ),
                ("token_digest", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        help_text="After this time the link opens nothing. Choose the end of the review."
                    ),
                ),
                ("revoked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_links",
                        to="articles.article",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="review_links_created",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="review_link_expires_after_creation",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewLinkVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("visited_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "link",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visits",
                        to="articles.reviewlink",
                    ),
                ),
            ],
            options={"ordering": ["-visited_at"]},
        ),
    ]
