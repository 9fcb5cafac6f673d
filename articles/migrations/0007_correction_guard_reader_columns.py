"""Append-only, narrowly: the triggers guard the columns readers see, and nothing else.

An UPDATE that changes a correction's story, kind, text, placement or time, or any DELETE, is
refused unless Correction.amend()/remove() opened the row for its own transaction. Every other
UPDATE passes: the database's own clean-ups (created_by and revision set to NULL when a staff
account or an old revision is deleted) and the desk-only internal note.

Amending or removing a correction becomes a permission, ``articles.amend_correction``, held by
the Administrator group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Constant SQL, no user input: the f-strings only insert this message and the column list.
MESSAGE = "Published corrections are append-only"
GUARDED = ["article_id", "kind", "text", "placement", "published_at"]
UNLOCKED = "EXISTS (SELECT 1 FROM articles_correctionunlock WHERE correction_id = OLD.id)"

SQLITE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in GUARDED)
POSTGRES_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in GUARDED)

# Adding a column remakes the table on SQLite, which drops its triggers: both are made again.
SQLITE_DELETE_TRIGGER = f"""
    CREATE TRIGGER IF NOT EXISTS articles_correction_no_delete
    BEFORE DELETE ON articles_correction
    FOR EACH ROW WHEN NOT {UNLOCKED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: delete refused'); END;
    """
SQLITE_FORWARD = [
    SQLITE_DELETE_TRIGGER,
    "DROP TRIGGER IF EXISTS articles_correction_no_update;",
    f"""
    CREATE TRIGGER articles_correction_no_update BEFORE UPDATE ON articles_correction
    FOR EACH ROW WHEN ({SQLITE_CHANGED}) AND NOT {UNLOCKED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END;
    """,
]
SQLITE_REVERSE = [
    SQLITE_DELETE_TRIGGER,
    "DROP TRIGGER IF EXISTS articles_correction_no_update;",
    f"""
    CREATE TRIGGER articles_correction_no_update BEFORE UPDATE ON articles_correction
    FOR EACH ROW WHEN NOT {UNLOCKED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: update refused'); END;
    """,
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION articles_correction_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT ({POSTGRES_CHANGED}) THEN
            RETURN NEW;
        END IF;
        IF {UNLOCKED} THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
]
POSTGRES_REVERSE = [
    f"""
    CREATE OR REPLACE FUNCTION articles_correction_append_only() RETURNS trigger AS $$
    BEGIN
        IF {UNLOCKED} THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % refused', lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


def grant_amend(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    amend = Permission.objects.get(content_type__app_label="articles", codename="amend_correction")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.add(amend)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_is_lead")]

    operations = [
        migrations.AddField(
            model_name="correction",
            name="created_by_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Who added it, kept when their staff account is deleted.",
                max_length=150,
            ),
        ),
        migrations.AlterModelOptions(
            name="correction",
            options={
                "ordering": ["published_at", "pk"],
                "permissions": [("amend_correction", "Can amend or remove a published correction")],
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
        migrations.RunPython(grant_amend, migrations.RunPython.noop),
    ]
