"""A report's publication date says how much of it is known; a graded area can link to the part
of the report that grades it.

On SQLite these changes rebuild the report and area tables, and SQLite refuses to rename a table
that 0004's triggers name; so the triggers are dropped first and made again after (PostgreSQL
alters the tables in place and keeps them).
"""

from importlib import import_module

from django.db import migrations, models

import newsroom.text

triggers = import_module("inspections.migrations.0004_grade_from_report_scale")

DROP_TRIGGERS = triggers.run({"sqlite": triggers.SQLITE_REVERSE})
CREATE_TRIGGERS = triggers.run({"sqlite": triggers.SQLITE_FORWARD})


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_merge_trust_features"),
    ]

    operations = [
        migrations.RunPython(DROP_TRIGGERS, CREATE_TRIGGERS),
        migrations.AddField(
            model_name="gradedarea",
            name="source_url",
            field=models.URLField(
                blank=True,
                help_text="The part of the inspectorate's report that gives this grade (a page, "
                "or a section's address), so readers can check it.",
                max_length=500,
                verbose_name="link to where the report grades it",
            ),
        ),
        migrations.AddField(
            model_name="inspectionreport",
            name="published_known_as",
            field=newsroom.text.CleanCharField(
                blank=True,
                help_text="When the date is not known, what is: e.g. “PEEL 2018/19, tranche "
                "three”.",
                max_length=200,
                verbose_name="publication known as",
            ),
        ),
        migrations.AddField(
            model_name="inspectionreport",
            name="published_precision",
            field=models.CharField(
                choices=[
                    ("day", "The day"),
                    ("month", "The month only"),
                    ("year", "The year only"),
                    ("not_known", "Not known: say what is known instead"),
                ],
                default="day",
                help_text="Pages show the whole date, the month and year, the year, or the text "
                "below.",
                max_length=10,
                verbose_name="publication date known to",
            ),
        ),
        migrations.AlterField(
            model_name="inspectionreport",
            name="published_on",
            field=models.DateField(
                help_text="The day it was published. When only the month or year is known, any "
                "day in it; when neither is, a day that keeps the reports in order. Readers see "
                "only what the precision below says is known."
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionreport",
            constraint=models.CheckConstraint(
                condition=models.Q(published_precision__in=["day", "month", "year", "not_known"]),
                name="report_date_precision_is_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="inspectionreport",
            constraint=models.CheckConstraint(
                condition=~models.Q(published_precision="not_known")
                | ~models.Q(published_known_as=""),
                name="report_unknown_date_says_what_is_known",
            ),
        ),
        migrations.RunPython(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
