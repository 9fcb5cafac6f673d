"""Partial indexes of public stories, so that lists, the home page and the sitemaps read a
bounded number of rows at archive scale (issue 12)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_merge_trust_features"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["published_at", "id"],
                name="article_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["section", "published_at"],
                name="article_section_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_lead", True), ("status", "published")),
                fields=["published_at"],
                name="article_lead_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published"), ("updated_at__isnull", False)),
                fields=["updated_at"],
                name="article_updated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="correction",
            index=models.Index(fields=["-published_at", "-id"], name="correction_newest_idx"),
        ),
    ]
