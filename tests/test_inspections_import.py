"""Inspections: importing a report's graded areas from CSV, by command and by admin upload."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.importing import ImportFailed, import_graded_areas
from inspections.models import Finding, FindingKind

GOOD_CSV = """area,grade,finding
Recording data about crime,Good,Crime is recorded accurately.
Responding to the public,requires-improvement,Calls go unanswered.
Investigating crime,REQUIRES IMPROVEMENT,
Treatment of the public,adequate,"Fair, mostly."
"""

BAD_CSV = """area,grade,finding
Recording data about crime,Good,
,Good,No area name
Investigating crime,Brilliant,
Recording data about crime,Adequate,Twice
Responding to the public,,
"""


def area_table(report):
    return [(a.position, a.name, a.grade.slug) for a in report.graded_areas.select_related("grade")]


def test_a_good_file_replaces_the_areas_in_file_order(peel_report):
    finding = Finding.objects.create(
        report=peel_report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        area=peel_report.graded_areas.get(name="Investigating crime"),
        text="Supervise investigations.",
    )
    result = import_graded_areas(report=peel_report, file=GOOD_CSV)
    assert (result.created, result.updated, result.removed) == (0, 4, 5)
    assert str(result) == (
        "0 areas added, 0 regraded, 5 removed, 4 unchanged (4 with another finding or place)."
    )
    assert area_table(peel_report) == [
        (1, "Recording data about crime", "good"),
        (2, "Responding to the public", "requires-improvement"),
        (3, "Investigating crime", "requires-improvement"),
        (4, "Treatment of the public", "adequate"),
    ]
    assert peel_report.graded_areas.get(position=4).finding == "Fair, mostly."
    finding.refresh_from_db()
    assert finding.area.name == "Investigating crime"  # kept: updated in place


def test_new_areas_are_added(make_report):
    report = make_report(areas=0)
    result = import_graded_areas(report=report, file=GOOD_CSV.encode("utf-8-sig"))
    assert (result.created, result.updated, result.removed) == (4, 0, 0)
    assert report.graded_areas.count() == 4


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported(peel_report):
    before = area_table(peel_report)
    with pytest.raises(ImportFailed) as failure:
        import_graded_areas(report=peel_report, file=BAD_CSV)
    assert failure.value.errors == [
        "Line 3: the area is empty.",
        "Line 4: “Brilliant” is not a grade of the Five grades (PEEL from 2021/22) scale "
        "(Outstanding, Good, Adequate, Requires improvement, Inadequate).",
        "Line 5: “Recording data about crime” is already on line 2.",
        "Line 6: the grade is empty.",
    ]
    assert area_table(peel_report) == before


def test_a_grade_from_another_scale_is_refused(previous_peel_report):
    with pytest.raises(ImportFailed) as failure:
        import_graded_areas(report=previous_peel_report, file="area,grade\nLegitimacy,adequate\n")
    assert failure.value.errors[0].startswith("Line 2: “adequate” is not a grade of the Four")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Line 1: the header row must name"),
        ("name,grade\nX,Good\n", "missing area; unknown name"),
        ("area,grade\n", "The file has no rows under its header."),
        ("area,grade\nX,Good,extra\n", "Line 2: 3 values; the header has 2."),
    ],
)
def test_files_without_a_proper_header_or_rows_are_refused(peel_report, text, error):
    with pytest.raises(ImportFailed) as failure:
        import_graded_areas(report=peel_report, file=text)
    assert error in "\n".join(failure.value.errors)
    assert peel_report.graded_areas.count() == 9


def test_progress_is_reported_every_hundred_rows(make_report):
    report = make_report(areas=0)
    rows = "".join(f"Area {n},good,\n" for n in range(250))
    calls = []
    import_graded_areas(report=report, file="area,grade,finding\n" + rows, progress=calls.append)
    assert calls == [
        "Checked 100 of 250 rows (40%)",
        "Checked 200 of 250 rows (80%)",
        "Checked 250 of 250 rows (100%)",
        "Saved 100 of 250 areas (40%)",
        "Saved 200 of 250 areas (80%)",
        "Saved 250 of 250 areas (100%)",
    ]
    assert report.graded_areas.count() == 250


def test_areas_in_reverse_order_swap_positions(peel_report):
    before = area_table(peel_report)
    text = "area,grade\n" + "".join(f"{name},{grade}\n" for _, name, grade in reversed(before))
    result = import_graded_areas(report=peel_report, file=text)
    assert (result.created, result.updated, result.removed) == (0, 9, 0)
    assert area_table(peel_report) == [
        (position, name, grade) for position, (_, name, grade) in enumerate(reversed(before), 1)
    ]


def test_importing_the_same_areas_again_writes_none_of_them(peel_report):
    text = "area,grade\n" + "".join(f"{n},{g}\n" for _, n, g in area_table(peel_report))
    with CaptureQueriesContext(connection) as queries:
        result = import_graded_areas(report=peel_report, file=text)
    assert (result.created, result.updated, result.removed) == (0, 9, 0)
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_command_imports_and_shows_progress(peel_report, tmp_path, capsys):
    path = tmp_path / "grades.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    call_command("import_grades", peel_report.slug, str(path))
    out = capsys.readouterr().out
    assert "Checked 4 of 4 rows (100%)" in out
    assert "0 areas added, 0 regraded, 5 removed, 4 unchanged (4 with another" in out
    assert peel_report.graded_areas.count() == 4


def test_command_lists_every_error_and_imports_nothing(peel_report, tmp_path, capsys):
    path = tmp_path / "grades.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_grades", peel_report.slug, str(path))
    err = capsys.readouterr().err
    assert "Line 3: the area is empty." in err and "Line 6: the grade is empty." in err
    assert peel_report.graded_areas.count() == 9


def test_command_refuses_an_unknown_report(db, tmp_path):
    with pytest.raises(CommandError, match="No report has the slug"):
        call_command("import_grades", "no-such-report", str(tmp_path / "missing.csv"))


def upload(text, name="grades.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_admin_upload_imports_and_returns_to_the_report(peel_report, role_client):
    client = role_client("Editor")
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"replaces" in page.content
    preview = client.post(url, {"file": upload(GOOD_CSV)})
    assert preview.status_code == 200
    assert peel_report.graded_areas.count() == 9  # nothing written before the confirmation
    token = re.search(r'name="upload" value="([^"]+)"', preview.content.decode())[1]
    response = client.post(url, {"upload": token})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:inspections_inspectionreport_change", args=[peel_report.pk]
    )
    assert peel_report.graded_areas.count() == 4


def test_admin_upload_lists_errors_and_imports_nothing(peel_report, role_client):
    client = role_client("Editor")
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    response = client.post(url, {"file": upload(BAD_CSV)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Line 3: the area is empty." in page and "Line 6: the grade is empty." in page
    assert peel_report.graded_areas.count() == 9


def test_admin_upload_refuses_a_file_that_is_not_utf8(peel_report, role_client):
    client = role_client("Editor")
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    file = SimpleUploadedFile("g.csv", "area,grade\nCafé,Good\n".encode("utf-16"))
    response = client.post(url, {"file": file})
    assert "not UTF-8" in response.content.decode()


@pytest.mark.parametrize("role", ["Reporter", "Corrections desk"])
def test_only_roles_that_change_reports_may_import(peel_report, role_client, role):
    client = role_client(role)
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload(GOOD_CSV)}).status_code == 403
    assert peel_report.graded_areas.count() == 9


def test_change_page_links_to_the_import_for_editors_only(peel_report, role_client):
    change = reverse("admin:inspections_inspectionreport_change", args=[peel_report.pk])
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    assert url in role_client("Editor").get(change).content.decode()
    client = role_client("Reporter")
    assert url not in client.get(change).content.decode()
