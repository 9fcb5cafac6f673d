"""Database triggers: a graded area's grade must belong to its report's framework's scale.

A CHECK constraint cannot look across tables, so triggers hold the rule wherever it could break:
an area inserted or regraded, a report moved to another framework, a framework moved to another
scale, or a grade moved to another scale. The admin shows the same rule as a plain error first
(GradedArea.clean, InspectionReport.clean, Framework.clean); these catch raw SQL and scripts.
"""

from django.db import migrations

# Constant SQL, no user input: the f-strings only insert this message.
MESSAGE = "A graded area's grade must belong to its report's framework's scale"
SQL_MESSAGE = MESSAGE.replace("'", "''")

AREA_IS_RIGHT = """
    EXISTS (SELECT 1 FROM inspections_grade g
        JOIN inspections_inspectionreport r ON r.id = NEW.report_id
        JOIN inspections_framework f ON f.id = r.framework_id
        WHERE g.id = NEW.grade_id AND g.scale_id = f.scale_id)
"""
REPORT_STRANDS_AREAS = """
    EXISTS (SELECT 1 FROM inspections_gradedarea a
        JOIN inspections_grade g ON g.id = a.grade_id
        JOIN inspections_framework f ON f.id = NEW.framework_id
        WHERE a.report_id = NEW.id AND g.scale_id <> f.scale_id)
"""
FRAMEWORK_STRANDS_AREAS = """
    EXISTS (SELECT 1 FROM inspections_gradedarea a
        JOIN inspections_grade g ON g.id = a.grade_id
        JOIN inspections_inspectionreport r ON r.id = a.report_id
        WHERE r.framework_id = NEW.id AND g.scale_id <> NEW.scale_id)
"""
GRADE_STRANDS_AREAS = """
    EXISTS (SELECT 1 FROM inspections_gradedarea a
        JOIN inspections_inspectionreport r ON r.id = a.report_id
        JOIN inspections_framework f ON f.id = r.framework_id
        WHERE a.grade_id = NEW.id AND f.scale_id <> NEW.scale_id)
"""

# (trigger name, table, event, condition that refuses the row)
TRIGGERS = [
    ("inspections_gradedarea_scale_insert", "inspections_gradedarea", "INSERT",
     f"NOT {AREA_IS_RIGHT}"),
    ("inspections_gradedarea_scale_update", "inspections_gradedarea",
     "UPDATE OF grade_id, report_id", f"NOT {AREA_IS_RIGHT}"),
    ("inspections_report_scale_update", "inspections_inspectionreport", "UPDATE OF framework_id",
     REPORT_STRANDS_AREAS),
    ("inspections_framework_scale_update", "inspections_framework", "UPDATE OF scale_id",
     FRAMEWORK_STRANDS_AREAS),
    ("inspections_grade_scale_update", "inspections_grade", "UPDATE OF scale_id",
     GRADE_STRANDS_AREAS),
]  # fmt: skip

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {name} BEFORE {event} ON {table}
    FOR EACH ROW WHEN {condition}
    BEGIN SELECT RAISE(ABORT, '{SQL_MESSAGE}'); END;
    """
    for name, table, event, condition in TRIGGERS
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name};" for name, *_ in TRIGGERS]

POSTGRES_FORWARD = [
    statement
    for name, table, event, condition in TRIGGERS
    for statement in (
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{SQL_MESSAGE}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"""
        CREATE TRIGGER {name} BEFORE {event} ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}();
        """,
    )
]
POSTGRES_REVERSE = [
    statement
    for name, table, *_ in TRIGGERS
    for statement in (
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
        f"DROP FUNCTION IF EXISTS {name}();",
    )
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_area_position_from_one")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
