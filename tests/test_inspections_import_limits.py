"""Inspections: the grade import stays up and stays correct on files it cannot take.

Each awkward file goes through the admin upload (as an Editor) and the import_grades command.
Each either imports cleanly or is refused with its problems listed by line, and a refused file
changes nothing. The limits (1 MB, 500 rows) are part of what editors are told, so the tests
name them as numbers.
"""

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

HEADER = "area,grade,finding\n"


def area_table(report):
    return [(a.position, a.name, a.grade.slug, a.finding) for a in report.graded_areas.all()]


def many_rows(count):
    return HEADER + "".join(f"Area {n},good,\n" for n in range(count))


@pytest.fixture
def post(peel_report, role_client):
    """Upload bytes as an Editor to the seed report's import page; return the response."""
    client = role_client("Editor")
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])

    def post(content):
        upload = SimpleUploadedFile("grades.csv", content, content_type="text/csv")
        response = client.post(url, {"file": upload})
        if b'id="confirm-import"' in response.content:  # the preview: confirm it
            token = re.search(rb'name="upload" value="([^"]+)"', response.content)[1]
            response = client.post(url, {"upload": token.decode()})
        return response

    return post


@pytest.fixture
def command(peel_report, tmp_path):
    """Run import_grades on bytes for the seed report; return (stdout, stderr, CommandError)."""

    def run(content):
        path = tmp_path / "grades.csv"
        path.write_bytes(content)
        out, err, failure = io.StringIO(), io.StringIO(), None
        try:
            call_command("import_grades", peel_report.slug, str(path), stdout=out, stderr=err)
        except CommandError as error:
            failure = error
        return out.getvalue(), err.getvalue(), failure

    return run


def imported(response, report):
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:inspections_inspectionreport_change", args=[report.pk]
    )
    return True


