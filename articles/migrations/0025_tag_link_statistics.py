"""PostgreSQL keeps a frequency for every tag (up to 10,000 of them) when it analyses the table
linking stories and tags, so that a story's related stories by tag are looked up from the tag's
side for a rare tag and newest first for a common one (articles/story_data.py). With the default
statistics a rare tag was taken for an average one, and the lookup walked the whole archive."""

from django.db import migrations

TABLE, COLUMN = "articles_article_tags", "tag_id"


def keep_every_tags_frequency(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STATISTICS 10000")
        schema_editor.execute(f"ANALYZE {TABLE}")


def default_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("articles", "0024_merge_autosave_presence")]

    operations = [migrations.RunPython(keep_every_tags_frequency, default_statistics)]
