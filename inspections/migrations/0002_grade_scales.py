"""The grade scales newsrooms meet most: PEEL's five grades since 2021/22, and four grades."""

from django.db import migrations

SCALES = {
    "Five grades (PEEL from 2021/22)": [
        ("outstanding", "Outstanding", "Performance is exceptional."),
        ("good", "Good", "Performance is of a high standard."),
        ("adequate", "Adequate", "Performance meets the expected standard but could be better."),
        (
            "requires-improvement",
            "Requires improvement",
            "Performance falls short and must improve.",
        ),
        ("inadequate", "Inadequate", "Performance is poor and needs urgent action."),
    ],
    "Four grades": [
        ("outstanding", "Outstanding", "Performance is exceptional."),
        ("good", "Good", "Performance is of a high standard."),
        (
            "requires-improvement",
            "Requires improvement",
            "Performance falls short and must improve.",
        ),
        ("inadequate", "Inadequate", "Performance is poor and needs urgent action."),
    ],
}


def create_scales(apps, schema_editor):
    GradeScale = apps.get_model("inspections", "GradeScale")
    Grade = apps.get_model("inspections", "Grade")
    for name, grades in SCALES.items():
        scale, _ = GradeScale.objects.get_or_create(name=name)
        for position, (slug, label, definition) in enumerate(grades, start=1):
            Grade.objects.update_or_create(
                scale=scale,
                slug=slug,
                defaults={"position": position, "label": label, "definition": definition},
            )


def remove_scales(apps, schema_editor):
    apps.get_model("inspections", "GradeScale").objects.filter(name__in=SCALES).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(create_scales, remove_scales)]
