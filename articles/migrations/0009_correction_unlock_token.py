"""Append-only, all the way down.

- An unlock row opens a correction only when its token is the one the writing transaction
  armed through Correction._override(): on PostgreSQL a transaction-local setting, on SQLite a
  function that only the site's own connections have. A row inserted by plain SQL (or left
  behind) opens nothing.
- TRUNCATE (which ``manage.py flush`` uses on PostgreSQL) is refused while the table holds a
  correction.
"""

from django.db import migrations, models

# Constant SQL, no user input: the f-strings only insert these fixed fragments.
MESSAGE = "Published corrections are append-only"
GUARDED = ["article_id", "kind", "text", "placement", "published_at"]
SQLITE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in GUARDED)
POSTGRES_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in GUARDED)
SQLITE_UNLOCKED = (
    "EXISTS (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id "
    "AND token <> '' AND token = newsroom_unlock_token())"
)
POSTGRES_UNLOCKED = (
    "EXISTS (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id "
    "AND token <> '' AND token = current_setting('newsroom.unlock_token', true))"
)
OLD_UNLOCKED = "EXISTS (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id)"


# Remaking the unlock table (SQLite's way of adding a column) fails while triggers name it:
# they are dropped first and made again after.
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_correction_no_update;",
    "DROP TRIGGER IF EXISTS articles_correction_no_delete;",
]


def sqlite_triggers(unlocked):
    return [
        *SQLITE_DROP,
        f"""
        CREATE TRIGGER articles_correction_no_update BEFORE UPDATE ON articles_correction
        FOR EACH ROW WHEN ({SQLITE_CHANGED}) AND NOT {unlocked}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END;
        """,
        f"""
        CREATE TRIGGER articles_correction_no_delete BEFORE DELETE ON articles_correction
        FOR EACH ROW WHEN NOT {unlocked}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: delete refused'); END;
        """,
    ]


def postgres_function(unlocked):
    return f"""
    CREATE OR REPLACE FUNCTION articles_correction_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT ({POSTGRES_CHANGED}) THEN
            RETURN NEW;
        END IF;
        IF {unlocked} THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """


POSTGRES_FORWARD = [
    postgres_function(POSTGRES_UNLOCKED),
    f"""
    CREATE OR REPLACE FUNCTION articles_correction_no_truncate() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM articles_correction) THEN
            RAISE EXCEPTION '{MESSAGE}: truncate refused'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER articles_correction_no_truncate BEFORE TRUNCATE ON articles_correction
    FOR EACH STATEMENT EXECUTE FUNCTION articles_correction_no_truncate();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_correction_no_truncate ON articles_correction;",
    "DROP FUNCTION IF EXISTS articles_correction_no_truncate();",
    postgres_function(OLD_UNLOCKED),
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_site_from_settings")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_DROP}), run({"sqlite": sqlite_triggers(OLD_UNLOCKED)})
        ),
        migrations.AddField(
            model_name="correctionunlock",
            name="token",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(
            run({"sqlite": sqlite_triggers(SQLITE_UNLOCKED), "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
