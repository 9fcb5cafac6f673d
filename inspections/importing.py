"""Reading a report's graded areas from CSV, for the import_grades command and the admin upload.

The file replaces the report's graded areas: an area whose name is already there (ignoring case)
is updated in place, keeping its added date and linked findings; areas missing from the file are
removed; new ones are added today. Every row is checked first, and nothing is written unless
all rows are good.

The import runs inside the request, and the limits in gradecsv make that safe: a file over 1 MB
is refused before it is decoded, and one over 500 rows as soon as the 501st is read. A report
grades tens of areas, so 500 rows is far above real use; a real file imports in milliseconds,
and even one at the limit in about half a second (500 new areas: 0.2 s; 500 that all change and
move, two writes each: 0.5 s, and 1.5 s at worst on a busy shared two-core test machine), far
inside the worker's 30-second timeout. A background job with a progress page would only add a
queue to run and watch. The import_grades command prints progress, every PROGRESS_EVERY rows
checked and then saved.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils import timezone

from . import gradecsv
from .models import GradedArea, GradeRevision, InspectionReport

AREA_MAX_LENGTH = GradedArea._meta.get_field("name").max_length
PROGRESS_EVERY = 100
PARKED = 20_000  # above any position a file can give (gradecsv.MAX_ROWS)


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
    """Replace report's graded areas with those in a grade CSV (text, bytes or an open file).

    `progress(line)` is called with a line of text ("Checked 100 of 250 rows (40%)", then
    "Saved 100 of 250 areas (40%)") every PROGRESS_EVERY rows and after the last. Raises
    ImportFailed with all errors, and writes nothing, if the file or any row is bad.
    """
    rows = _read_rows(file, report, progress)
    positions = {row["area"].lower(): position for position, row in enumerate(rows, start=1)}
    with transaction.atomic(), reversion.create_revision():
        # Not report.graded_areas: the admin's report has them prefetched with fields deferred.
        areas = GradedArea.objects.filter(report=report).select_for_update()
        existing = {area.name.lower(): area for area in areas}
        before = report.grades_by_area()
        wrote = False
        removed = [area.pk for name, area in existing.items() if name not in positions]
        if removed:
            report.graded_areas.filter(pk__in=removed).delete()
            wrote = True
        # Positions are unique per report: kept areas that move wait out of the way first.
        moving = [
            area
            for name, area in existing.items()
            if positions.get(name, area.position) != area.position
        ]
        for offset, area in enumerate(moving):
            area.position = PARKED + offset
            area.save(update_fields=["position"])
        created = updated = 0
        today = timezone.localdate()
        for first in range(0, len(rows), PROGRESS_EVERY):
            batch = rows[first : first + PROGRESS_EVERY]
            added = []
            for position, row in enumerate(batch, start=first + 1):
                values = {
                    "name": row["area"],
                    "grade_id": row["grade"].pk,
                    "finding": row["finding"],
                    "position": position,
                }
                area = existing.get(row["area"].lower())
                if area is None:
                    added.append(GradedArea(report=report, added_on=today, **values))
                    continue
                updated += 1
                # Only what differs is written: a re-uploaded download changes few rows. One
                # save a row: bulk_update() builds a CASE per column and was twice as slow.
                if any(getattr(area, field) != value for field, value in values.items()):
                    for field, value in values.items():
                        setattr(area, field, value)
                    area.save(update_fields=["name", "grade", "finding", "position"])
                    wrote = True
            GradedArea.objects.bulk_create(added)
            created += len(added)
            wrote = wrote or bool(added)
            _report(progress, "Saved", first + len(batch), len(rows), "areas")
        # A file that changes nothing leaves no trace: no revision, no grade revision.
        if wrote:
            # bulk_create() sends no signals, so the report (following its areas and
            # findings) is added by hand, read again: the admin's copy has its old areas
            # prefetched. The revision is saved as this block ends.
            reversion.add_to_revision(InspectionReport.objects.get(pk=report.pk))
            reversion.set_comment("Grades imported from CSV")
            GradeRevision.objects.record(report=report, before=before)
    return ImportResult(created=created, updated=updated, removed=len(removed))


def _read_rows(file, report, progress):
    """Parse and check every row; return them, or raise ImportFailed with every error."""
    try:
        lines = gradecsv.read(file)
    except gradecsv.Unreadable as error:
        raise ImportFailed(error.errors) from None

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
        _report(progress, "Checked", done, total, "rows")
    if not lines:
        errors.append("The file has no rows under its header.")
    if errors:
        raise ImportFailed(errors)
    return rows


def _report(progress, verb, done, total, noun):
    if progress and (done % PROGRESS_EVERY == 0 or done == total):
        progress(f"{verb} {done} of {total} {noun} ({100 * done // total}%)")
