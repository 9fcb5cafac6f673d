"""Journey 6, in Chromium: an Editor regrades the seed report, which a live story covers, by
re-importing its CSV; the import shows the change and names the live story before anything is
written; after "Confirm import" the story is first in "Needs attention" on the desk's front
page, and the reader's panel shows the new grade.

The demo site runs under gunicorn with DEBUG off; the Editor signs in through the real forms.
Screenshots of the key screens go to test-artifacts/journeys/reimport-*.png.
"""

import pytest

from tests.desk_journeys import (
    assert_accessible,
    csp_violations,
    demo_site,
    explained,
    shoot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.own_database]

REPORT = "PEEL 2021/22: Cambridgeshire Constabulary"
REPORT_SLUG = "peel-2021-22-cambridgeshire-constabulary"
STORY = "Inspectors tell Cambridgeshire police"
AREA = "Recording data about crime"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = demo_site(tmp_path_factory.mktemp("reimport-journey"))
    yield site
    site.stop()


def regraded_download(site):
    """The report's own download, with one area moved from Good to Outstanding."""
    status, _, body = site.fetch(f"/inspections/reports/{REPORT_SLUG}/grades.csv")
    assert status == 200
    lines = body.decode().splitlines(keepends=True)
    (row,) = [number for number, line in enumerate(lines) if f",{AREA}," in line]
    assert ",Good," in lines[row]
    lines[row] = lines[row].replace(",Good,", ",Outstanding,", 1)
    return "".join(lines).encode()


def test_a_regrade_names_the_live_story_and_puts_it_in_needs_attention(site, page):
    csp_errors = []
    page.on(
        "console", lambda m: m.type == "error" and csp_errors.append(f"{m.text} ({m.location})")
    )
    with explained(page):
        sign_in(page, site, "/admin/inspections/inspectionreport/")
        page.click(f"text={REPORT}")
        page.click("text=Import graded areas from CSV")
        upload = {"name": "grades.csv", "mimeType": "text/csv", "buffer": regraded_download(site)}
        page.set_input_files("#id_file", upload)
        page.click("input[type=submit]")

        preview = page.inner_text("#content-main")
        assert "Nothing has been imported yet" in preview
        assert "0 added, 1 regraded, 0 removed, 8 unchanged" in preview
        assert f"{AREA}: Good → Outstanding" in page.inner_text("#import-regraded")
        assert STORY in page.inner_text("#import-stories")  # the live story, named
        shoot(page, "reimport-1-preview")
        assert_accessible(page, "#content-main")

        page.click("input[value='Confirm import']")
        page.wait_for_url("**/change/")
        message = page.inner_text(".messagelist")
        assert "1 regraded" in message and "Needs attention" in message
        shoot(page, "reimport-2-imported")

        page.goto(f"{site.url}/admin/")
        attention = page.locator("#needs-attention")
        assert attention.locator("caption").text_content().startswith("Needs attention (")
        assert STORY in attention.inner_text()
        assert "good → outstanding" in attention.inner_text()
        shoot(page, "reimport-3-needs-attention")
        assert_accessible(page, ".desk-work")

        reader = page.context.browser.new_page()
        reader.goto(f"{site.url}/inspections/reports/{REPORT_SLUG}/")
        assert "Outstanding" in reader.inner_text("main")
        reader.close()
    assert not csp_violations(csp_errors)
