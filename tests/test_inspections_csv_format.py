"""Inspections: the grade CSV, written by the download and read by the import, round-trips."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from inspections.importing import import_graded_areas

# Each start a spreadsheet would read as a formula, text already starting with the guard's
# apostrophe, and ordinary text.
STARTS = ["=1+1", "+44 1223", "-5 crimes", "@SUM(A1)", "\tTabbed", "\rReturned", "'=quoted"]
ORDINARY = ["Ordinary text", "It's ordinary", "'Tis ordinary"]


def graded_values(report):
    return [
        (area.position, area.name, area.grade.label, area.finding)
        for area in report.graded_areas.select_related("grade").order_by("position")
    ]


@pytest.fixture
def awkward_report(make_report):
    report = make_report(areas=0)
    grades = list(report.framework.scale.grades.all())
    for position, value in enumerate(STARTS + ORDINARY, start=1):
        report.graded_areas.create(
            name=f"{value} (area)",
            grade=grades[position % len(grades)],
            finding=f"{value} (finding)",
            position=position,
        )
    return report


def download(client, report):
    response = client.get(reverse("inspections:report_csv", args=[report.slug]))
    assert response.status_code == 200
    return response.content


def test_no_downloaded_cell_starts_a_spreadsheet_formula(client, awkward_report):
    rows = list(csv.reader(io.StringIO(download(client, awkward_report).decode(), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == len(STARTS + ORDINARY) + 1
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


def test_a_downloaded_file_imports_back_exactly(client, awkward_report):
    before = graded_values(awkward_report)
    result = import_graded_areas(report=awkward_report, file=download(client, awkward_report))
    assert graded_values(awkward_report) == before
    assert (result.created, result.updated, result.removed) == (0, len(before), 0)


def test_a_downloaded_file_imports_back_exactly_by_command(client, awkward_report, tmp_path):
    before = graded_values(awkward_report)
    path = tmp_path / "grades.csv"
    path.write_bytes(download(client, awkward_report))
    call_command("import_grades", awkward_report.slug, str(path), stdout=io.StringIO())
    assert graded_values(awkward_report) == before
