"""A stored search vector on PostgreSQL, kept current by the database; SQLite searches without.

``search_vector`` is a generated column (``GENERATED ALWAYS AS (...) STORED``): PostgreSQL
computes it on every insert and update, so no code path can forget it, and a search reads it
from the row instead of parsing each matching story's text again (the expression index of
migration 0004 let PostgreSQL find matches, but ranking them rebuilt every vector: a minute
for a word in half of 100,000 stories). The headline weighs A, the standfirst B and the body
C; the body is HTML, so its tags are replaced by spaces first (the body is sanitised, so a
``<`` in its text is always escaped and every ``<...>`` is a tag). The column is not in the
model's state: only ``articles.search`` reads it, and SQLite has no such type. An index on
publication time serves the desk's story list, which orders all stories, not only live ones.
"""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce(headline, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(standfirst, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, "
    "regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')), 'C')"
)

OLD_INDEX = (
    "CREATE INDEX IF NOT EXISTS article_search_idx ON articles_article USING GIN ("
    "(setweight(to_tsvector('english'::regconfig, COALESCE(headline, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(standfirst, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')))"
)


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Adding the column rewrites the table and computes every story's vector: a minute or so
    # at 100,000 stories, longer than DATABASE_STATEMENT_TIMEOUT_MS. Lifted for this
    # migration's transaction only.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute(
        f"ALTER TABLE articles_article ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX article_search_vector_idx ON articles_article USING GIN (search_vector)"
    )
    # The desk's story list orders every story by publication time (not only published ones,
    # which article_public_idx serves): without this its first page sorts the whole table.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_published_at_idx "
        "ON articles_article (published_at DESC, id DESC)"
    )
    # The expression index of 0004 is no longer read; keeping it would double the cost of
    # every save of a story's text.
    schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_INDEX)
    schema_editor.execute("DROP INDEX IF EXISTS article_published_at_idx")
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_merge_trust_features")]

    operations = [migrations.RunPython(add_search_vector, remove_search_vector)]
