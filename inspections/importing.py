"""Reading a report's graded areas from CSV, for the import_grades command and the admin upload.

The file replaces the report's graded areas: an area whose name is already there (ignoring case)
is updated in place, keeping its added date and linked findings; areas missing from the file are
removed; new ones are added today. Every row is checked first, and nothing is written unless
all rows are good.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import gradecsv
from .models import GradedArea

AREA_MAX_LENGTH = GradedArea._meta.get_field("name").max_length
PROGRESS_EVERY = 100


class ImportFailed(Exception):
    """The file was refused; `errors` lists every problem found, with line numbers."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    removed: int

    def __str__(self):
        return f"{self.created} areas added, {self.updated} updated, {self.removed} removed."


def import_graded_areas(*, report, file, progress=None):
    """Replace report's graded areas with those in a CSV file (text or bytes, UTF-8).

    `progress(done, total)` is called every PROGRESS_EVERY rows and at the end. Raises
    ImportFailed with all errors, and writes nothing, if any row is bad.
    """
    rows = _read_rows(file, report, progress)
    with transaction.atomic():
        existing = {area.name.lower(): area for area in report.graded_areas.select_for_update()}
        keep = {row["area"].lower() for row in rows}
        removed = [area.pk for name, area in existing.items() if name not in keep]
        report.graded_areas.filter(pk__in=removed).delete()
        # Move kept areas out of the way first: positions are unique per report.
        kept = [area for name, area in existing.items() if name in keep]
        for offset, area in enumerate(kept):
            area.position = 20_000 + offset
        GradedArea.objects.bulk_update(kept, ["position"])
        created = updated = 0
        for position, row in enumerate(rows, start=1):
            area = existing.get(row["area"].lower())
            if area is None:
                area = GradedArea(report=report, added_on=timezone.localdate())
                created += 1
            else:
                updated += 1
            area.name = row["area"]
            area.grade = row["grade"]
            area.finding = row["finding"]
            area.position = position
            area.save()
    return ImportResult(created=created, updated=updated, removed=len(removed))


def _read_rows(file, report, progress):
    """Parse and check every row; return them, or raise ImportFailed with every error."""
    try:
        lines = gradecsv.read(file)
    except gradecsv.BadHeader as error:
        raise ImportFailed([str(error)]) from None

    grades = {}
    for grade in report.framework.scale.grades.all():
        grades[grade.label.lower()] = grade
        grades[grade.slug.lower()] = grade
    labels = ", ".join(grade.label for grade in report.framework.scale.grades.all())

    total = len(lines)
    errors, rows, seen = [], [], {}
    for done, entry in enumerate(lines, start=1):
        if entry.problem:
            errors.append(entry.problem)
            continue
        line, row = entry.line, entry.values
        area, grade_text = row.get("area", ""), row.get("grade", "")
        if not area:
            errors.append(f"Line {line}: the area is empty.")
        elif len(area) > AREA_MAX_LENGTH:
            errors.append(f"Line {line}: the area name is longer than {AREA_MAX_LENGTH} letters.")
        elif area.lower() in seen:
            errors.append(f"Line {line}: “{area}” is already on line {seen[area.lower()]}.")
        else:
            seen[area.lower()] = line
        grade = grades.get(grade_text.lower())
        if grade is None:
            errors.append(
                f"Line {line}: “{grade_text}” is not a grade of the {report.framework.scale} "
                f"scale ({labels})."
                if grade_text
                else f"Line {line}: the grade is empty."
            )
        rows.append({"area": area, "grade": grade, "finding": row.get("finding", "")})
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if not lines:
        errors.append("The file has no rows under its header.")
    if errors:
        raise ImportFailed(errors)
    return rows
