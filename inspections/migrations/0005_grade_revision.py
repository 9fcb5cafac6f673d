import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_grade_from_report_scale"),
    ]

    operations = [
        migrations.CreateModel(
            name="GradeRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("revised_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "changes",
                    models.JSONField(
                        default=list,
                        help_text='[{"area": ..., "before": grade label, "after": grade label}]; '
                        "an empty before is an area added, an empty after one removed.",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grade_revisions",
                        to="inspections.inspectionreport",
                    ),
                ),
            ],
            options={
                "ordering": ["-revised_at", "-pk"],
            },
        ),
    ]
