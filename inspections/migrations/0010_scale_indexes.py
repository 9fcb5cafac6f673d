"""Indexes for the report lists' date order and the organisation list (issue 12)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_merge_trust_features"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inspectionreport",
            index=models.Index(fields=["-published_on"], name="report_published_on_idx"),
        ),
        migrations.AddIndex(
            model_name="inspectionreport",
            index=models.Index(
                fields=["framework", "-published_on"], name="report_framework_date_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name"], name="organisation_name_idx"),
        ),
    ]