def refused_page(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    return page


# Bare carriage returns (classic Mac OS, some exporters) end lines like any other line end.
BARE_CR = (
    b"area,grade,finding\r"
    b"Recording data about crime,Good,Accurate.\r"
    b'Responding to the public,Inadequate,"Calls go\runanswered."\r'
    b"Investigating crime,Adequate,\r"
)
BARE_CR_AREAS = [
    (1, "Recording data about crime", "good", "Accurate."),
    (2, "Responding to the public", "inadequate", "Calls go\runanswered."),
    (3, "Investigating crime", "adequate", ""),
]


def test_bare_carriage_returns_end_lines_in_an_upload(post, peel_report):
    assert imported(post(BARE_CR), peel_report)
    assert area_table(peel_report) == BARE_CR_AREAS


def test_bare_carriage_returns_end_lines_for_the_command(command, peel_report):
    out, err, failure = command(BARE_CR)
    assert failure is None, err
    assert area_table(peel_report) == BARE_CR_AREAS


def test_bare_carriage_return_line_numbers_count_each_line(post, peel_report):
    page = refused_page(post(BARE_CR.replace(b"Adequate", b"Brilliant")))
    assert "Line 5: “Brilliant” is not a grade" in page


# csv's field_size_limit is 131,072 characters; one value over it stops the reader.
LONG_FINDING = (
    HEADER + "Recording data about crime,Good,Fine.\n" + "Investigating crime,Good," + "x" * 140_000
).encode()


def test_a_value_too_long_for_the_reader_is_listed_with_its_line(post, peel_report):
    before = area_table(peel_report)
    page = refused_page(post(LONG_FINDING))
    assert "Line 3: a value starts here that is longer than 131,072 characters" in page
    assert area_table(peel_report) == before


def test_a_value_too_long_for_the_reader_is_refused_by_the_command(command, peel_report):
    before = area_table(peel_report)
    out, err, failure = command(LONG_FINDING)
    assert failure is not None
    assert "Line 3: a value starts here that is longer than 131,072 characters" in err
    assert area_table(peel_report) == before


def test_a_quoted_value_too_long_for_the_reader_is_listed_at_the_line_it_opens(post):
    text = HEADER + 'Investigating crime,Good,"Starts here,\nruns on\n' + "x" * 140_000 + '"\n'
    page = refused_page(post(text.encode()))
    assert "Line 2: the quoted value that starts here is longer than 131,072 characters" in page


# PostgreSQL text cannot hold \x00; a file saved as UTF-16 without a BOM is full of them.
WITH_NUL = (
    HEADER + "Recording data about crime,Good,Fine.\nInvestigating\x00 crime,Good,\n"
).encode()


def test_a_nul_character_is_refused_with_its_line(post, peel_report):
    before = area_table(peel_report)
    page = refused_page(post(WITH_NUL))
    assert "Line 3: a NUL character" in page
    assert area_table(peel_report) == before


def test_a_nul_character_is_refused_by_the_command(command, peel_report):
    before = area_table(peel_report)
    out, err, failure = command(WITH_NUL)
    assert failure is not None
    assert "Line 3: a NUL character" in err
    assert area_table(peel_report) == before


def test_a_utf16_file_without_a_bom_is_refused_once_not_line_by_line(post):
    page = refused_page(post(("area,grade\n" + "Area,Good\n" * 50).encode("utf-16-le")))
    assert "Line 1: a NUL character" in page
    assert "51 more lines" in page
    assert page.count("NUL character") == 1


def test_a_file_that_is_not_utf8_is_refused_with_its_line(post, command, peel_report):
    latin1 = (HEADER + "Recording data about crime,Good,\nCafé culture,Good,\n").encode("latin-1")
    assert "Line 3: this is not UTF-8 text" in refused_page(post(latin1))
    out, err, failure = command(latin1)
    assert failure is not None and "Line 3: this is not UTF-8 text" in err
    assert peel_report.graded_areas.count() == 9


# An unbalanced quote made the rest of the file one value: rows after it vanished silently.
UNCLOSED_QUOTE = (
    HEADER
    + "Recording data about crime,Good,Fine.\n"
    + 'Responding to the public,Good,"Calls go unanswered.\n'
    + "Investigating crime,Adequate,\n"
    + "Treatment of the public,Good,\n"
).encode()


def test_an_unclosed_quote_is_reported_at_the_line_it_opens(post, peel_report):
    before = area_table(peel_report)
    page = refused_page(post(UNCLOSED_QUOTE))
    assert "Line 3: the quoted value that starts here is never closed" in page
    assert area_table(peel_report) == before


def test_an_unclosed_quote_is_refused_by_the_command(command, peel_report):
    before = area_table(peel_report)
    out, err, failure = command(UNCLOSED_QUOTE)
    assert failure is not None
    assert "Line 3: the quoted value that starts here is never closed" in err
    assert area_table(peel_report) == before


def test_a_quote_closed_by_a_later_lines_quote_is_reported_at_the_line_it_opens(post):
    text = (
        HEADER
        + 'Recording data about crime,Good,"Fine,\nall told."\n'  # lines 2-3: one good row
        + 'Responding to the public,Good,"Calls go unanswered.\n'  # line 4: never closed
        + "Investigating crime,Adequate,\n"
        + 'Treatment of the public,Good,"Fair" mostly\n'  # line 6: its quote ends line 4's
    )
    page = refused_page(post(text.encode()))
    assert "Line 4: the quoted value that starts here is not closed properly" in page
    assert "a quote on line 6 ends it" in page


def test_a_second_quoted_value_of_a_row_is_located_on_its_own_line(post):
    text = HEADER + 'Recording data about crime,"Good\n","Fine.\n'
    page = refused_page(post(text.encode()))
    assert "Line 3: the quoted value that starts here is never closed" in page


def test_rows_after_a_multi_line_value_keep_their_own_line_numbers(post):
    text = (
        HEADER
        + 'Recording data about crime,Brilliant,"Fine,\nall\ntold."\n'  # lines 2-4
        + "Investigating crime,Superb,\n"  # line 5
    )
    page = refused_page(post(text.encode()))
    assert "Line 2: “Brilliant” is not a grade" in page
    assert "Line 5: “Superb” is not a grade" in page


# A report grades tens of areas: 500 rows and 1 MB are far above any real file, and a file
# within them imports in well under a second.
@pytest.mark.parametrize("rows", [501, 5_000, 50_000])
def test_a_file_with_too_many_rows_is_refused_quickly(post, peel_report, rows):
    before = area_table(peel_report)
    started = time.monotonic()
    response = post(many_rows(rows).encode())
    elapsed = time.monotonic() - started
    page = refused_page(response)
    assert "more than 500 rows" in page
    assert area_table(peel_report) == before
    assert elapsed < 5  # it used to be imported inside the request, past the worker's 30 s


def test_a_file_with_too_many_rows_is_refused_before_the_rest_is_read(post):
    # Were every row read, the unclosed quote at the end would be reported too.
    page = refused_page(post((many_rows(5_000) + 'Last,good,"unclosed\n').encode()))
    assert "more than 500 rows" in page
    assert "quoted value" not in page


def test_a_file_with_too_many_rows_is_refused_by_the_command(command, peel_report):
    out, err, failure = command(many_rows(5_000).encode())
    assert failure is not None
    assert "more than 500 rows" in err
    assert peel_report.graded_areas.count() == 9


def test_a_file_over_one_megabyte_is_refused_before_it_is_read(post, command, peel_report):
    big = (HEADER + "Recording data about crime,Good," + "x" * 1_100_000 + "\n").encode()
    assert "larger than 1 MB" in refused_page(post(big))
    out, err, failure = command(big)
    assert failure is not None and "larger than 1 MB" in err
    assert peel_report.graded_areas.count() == 9


def test_five_hundred_rows_import_and_blank_lines_do_not_count(post, peel_report):
    assert imported(post((many_rows(500) + "\n,,\n" * 100).encode()), peel_report)
    assert peel_report.graded_areas.count() == 500


def test_the_upload_page_states_the_limits(peel_report, role_client):
    url = reverse("admin:inspections_inspectionreport_import_grades", args=[peel_report.pk])
    page = role_client("Editor").get(url).content.decode()
    assert "at most 1 MB and 500 rows" in page


def test_the_command_shows_progress_while_it_saves(command, peel_report):
    out, err, failure = command(many_rows(250).encode())
    assert failure is None, err
    assert "Checked 250 of 250 rows (100%)" in out
    assert "Saved 100 of 250 areas (40%)" in out
    assert "Saved 250 of 250 areas (100%)" in out
    assert peel_report.graded_areas.count() == 250
