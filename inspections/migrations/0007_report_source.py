import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_grade_from_report_scale"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("report_page", "Report page"),
                            ("pdf", "PDF"),
                            ("press_release", "Press release"),
                            ("other", "Other"),
                        ],
                        default="report_page",
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=250)),
                ("url", models.URLField(max_length=500, verbose_name="address")),
                (
                    "published_on",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty when the inspectorate does not say.",
                        null=True,
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Order in the report's list of sources.",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sources",
                        to="inspections.inspectionreport",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["report_page", "pdf", "press_release", "other"])
                        ),
                        name="report_source_kind_is_known",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "report_page")),
                        fields=("report",),
                        name="one_report_page_per_report",
                    ),
                ],
            },
        ),
    ]
