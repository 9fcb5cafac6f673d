from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_grade_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionreport",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "For a report the inspectorate sent ahead of publication: until this time it "
                    "is hidden from readers, and stories linked to it cannot be published or "
                    "scheduled before it. Leave empty for a public report."
                ),
                null=True,
            ),
        ),
    ]
