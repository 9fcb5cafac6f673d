"""Joins the migrations of features built side by side: amended corrections, requests for
comment, private review links and story sources."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_correction_amendment"),
        ("articles", "0012_comment_request"),
        ("articles", "0013_review_link"),
        ("articles", "0014_story_source"),
    ]

    operations = []
