"""Database triggers that make published corrections append-only.

Every UPDATE or DELETE on articles_correction is refused unless a row for that correction sits in
articles_correctionunlock, which only Correction.amend()/remove() write, inside one transaction
(for Administrators). This catches what the ORM guards cannot: raw SQL, other clients, scripts.
"""

from django.db import migrations

# Constant SQL, no user input: the f-strings only insert this message.
MESSAGE = "Published corrections are append-only"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER articles_correction_no_update BEFORE UPDATE ON articles_correction
    FOR EACH ROW WHEN NOT EXISTS
        (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END;
    """,
    f"""
    CREATE TRIGGER articles_correction_no_delete BEFORE DELETE ON articles_correction
    FOR EACH ROW WHEN NOT EXISTS
        (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: delete refused'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_correction_no_update;",
    "DROP TRIGGER IF EXISTS articles_correction_no_delete;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION articles_correction_append_only() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id) THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER articles_correction_append_only
    BEFORE UPDATE OR DELETE ON articles_correction
    FOR EACH ROW EXECUTE FUNCTION articles_correction_append_only();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_correction_append_only ON articles_correction;",
    "DROP FUNCTION IF EXISTS articles_correction_append_only();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
