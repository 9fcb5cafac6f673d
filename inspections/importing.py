"""Reading a report's graded areas from CSV, for the import_grades command and the admin upload.

The file replaces the report's graded areas: an area whose name is already there (ignoring case)
is updated in place, keeping its added date and linked findings; areas missing from the file are
removed; new ones are added today. Every row is checked first, and nothing is written unless
all rows are good.

``plan_import`` says what a file would change (areas added, regraded from one grade to another,
removed, unchanged) without writing, so the admin can show it and ask for confirmation first.
A confirmed import that changes grades sends ``grades_imported``; the import preview sends
``grades_import_planned`` so that apps which use reports (the newsroom's stories) can say what
the change means for them. This app never imports those apps: they answer the signals.

The import runs inside the request, and the limits in gradecsv make that safe: a file over 1 MB
is refused before it is decoded, and one over 500 rows as soon as the 501st is read. A report
grades tens of areas, so 500 rows is far above real use; a real file imports in milliseconds,
and even one at the limit in about half a second (500 new areas: 0.2 s; 500 that all change and
move, two writes each: 0.5 s, and 1.5 s at worst on a busy shared two-core test machine), far
inside the worker's 30-second timeout. A background job with a progress page would only add a
queue to run and watch. The import_grades command prints progress, every PROGRESS_EVERY rows
checked and then saved.
"""

import hashlib
import json
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from . import gradecsv
from .models import GradedArea, GradeRevision, InspectionReport

AREA_MAX_LENGTH = GradedArea._meta.get_field("name").max_length
PROGRESS_EVERY = 100
PARKED = 20_000  # above any position a file can give (gradecsv.MAX_ROWS)

# Sent with `report` and `plan` (an ImportPlan): by the preview, whose receivers return what
# the change means to them (the admin lists it), and after a confirmed import that changed
# grades, inside its transaction.
grades_import_planned = Signal()
grades_imported = Signal()


class ImportFailed(Exception):
    """The file was refused; `errors` lists every problem found, with line numbers."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


class ImportStale(Exception):
    """The report's areas changed since the preview that was confirmed; nothing was written."""


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would change, read without writing anything.

    `added` is [(area, grade)], `regraded` [(area, grade before, grade after)], `removed`
    [(area, grade)] and `unchanged` [area] (same grade; `edited` lists those of them whose
    finding, place or spelling changes). `counts` is [(grade, number of areas)] for every grade
    of the scale after the import, as the grades panel will count them.
    """

    report: object
    rows: list
    added: list
    regraded: list
    removed: list
    unchanged: list
    edited: list
    counts: list

    @property
    def changes_grades(self):
        """True when readers' grades panel would change."""
        return bool(self.added or self.regraded or self.removed)

    @property
    def writes(self):
        return self.changes_grades or bool(self.edited)

    def descriptions(self):
        """Each change of grade as the desk reads it: "Investigating crime: Good → Adequate"."""
        return (
            [f"{area}: added, graded {grade}" for area, grade in self.added]
            + [f"{area}: {before} → {after}" for area, before, after in self.regraded]
            + [f"{area}: removed (was {grade})" for area, grade in self.removed]
        )

    def fingerprint(self):
        """Names the report's areas as they are now together with the file's rows: a preview
        confirmed later imports only if neither has changed since."""
        state = [
            sorted(
                GradedArea.objects.filter(report=self.report).values_list(
                    "name", "grade_id", "finding", "position"
                )
            ),
            [(row["area"], row["grade"].pk, row["finding"]) for row in self.rows],
        ]
        return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ImportResult:
    created: int
    regraded: int
    removed: int
    unchanged: int
    edited: int = 0

    @property
    def updated(self):
        """Areas kept from before (matched by name), whether or not anything about them changed."""
        return self.regraded + self.unchanged

    def __str__(self):
        edited = f" ({self.edited} with another finding or place)" if self.edited else ""
        return (
            f"{self.created} areas added, {self.regraded} regraded, {self.removed} removed, "
            f"{self.unchanged} unchanged{edited}."
        )


def plan_import(*, report, file):
    """What importing a grade CSV (as for import_graded_areas) would change; writes nothing.
    Raises ImportFailed with all errors if the file or any row is bad."""
    return _plan(report, _read_rows(file, report, None))


def _plan(report, rows):
    existing = {
        area.name.lower(): area
        for area in GradedArea.objects.filter(report=report).select_related("grade")
    }
    added, regraded, unchanged, edited = [], [], [], []
    for position, row in enumerate(rows, start=1):
        area = existing.get(row["area"].lower())
        if area is None:
            added.append((row["area"], row["grade"].label))
        elif area.grade_id != row["grade"].pk:
            regraded.append((row["area"], area.grade.label, row["grade"].label))
        else:
            unchanged.append(row["area"])
            if (area.name, area.finding, area.position) != (row["area"], row["finding"], position):
                edited.append(row["area"])
    names = {row["area"].lower() for row in rows}
    removed = [
        (area.name, area.grade.label)
        for name, area in sorted(existing.items(), key=lambda item: item[1].position)
        if name not in names
    ]
    grades = list(report.framework.scale.grades.all())
    counts = [(grade, sum(1 for row in rows if row["grade"].pk == grade.pk)) for grade in grades]
    return ImportPlan(
        report=report,
        rows=rows,
        added=added,
        regraded=regraded,
        removed=removed,
        unchanged=unchanged,
        edited=edited,
        counts=counts,
    )


def import_graded_areas(*, report, file, progress=None, expected=None):
    """Replace report's graded areas with those in a grade CSV (text, bytes or an open file).

    `progress(line)` is called with a line of text ("Checked 100 of 250 rows (40%)", then
    "Saved 100 of 250 areas (40%)") every PROGRESS_EVERY rows and after the last. Raises
    ImportFailed with all errors, and writes nothing, if the file or any row is bad; and
    ImportStale, writing nothing, if ``expected`` (the fingerprint of a confirmed preview) no
    longer matches.
    """
    rows = _read_rows(file, report, progress)
    positions = {row["area"].lower(): position for position, row in enumerate(rows, start=1)}
    with transaction.atomic(), reversion.create_revision():
        # Not report.graded_areas: the admin's report has them prefetched with fields deferred.
        areas = GradedArea.objects.filter(report=report).select_for_update()
        existing = {area.name.lower(): area for area in areas}
        plan = _plan(report, rows)  # read under the lock just taken
        if expected is not None and plan.fingerprint() != expected:
            raise ImportStale
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
        created = 0
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
        if plan.changes_grades:
            grades_imported.send(sender=InspectionReport, report=report, plan=plan)
    return ImportResult(
        created=created,
        regraded=len(plan.regraded),
        removed=len(removed),
        unchanged=len(plan.unchanged),
        edited=len(plan.edited),
    )


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
