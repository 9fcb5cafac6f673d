"""Joins the migrations of features built side by side: grade revisions, embargoes and report
sources."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_grade_revision"),
        ("inspections", "0006_report_embargo"),
        ("inspections", "0007_report_source"),
    ]

    operations = []
